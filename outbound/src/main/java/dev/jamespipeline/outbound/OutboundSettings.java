package dev.jamespipeline.outbound;

import java.time.Duration;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.config.SettingsReader;
import dev.jamespipeline.core.runtime.QueuePolicy;

/**
 * The outbound worker's own settings, {@code outbound.*} keys of {@code pipeline.properties} beside the
 * queue policy keys (which {@link PipelineConfiguration} reads): a wrong value or unknown key stops James
 * with one line naming it.
 *
 * @param enabled                false: this node runs no outbound consumers (the jobs wait in RabbitMQ for nodes that do)
 * @param destinationConcurrency SMTP transactions to one destination domain at once, on this node (Postfix's 20)
 * @param systemConcurrency      consumers of the system outbound queue (DSNs), apart from user mail's {@code outbound.concurrency}
 * @param delayWarning           age after which the sender is told once that delivery is delayed; zero: never
 * @param smtpTimeout            one SMTP read or write
 * @param connectTimeout         opening one connection
 * @param smtpPort               the port MX hosts are contacted on (25; tests point it elsewhere)
 * @param heloName               EHLO name; empty: James's default domain, as RemoteDelivery does
 */
public record OutboundSettings(
        boolean enabled,
        int destinationConcurrency,
        int systemConcurrency,
        Duration delayWarning,
        Duration smtpTimeout,
        Duration connectTimeout,
        int smtpPort,
        Optional<String> heloName) {

    public static final String PREFIX = PipelineConfiguration.OUTBOUND_POLICY;
    public static final String ENABLED = PREFIX + "worker.enabled";
    public static final String DESTINATION_CONCURRENCY = PREFIX + "destination.concurrency";
    public static final String SYSTEM_CONCURRENCY = PREFIX + "system.concurrency";
    public static final String DELAY_WARNING = PREFIX + "delay.warning.ms";
    public static final String SMTP_TIMEOUT = PREFIX + "smtp.timeout.ms";
    public static final String CONNECT_TIMEOUT = PREFIX + "smtp.connect.timeout.ms";
    public static final String SMTP_PORT = PREFIX + "smtp.port";
    public static final String HELO_NAME = PREFIX + "helo.name";

    public static OutboundSettings from(Configuration conf) {
        SettingsReader settings = new SettingsReader(conf);
        String helo = settings.string(HELO_NAME, "");
        OutboundSettings read = new OutboundSettings(
            settings.bool(ENABLED, true),
            settings.integer(DESTINATION_CONCURRENCY, 20, 1, 1_000),
            settings.integer(SYSTEM_CONCURRENCY, 5, 1, 256),
            delayWarning(settings),
            settings.millis(SMTP_TIMEOUT, Duration.ofMinutes(3), Duration.ofSeconds(1)),
            settings.millis(CONNECT_TIMEOUT, Duration.ofMinutes(1), Duration.ofMillis(100)),
            settings.integer(SMTP_PORT, 25, 1, 65_535),
            helo.isBlank() ? Optional.empty() : Optional.of(helo.trim()));
        settings.requireNoUnknownKeys(key -> key.startsWith(PREFIX) && !QueuePolicy.isKey(PREFIX, key)
            // The TLS policy's and DKIM signing's keys: their own settings check them.
            && PipelineConfiguration.OUTBOUND_SECURITY_KEYS.stream().noneMatch(key::startsWith));
        return read;
    }

    private static Duration delayWarning(SettingsReader settings) {
        long millis = settings.longInteger(DELAY_WARNING, Duration.ofHours(4).toMillis(), 0, Long.MAX_VALUE);
        return Duration.ofMillis(millis);
    }
}
