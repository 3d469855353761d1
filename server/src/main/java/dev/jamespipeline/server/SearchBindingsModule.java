package dev.jamespipeline.server;

import org.apache.james.mailbox.store.search.MessageSearchIndex;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

import dev.jamespipeline.search.james.OpenSearchMessageSearchIndex;

/** The core binding the server main replaces on every backend (search from OpenSearch); applied with {@code overrideWith}. */
public class SearchBindingsModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(MessageSearchIndex.class).to(OpenSearchMessageSearchIndex.class).in(Scopes.SINGLETON);
    }
}
