package dev.jamespipeline.server.mailbox;

import org.apache.james.mailbox.store.mail.model.impl.MessageParser;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

/** Binds James's mailbox attachment parser to one that survives deeply nested MIME; applied with {@code overrideWith}. */
public class MailboxParsingModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(MessageParser.class).to(StackSafeMessageParser.class).in(Scopes.SINGLETON);
    }
}
