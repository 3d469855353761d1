package dev.jamespipeline.mailbox.postgres.mail;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one connection inside one transaction; IOException for message content read while writing. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException, IOException;
}
