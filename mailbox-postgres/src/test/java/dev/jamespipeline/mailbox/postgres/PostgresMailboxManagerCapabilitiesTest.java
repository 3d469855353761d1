package dev.jamespipeline.mailbox.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.apache.james.mailbox.MailboxManager.MailboxCapabilities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresMailboxManagerCapabilitiesTest {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    @Test
    void quotaIsAdvertisedOnlyWhenQuotasAreEnforced() {
        assertThat(PostgresBackendFixture.backend(database.dataSource(), Set.of()).mailboxManager().getSupportedMailboxCapabilities())
            .containsExactlyInAnyOrderElementsOf(PostgresMailboxManager.MAILBOX_CAPABILITIES)
            .doesNotContain(MailboxCapabilities.Quota);
        assertThat(PostgresBackendFixture.builder(database.dataSource(), Set.of(), PostgresBackendFixture.eventBus()).quotas(PostgresBackendFixture::memoryQuotas).build()
                .mailboxManager().getSupportedMailboxCapabilities())
            .contains(MailboxCapabilities.Quota);
    }
}
