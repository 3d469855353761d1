package dev.jamespipeline.server.database;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.apache.commons.configuration2.Configuration;

/**
 * {@code conf/james-database.properties}, read once and validated: a wrong value or an unknown key
 * stops James with one line naming the key. James's own keys ({@code database.driverClassName},
 * {@code database.url}, {@code database.username}, {@code database.password}) mean what they mean for
 * James's JPA app; {@code backend} and {@code database.pool.*} are ours. {@code ${env:VAR}} in a value
 * is replaced by James's configuration loader.
 *
 * @param backend     where James keeps users, domains, mailboxes...: PostgreSQL, or the heap (trials only)
 * @param url         a {@code jdbc:postgresql:} URL
 * @param username    empty: the user in the URL, or the driver's default
 * @param poolSize    the most connections this James opens
 */
public record DatabaseConfiguration(Backend backend, String url, Optional<String> username, Optional<String> password,
                                    int poolSize, long connectionTimeoutMillis) {

    public enum Backend { POSTGRESQL, MEMORY }

    public static final String FILE = "james-database";
    public static final String BACKEND = "backend";
    public static final String DRIVER = "database.driverClassName";
    public static final String URL = "database.url";
    public static final String USERNAME = "database.username";
    public static final String PASSWORD = "database.password";
    public static final String POOL_SIZE = "database.pool.size";
    public static final String CONNECTION_TIMEOUT = "database.pool.connection.timeout.ms";

    static final String POSTGRESQL_DRIVER = "org.postgresql.Driver";
    private static final Set<String> KEYS = Set.of(BACKEND, DRIVER, URL, USERNAME, PASSWORD, POOL_SIZE, CONNECTION_TIMEOUT);

    public DatabaseConfiguration {
        if (!url.startsWith("jdbc:postgresql:")) {
            throw invalid(URL, url, "a jdbc:postgresql: URL, for example jdbc:postgresql://127.0.0.1:5432/james");
        }
        if (password.isPresent() && username.isEmpty()) {
            throw invalid(PASSWORD, "(hidden)", "no password without " + USERNAME);
        }
    }

    public static DatabaseConfiguration from(Configuration conf) {
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> keys = conf.getKeys(); keys.hasNext(); ) {
            String key = keys.next();
            if (!KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(FILE + ".properties: unknown key(s) " + String.join(", ", unknown)
                + "; known keys: " + String.join(", ", KEYS.stream().sorted().toList()));
        }
        String driver = string(conf, DRIVER).orElse(POSTGRESQL_DRIVER);
        if (!driver.equals(POSTGRESQL_DRIVER)) {
            throw invalid(DRIVER, driver, POSTGRESQL_DRIVER + " (or nothing): the SQL is PostgreSQL's");
        }
        return new DatabaseConfiguration(
            backend(conf),
            string(conf, URL).orElseThrow(() -> invalid(URL, "", "a jdbc:postgresql: URL, for example jdbc:postgresql://127.0.0.1:5432/james")),
            string(conf, USERNAME),
            string(conf, PASSWORD),
            (int) number(conf, POOL_SIZE, 10, 1, 1000),
            number(conf, CONNECTION_TIMEOUT, 30_000, 250, 600_000));
    }

    /** Only the backend: the other keys matter (and are checked) for PostgreSQL only. */
    public static Backend backend(Configuration conf) {
        String raw = string(conf, BACKEND).orElse("postgresql");
        try {
            return Backend.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(BACKEND, raw, "postgresql or memory (trials: nothing survives a restart)");
        }
    }

    private static Optional<String> string(Configuration conf, String key) {
        if (!conf.containsKey(key)) {
            return Optional.empty();
        }
        // James's loader splits values at commas (a password may hold one): rejoin them.
        String value = String.join(",", conf.getStringArray(key)).trim();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private static long number(Configuration conf, String key, long defaultValue, long min, long max) {
        Optional<String> raw = string(conf, key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(raw.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the accepted range
        }
        throw invalid(key, raw.get(), "a whole number from " + min + " to " + max);
    }

    private static IllegalArgumentException invalid(String key, String raw, String accepted) {
        return new IllegalArgumentException(FILE + ".properties: " + key + "='" + raw + "' is invalid: expected " + accepted);
    }
}
