package dev.jamespipeline.server.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.mailbox.postgres.MailboxSchema;
import dev.jamespipeline.testing.PostgresTestDatabase;

/** One scheduled run: an attachment a failed append left more than the grace period ago goes, a recent one stays. */
class OrphanSweepingTest {
    private static PostgresTestDatabase database;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create();
        MailboxSchema.migrate(database.dataSource());
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void aRunDeletesOrphansOlderThanTheGracePeriodOnly() throws Exception {
        insertOrphanAttachment("old", "now() - interval '2 hours'");
        insertOrphanAttachment("recent", "now() - interval '5 minutes'");
        OrphanSweeping sweeping = new OrphanSweeping(database.dataSource());

        sweeping.sweep();
        sweeping.stop();

        assertThat(attachmentIds()).containsExactly("recent");
    }

    private static void insertOrphanAttachment(String id, String storedAt) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO attachment "
                 + "(attachment_id, message_id, content_type, size, content, stored_at) VALUES (?, ?, 'text/plain', 1, 'x', " + storedAt + ")")) {
            insert.setString(1, id);
            insert.setObject(2, UUID.randomUUID());
            insert.executeUpdate();
        }
    }

    private static List<String> attachmentIds() throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT attachment_id FROM attachment")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }
}
