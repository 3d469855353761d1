package dev.jamespipeline.mailbox.postgres.mail;

import org.apache.james.mailbox.store.mail.model.MapperProvider;
import org.apache.james.mailbox.store.mail.model.MessageMapperTest;
import org.apache.james.utils.UpdatableTickingClock;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.mailbox.postgres.ExcludedContractTest;
import dev.jamespipeline.mailbox.postgres.MailboxDatabaseExtension;

@ExcludedContractTest(method = "getApplicableFlagShouldHaveNotEffectWhenUnsetMessageFlagThenIncrementalApplicableFlags",
    reason = "3.8.1 runs it for THREAD_SAFE_FLAGS_UPDATE but asserts INCREMENTAL_APPLICABLE_FLAGS behaviour (James fixed the"
        + " assumption in 3.9.0); applicable flags here are computed from the mailbox's current state, as its twin"
        + " getApplicableFlagShouldHaveEffectWhenUnsetMessageFlagThenComputingApplicableFlagsFromCurrentMailboxState checks")
class PostgresMessageMapperTest extends MessageMapperTest {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    private PostgresMapperProvider provider;

    @Override
    protected MapperProvider createMapperProvider() {
        provider = new PostgresMapperProvider(database.dataSource());
        return provider;
    }

    @Override
    protected UpdatableTickingClock updatableTickingClock() {
        return provider.clock();
    }
}
