package dev.jamespipeline.mailbox.postgres.mail;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.inject.Inject;
import javax.sql.DataSource;

import org.apache.james.mailbox.model.MailboxAnnotation;
import org.apache.james.mailbox.model.MailboxAnnotationKey;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.AnnotationMapper;

import com.google.common.base.Preconditions;

import dev.jamespipeline.mailbox.postgres.Jdbc;
import dev.jamespipeline.mailbox.postgres.PostgresMailboxId;

/**
 * James's {@link AnnotationMapper} over table {@code mailbox_annotation}; keys are stored as
 * {@link MailboxAnnotationKey#asString()} (lower case), so lookups are case-insensitive as James wants.
 * The SPI declares no checked exception: SQL failures surface as {@link IllegalStateException}.
 */
public class PostgresAnnotationMapper implements AnnotationMapper {
    private static final String SELECT = "SELECT annotation_key, value FROM mailbox_annotation WHERE mailbox_id = ?";

    private final DataSource dataSource;

    @Inject
    public PostgresAnnotationMapper(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public List<MailboxAnnotation> getAllAnnotations(MailboxId mailboxId) {
        return select(SELECT, mailboxId, null);
    }

    @Override
    public List<MailboxAnnotation> getAnnotationsByKeys(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
        return select(SELECT + " AND annotation_key = ANY (?)", mailboxId,
            keys.stream().map(MailboxAnnotationKey::asString).toArray(String[]::new));
    }

    @Override
    public List<MailboxAnnotation> getAnnotationsByKeysWithOneDepth(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
        return getAnnotationsByKeysWithAllDepth(mailboxId, keys).stream()
            .filter(annotation -> keys.stream().anyMatch(key -> key.isParentOrIsEqual(annotation.getKey())))
            .toList();
    }

    @Override
    public List<MailboxAnnotation> getAnnotationsByKeysWithAllDepth(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
        return select(SELECT + " AND annotation_key LIKE ANY (?)", mailboxId,
            keys.stream()
                .flatMap(key -> Set.of(SqlLike.literal(key.asString()), SqlLike.startingWith(key.asString() + MailboxAnnotationKey.SLASH_CHARACTER)).stream())
                .toArray(String[]::new));
    }

    @Override
    public void deleteAnnotation(MailboxId mailboxId, MailboxAnnotationKey key) {
        update("DELETE FROM mailbox_annotation WHERE mailbox_id = ? AND annotation_key = ?", mailboxId, key.asString());
    }

    @Override
    public void insertAnnotation(MailboxId mailboxId, MailboxAnnotation annotation) {
        Preconditions.checkArgument(!annotation.isNil(), "A nil annotation is a deletion, not an insertion");
        update("INSERT INTO mailbox_annotation (mailbox_id, annotation_key, value) VALUES (?, ?, ?) "
            + "ON CONFLICT (mailbox_id, annotation_key) DO UPDATE SET value = EXCLUDED.value",
            mailboxId, annotation.getKey().asString(), annotation.getValue().orElseThrow());
    }

    @Override
    public boolean exist(MailboxId mailboxId, MailboxAnnotation annotation) {
        return count("SELECT count(*) FROM mailbox_annotation WHERE mailbox_id = ? AND annotation_key = ?", mailboxId, annotation.getKey().asString()) > 0;
    }

    @Override
    public int countAnnotations(MailboxId mailboxId) {
        return count("SELECT count(*) FROM mailbox_annotation WHERE mailbox_id = ?", mailboxId);
    }

    private List<MailboxAnnotation> select(String sql, MailboxId mailboxId, String[] keysOrPatterns) {
        return Jdbc.call(() -> {
            try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
                select.setObject(1, uuid(mailboxId));
                if (keysOrPatterns != null) {
                    select.setArray(2, connection.createArrayOf("text", keysOrPatterns));
                }
                List<MailboxAnnotation> annotations = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        annotations.add(MailboxAnnotation.newInstance(new MailboxAnnotationKey(rows.getString(1)), rows.getString(2)));
                    }
                }
                return annotations;
            }
        }, PostgresAnnotationMapper::failure);
    }

    private void update(String sql, MailboxId mailboxId, String... parameters) {
        Jdbc.call(() -> {
            try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(sql)) {
                bind(update, mailboxId, parameters);
                return update.executeUpdate();
            }
        }, PostgresAnnotationMapper::failure);
    }

    private int count(String sql, MailboxId mailboxId, String... parameters) {
        return Jdbc.call(() -> {
            try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
                bind(select, mailboxId, parameters);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getInt(1);
                }
            }
        }, PostgresAnnotationMapper::failure);
    }

    private static void bind(PreparedStatement statement, MailboxId mailboxId, String... parameters) throws SQLException {
        statement.setObject(1, uuid(mailboxId));
        for (int i = 0; i < parameters.length; i++) {
            statement.setString(i + 2, parameters[i]);
        }
    }

    private static UUID uuid(MailboxId mailboxId) {
        return ((PostgresMailboxId) mailboxId).asUuid();
    }

    private static IllegalStateException failure(SQLException e) {
        return new IllegalStateException("PostgreSQL: " + e.getMessage(), e);
    }
}
