package dev.jamespipeline.security.quarantine;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.mailrepository.api.MailRepositoryUrl;

import dev.jamespipeline.core.config.SettingsReader;

/**
 * The quarantine's settings ({@code security.quarantine.*} keys of {@code conf/pipeline.properties}), read once.
 * The README's configuration table documents the same keys and defaults; keep them in step.
 *
 * @param repository {@code security.quarantine.repository.url}: the James mail repository that lists quarantined
 *                   mail; its protocol must be one the backend binds ({@code postgres://} in PostgreSQL, or the
 *                   heap with {@code backend=memory}; {@code memory://} in the heap)
 * @param listMax    {@code security.quarantine.list.max}: the largest page {@code GET /pipeline/quarantine} returns
 */
public record QuarantineSettings(MailRepositoryUrl repository, int listMax) {
    public static final String KEYS = "security.quarantine.";
    public static final String REPOSITORY_URL = "security.quarantine.repository.url";
    public static final String LIST_MAX = "security.quarantine.list.max";
    public static final String DEFAULT_REPOSITORY_URL = "postgres://var/mail/quarantine/";
    /** A page's size when the request names none (or the maximum, when that is smaller). */
    public static final int DEFAULT_PAGE = 100;

    public static QuarantineSettings from(Configuration conf) {
        SettingsReader settings = new SettingsReader(conf);
        String url = settings.string(REPOSITORY_URL, DEFAULT_REPOSITORY_URL);
        QuarantineSettings result = new QuarantineSettings(repositoryUrl(url), settings.integer(LIST_MAX, 1000, 1, 10_000));
        settings.requireNoUnknownKeys(key -> key.startsWith(KEYS));
        return result;
    }

    public int defaultPage() {
        return Math.min(DEFAULT_PAGE, listMax);
    }

    private static MailRepositoryUrl repositoryUrl(String raw) {
        try {
            MailRepositoryUrl url = MailRepositoryUrl.from(raw);
            if (url.getPath().asString().isEmpty()) {
                throw new IllegalArgumentException("no path");
            }
            return url;
        } catch (RuntimeException e) {
            throw SettingsReader.invalid(REPOSITORY_URL, raw,
                "a mail repository URL such as " + DEFAULT_REPOSITORY_URL + " (" + e.getMessage() + ")");
        }
    }
}
