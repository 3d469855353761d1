package dev.jamespipeline.mailbox.postgres.user;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;
import javax.sql.DataSource;

import org.apache.james.core.Username;
import org.apache.james.mailbox.exception.SubscriptionException;
import org.apache.james.mailbox.store.user.SubscriptionMapper;
import org.apache.james.mailbox.store.user.model.Subscription;

import dev.jamespipeline.mailbox.postgres.Jdbc;

/** James's {@link SubscriptionMapper} over table {@code subscription}: one statement a call. */
public class PostgresSubscriptionMapper implements SubscriptionMapper {
    private final DataSource dataSource;

    @Inject
    public PostgresSubscriptionMapper(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void save(Subscription subscription) throws SubscriptionException {
        Jdbc.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO subscription (user_name, mailbox) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, subscription.getUser().asString());
                insert.setString(2, subscription.getMailbox());
                return insert.executeUpdate();
            }
        }, SubscriptionException::new);
    }

    @Override
    public List<Subscription> findSubscriptionsForUser(Username user) throws SubscriptionException {
        return Jdbc.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement select = connection.prepareStatement("SELECT mailbox FROM subscription WHERE user_name = ?")) {
                select.setString(1, user.asString());
                List<Subscription> subscriptions = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        subscriptions.add(new Subscription(user, rows.getString(1)));
                    }
                }
                return subscriptions;
            }
        }, SubscriptionException::new);
    }

    @Override
    public void delete(Subscription subscription) throws SubscriptionException {
        Jdbc.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM subscription WHERE user_name = ? AND mailbox = ?")) {
                delete.setString(1, subscription.getUser().asString());
                delete.setString(2, subscription.getMailbox());
                return delete.executeUpdate();
            }
        }, SubscriptionException::new);
    }
}
