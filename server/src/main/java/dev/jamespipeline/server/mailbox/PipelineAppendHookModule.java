package dev.jamespipeline.server.mailbox;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.OptionalBinder;

import dev.jamespipeline.mailbox.postgres.MessageAppendHook;
import dev.jamespipeline.state.PipelineAppendHook;

/**
 * Every message added to a PostgreSQL mailbox writes the pipeline's delivery claim, its ledger entry
 * and its {@code mail.delivered} outbox row in the mailbox's own transaction: a delivery is never
 * recorded without its copy, nor its copy kept without its announcement. Bound in James's injector,
 * where the mailbox is built; the pipeline's module (a child injector) refuses to start unless its
 * {@code ledger.backend} is {@code postgres} to match.
 */
public final class PipelineAppendHookModule extends AbstractModule {
    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), MessageAppendHook.class).setBinding().to(PipelineAppendHook.class);
    }
}
