package dev.jamespipeline.mailbox.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;

import org.junit.jupiter.api.Test;

import dev.jamespipeline.testing.PostgresTestDatabase;

class MailboxSchemaTest {

    @Test
    void migratingTwiceAppliesEachScriptOnce() throws Exception {
        try (PostgresTestDatabase database = PostgresTestDatabase.create()) {
            MailboxSchema.migrate(database.dataSource());
            MailboxSchema.migrate(database.dataSource());

            try (Connection connection = database.dataSource().getConnection();
                 ResultSet rows = connection.createStatement().executeQuery(
                     "SELECT count(*), count(DISTINCT version) FROM " + MailboxSchema.HISTORY_TABLE + " WHERE version IS NOT NULL")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(rows.getInt(2));
            }
        }
    }
}
