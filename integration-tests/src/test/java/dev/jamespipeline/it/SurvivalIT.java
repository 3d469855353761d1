package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user expects to survive a crash does: the distribution as run.sh starts it (state in
 * PostgreSQL), configured through WebAdmin, sent mail over SMTP, killed as {@code kill -9} kills it,
 * then started again on the same configuration and database.
 */
class SurvivalIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DOMAIN = "survival.test";
    private static final String BOB = "bob@" + DOMAIN;
    private static final String ALIAS = "bobby@" + DOMAIN;

    @TempDir
    Path workDir;

    @Test
    void usersDomainsAliasesSieveQuotasAndDeliveredMailSurviveAHardKillAndSearchStillFindsIt() throws Exception {
        try (DistributionProcess james = DistributionProcess.start(workDir, "dev.jamespipeline.server.PipelineJamesServerMain",
                "james-server-memory-app.jar", "james-server-memory-app.lib/*", "pipeline-lib/*")) {
            james.addUser(DOMAIN, BOB);
            james.webAdminPut("/address/aliases/" + BOB + "/sources/" + ALIAS, "");
            james.webAdminPut("/sieve/" + BOB + "/scripts/vacation?activate=true", "require \"fileinto\";\nkeep;\n");
            james.webAdminPut("/sieve/quota/users/" + BOB, "4096");
            james.webAdminPut("/quota/users/" + BOB + "/count", "1000");
            SmtpReply before = new SmtpSender(james.smtp).send("alice@example.com", "before the crash", "delivered before survivorword", BOB);
            assertThat(before.code()).isEqualTo(250);
            ImapReader reader = new ImapReader(james.imap);
            await().atMost(WAIT).until(() -> reader.inboxCount(BOB, "secret") == 1);

            try (DistributionProcess restarted = james.killHardAndStartAgain()) {
                assertThat(restarted.webAdminGet("/domains/" + DOMAIN).statusCode()).isEqualTo(204);
                assertThat(restarted.webAdminGet("/users").body()).contains(BOB);
                assertThat(restarted.webAdminGet("/address/aliases/" + BOB).body()).contains(ALIAS);
                assertThat(restarted.webAdminGet("/sieve/quota/users/" + BOB).body()).isEqualTo("4096");
                assertThat(restarted.webAdminGet("/quota/users/" + BOB + "/count").body()).isEqualTo("1000");
                assertThat(activeSieveScripts(restarted)).containsExactly("vacation");

                // The message delivered before the kill, exactly once; the alias still routes new mail.
                ImapReader afterRestart = new ImapReader(restarted.imap);
                List<String> inbox = afterRestart.inboxMessages(BOB, "secret");
                assertThat(inbox).hasSize(1);
                assertThat(inbox.get(0)).contains("delivered before").contains(before.pipelineId());
                assertThat(afterRestart.uidSearch(BOB, "secret", "TEXT survivorword")).hasSize(1);
                assertThat(new SmtpSender(restarted.smtp).send("alice@example.com", "after", "to the alias", ALIAS).code())
                    .isEqualTo(250);
                await().atMost(WAIT).until(() -> afterRestart.inboxCount(BOB, "secret") == 2);
            }
        }
    }

    /** Sieve scripts have no WebAdmin read route in 3.8.1: the table James's Sieve repository reads. */
    private static List<String> activeSieveScripts(DistributionProcess james) throws Exception {
        try (Connection connection = james.database().dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                 "SELECT script_name FROM james_sieve_script WHERE user_name = '" + BOB + "' AND is_active")) {
            List<String> names = new ArrayList<>();
            while (rows.next()) {
                names.add(rows.getString(1));
            }
            return names;
        }
    }
}
