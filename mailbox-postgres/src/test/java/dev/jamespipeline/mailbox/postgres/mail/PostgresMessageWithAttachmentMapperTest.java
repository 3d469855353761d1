package dev.jamespipeline.mailbox.postgres.mail;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.model.MapperProvider;
import org.apache.james.mailbox.store.mail.model.MessageWithAttachmentMapperTest;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.mailbox.postgres.MailboxDatabaseExtension;
import dev.jamespipeline.mailbox.postgres.PostgresMailboxId;

class PostgresMessageWithAttachmentMapperTest extends MessageWithAttachmentMapperTest {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    @Override
    protected MapperProvider createMapperProvider() {
        return new PersistingMailboxIds(database.dataSource());
    }

    /**
     * This contract builds its mailbox from {@link #generateId()} alone and never creates it, as a
     * backend without referential integrity allows. Ours has: each id handed out is a real mailbox row.
     */
    private static final class PersistingMailboxIds extends PostgresMapperProvider {
        private final DataSource dataSource;

        PersistingMailboxIds(DataSource dataSource) {
            super(dataSource);
            this.dataSource = dataSource;
        }

        @Override
        public MailboxId generateId() {
            PostgresMailboxId id = PostgresMailboxId.generate();
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO mailbox (mailbox_id, namespace, user_name, name, uid_validity) VALUES (?, '#private', 'benwa', ?, 42)")) {
                insert.setObject(1, id.asUuid());
                insert.setString(2, "generated-" + id.serialize());
                insert.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return id;
        }
    }
}
