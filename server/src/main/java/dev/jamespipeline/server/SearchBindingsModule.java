package dev.jamespipeline.server;

import org.apache.james.mailbox.store.mail.ThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.search.MessageSearchIndex;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

import dev.jamespipeline.search.james.OpenSearchMessageSearchIndex;
import dev.jamespipeline.server.thread.MemoryThreadIdGuessingAlgorithm;

/** The two core bindings the server main replaces; applied with {@code overrideWith}. */
public class SearchBindingsModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(MessageSearchIndex.class).to(OpenSearchMessageSearchIndex.class).in(Scopes.SINGLETON);
        bind(ThreadIdGuessingAlgorithm.class).to(MemoryThreadIdGuessingAlgorithm.class).in(Scopes.SINGLETON);
    }
}
