package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.core.state.StateSettings;

/**
 * {@code backend=memory} in james-database.properties (trials): the server main runs James's memory
 * app (the error repositories the shipped configuration names included), mail flows, and nothing is
 * written to the PostgreSQL the file still names.
 */
class MemoryBackendIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("bob")
        .editConf("james-database.properties", text -> text.replace("backend=postgresql", "backend=memory"))
        // Without PostgreSQL the pipeline's state is in files (the PostgreSQL ledger needs the PostgreSQL mailbox).
        .setting(StateSettings.LEDGER_BACKEND, "file")
        .setting(StateSettings.STORE_BACKEND, "file");

    @Test
    void theMemoryBackendDeliversMailAndLeavesPostgresqlUntouched() throws Exception {
        assertThat(PIPELINE.james().smtp().send("alice@" + DOMAIN, "trial", "in the heap", "bob@" + DOMAIN).code()).isEqualTo(250);

        await().atMost(Duration.ofSeconds(30))
            .until(() -> PIPELINE.james().imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD) == 1);
        try (Connection connection = PIPELINE.james().database().dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet tables = statement.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
            tables.next();
            assertThat(tables.getInt(1)).isZero();
        }
    }
}
