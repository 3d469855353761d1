package dev.jamespipeline.mailbox.postgres.mail;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.inject.Inject;
import javax.sql.DataSource;

import org.apache.james.core.Username;
import org.apache.james.mailbox.acl.ACLDiff;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxACL;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.model.search.MailboxNameExpression;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.apache.james.mailbox.model.search.Wildcard;
import org.apache.james.mailbox.store.mail.MailboxMapper;

import com.google.common.base.Preconditions;

import dev.jamespipeline.mailbox.postgres.Jdbc;
import dev.jamespipeline.mailbox.postgres.PostgresMailboxId;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * James's {@link MailboxMapper} over table {@code mailbox}. Each call is one statement in its own
 * transaction, except ACL updates, which lock the row to apply a command to the stored ACL. Two
 * nodes creating or renaming to the same path are stopped by the table's unique constraint.
 */
public class PostgresMailboxMapper implements MailboxMapper {
    private static final String COLUMNS = "mailbox_id, namespace, user_name, name, uid_validity, acl::text AS acl";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM mailbox ";

    private final DataSource dataSource;

    @Inject
    public PostgresMailboxMapper(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Mono<Mailbox> create(MailboxPath path, UidValidity uidValidity) {
        PostgresMailboxId id = PostgresMailboxId.generate();
        return Jdbc.mono(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO mailbox (mailbox_id, namespace, user_name, name, uid_validity) VALUES (?, ?, ?, ?, ?) "
                         + "ON CONFLICT ON CONSTRAINT mailbox_path_unique DO NOTHING")) {
                insert.setObject(1, id.asUuid());
                insert.setString(2, path.getNamespace());
                insert.setString(3, userName(path.getUser()));
                insert.setString(4, path.getName());
                insert.setLong(5, uidValidity.asLong());
                if (insert.executeUpdate() == 0) {
                    throw new MailboxExistsException(path.asString());
                }
                return new Mailbox(path, uidValidity, id);
            }
        });
    }

    @Override
    public Mono<MailboxId> rename(Mailbox mailbox) {
        Preconditions.checkNotNull(mailbox.getMailboxId(), "A mailbox we want to rename should have a defined mailboxId");
        MailboxPath path = mailbox.generateAssociatedPath();
        return Jdbc.mono(() -> {
            try (Connection connection = dataSource.getConnection()) {
                // Renaming onto any existing path, its own included, is refused, as James's other mappers do.
                if (findByPath(connection, path).isPresent()) {
                    throw new MailboxExistsException(path.asString());
                }
                try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE mailbox SET namespace = ?, user_name = ?, name = ? WHERE mailbox_id = ?")) {
                    update.setString(1, path.getNamespace());
                    update.setString(2, userName(path.getUser()));
                    update.setString(3, path.getName());
                    update.setObject(4, uuid(mailbox.getMailboxId()));
                    if (update.executeUpdate() == 0) {
                        throw new MailboxNotFoundException(mailbox.getMailboxId());
                    }
                } catch (SQLException e) {
                    // Another node took the path between our check and our update.
                    if (Jdbc.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        throw new MailboxExistsException(path.asString());
                    }
                    throw e;
                }
                return mailbox.getMailboxId();
            }
        });
    }

    @Override
    public Mono<Void> delete(Mailbox mailbox) {
        return Jdbc.mono(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM mailbox WHERE mailbox_id = ?")) {
                delete.setObject(1, uuid(mailbox.getMailboxId()));
                delete.executeUpdate();
                return null;
            }
        }).then();
    }

    @Override
    public Mono<Mailbox> findMailboxByPath(MailboxPath path) {
        return Jdbc.mono(() -> {
            try (Connection connection = dataSource.getConnection()) {
                return findByPath(connection, path).orElse(null);
            }
        });
    }

    @Override
    public Mono<Mailbox> findMailboxById(MailboxId id) {
        return Jdbc.mono(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement select = connection.prepareStatement(SELECT + "WHERE mailbox_id = ?")) {
                select.setObject(1, uuid(id));
                return readAll(select).stream().findFirst().orElseThrow(() -> new MailboxNotFoundException(id));
            }
        });
    }

    @Override
    public Flux<Mailbox> findNonPersonalMailboxes(Username user, MailboxACL.Right right) {
        MailboxACL.EntryKey userKey = MailboxACL.EntryKey.createUserEntryKey(user);
        return Jdbc.flux(() -> {
            try (Connection connection = dataSource.getConnection();
                 // "??" is pgjdbc's escape for PostgreSQL's jsonb key-exists operator "?"; the GIN index serves it.
                 PreparedStatement select = connection.prepareStatement(SELECT + "WHERE acl ?? ?")) {
                select.setString(1, userKey.serialize());
                return readAll(select);
            }
        }).filter(mailbox -> Optional.ofNullable(mailbox.getACL().ofPositiveNameType(MailboxACL.NameType.user).get(userKey))
            .map(rights -> rights.contains(right))
            .orElse(false));
    }

    @Override
    public Flux<Mailbox> findMailboxWithPathLike(MailboxQuery.UserBound query) {
        MailboxNameExpression expression = query.getMailboxNameExpression();
        return Jdbc.flux(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement select = connection.prepareStatement(SELECT + "WHERE namespace = ? AND " + userCondition(query.getFixedUser())
                     + (Wildcard.INSTANCE.equals(expression) ? "" : " AND name LIKE ?"))) {
                int next = 1;
                select.setString(next++, query.getFixedNamespace());
                next = bindUser(select, next, query.getFixedUser());
                if (!Wildcard.INSTANCE.equals(expression)) {
                    select.setString(next, SqlLike.imapPattern(expression.getCombinedName(), expression.getFreeWildcard(), expression.getLocalWildcard()));
                }
                return readAll(select);
            }
        }).filter(query::matches);
    }

    @Override
    public Mono<Boolean> hasChildren(Mailbox mailbox, char delimiter) {
        return Jdbc.mono(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement select = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM mailbox WHERE namespace = ? AND "
                     + userCondition(mailbox.getUser()) + " AND name LIKE ?" + ")")) {
                int next = 1;
                select.setString(next++, mailbox.getNamespace());
                next = bindUser(select, next, mailbox.getUser());
                select.setString(next, SqlLike.startingWith(mailbox.getName() + delimiter));
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getBoolean(1);
                }
            }
        });
    }

    @Override
    public Mono<ACLDiff> updateACL(Mailbox mailbox, MailboxACL.ACLCommand command) {
        return Jdbc.mono(() -> Jdbc.inTransaction(dataSource, transaction -> {
            MailboxACL stored = lockAcl(transaction, mailbox.getMailboxId());
            MailboxACL updated = stored.apply(command);
            writeAcl(transaction, mailbox.getMailboxId(), updated);
            return ACLDiff.computeDiff(stored, updated);
        }));
    }

    @Override
    public Mono<ACLDiff> setACL(Mailbox mailbox, MailboxACL acl) {
        return Jdbc.mono(() -> Jdbc.inTransaction(dataSource, transaction -> {
            MailboxACL stored = lockAcl(transaction, mailbox.getMailboxId());
            writeAcl(transaction, mailbox.getMailboxId(), acl);
            return ACLDiff.computeDiff(stored, acl);
        }));
    }

    @Override
    public Flux<Mailbox> list() {
        return Jdbc.flux(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement select = connection.prepareStatement(SELECT)) {
                return readAll(select);
            }
        });
    }

    private Optional<Mailbox> findByPath(Connection connection, MailboxPath path) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT + "WHERE namespace = ? AND " + userCondition(path.getUser()) + " AND name = ?")) {
            int next = 1;
            select.setString(next++, path.getNamespace());
            next = bindUser(select, next, path.getUser());
            select.setString(next, path.getName());
            return readAll(select).stream().findFirst();
        }
    }

    private MailboxACL lockAcl(Connection transaction, MailboxId id) throws SQLException, MailboxNotFoundException {
        try (PreparedStatement select = transaction.prepareStatement("SELECT acl::text FROM mailbox WHERE mailbox_id = ? FOR UPDATE")) {
            select.setObject(1, uuid(id));
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new MailboxNotFoundException(id);
                }
                return MailboxAclJson.fromJson(row.getString(1));
            }
        }
    }

    private void writeAcl(Connection transaction, MailboxId id, MailboxACL acl) throws SQLException {
        try (PreparedStatement update = transaction.prepareStatement("UPDATE mailbox SET acl = ?::jsonb WHERE mailbox_id = ?")) {
            update.setString(1, MailboxAclJson.toJson(acl));
            update.setObject(2, uuid(id));
            update.executeUpdate();
        }
    }

    // A mailbox may belong to no user; SQL's "=" never matches NULL, so that case has its own condition.
    private static String userCondition(Username user) {
        return user == null ? "user_name IS NULL" : "user_name = ?";
    }

    private static int bindUser(PreparedStatement statement, int index, Username user) throws SQLException {
        if (user == null) {
            return index;
        }
        statement.setString(index, user.asString());
        return index + 1;
    }

    private static String userName(Username user) {
        return user == null ? null : user.asString();
    }

    private static UUID uuid(MailboxId id) {
        return ((PostgresMailboxId) id).asUuid();
    }

    private static List<Mailbox> readAll(PreparedStatement select) throws SQLException {
        List<Mailbox> mailboxes = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                mailboxes.add(read(rows));
            }
        }
        return mailboxes;
    }

    private static Mailbox read(ResultSet row) throws SQLException {
        String user = row.getString("user_name");
        MailboxPath path = new MailboxPath(row.getString("namespace"), user == null ? null : Username.of(user), row.getString("name"));
        Mailbox mailbox = new Mailbox(path, UidValidity.of(row.getLong("uid_validity")), PostgresMailboxId.of(row.getObject("mailbox_id", UUID.class)));
        mailbox.setACL(MailboxAclJson.fromJson(row.getString("acl")));
        return mailbox;
    }
}
