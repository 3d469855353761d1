package dev.jamespipeline.security.virus;

import java.time.Duration;

import org.apache.commons.configuration2.Configuration;

import dev.jamespipeline.core.config.SettingsReader;
import dev.jamespipeline.security.scanner.ScanFailurePolicy;

/**
 * The antivirus stage's settings ({@code security.virus.*} keys of {@code conf/pipeline.properties}), read once.
 * The README's configuration section ("Security stages: antivirus") documents the same keys and defaults; keep
 * them in step.
 *
 * @param clamdHost      {@code security.virus.clamd.host}
 * @param clamdPort      {@code security.virus.clamd.port}
 * @param connectTimeout {@code security.virus.clamd.connect.timeout.ms}: establishing the TCP connection
 * @param readTimeout    {@code security.virus.clamd.read.timeout.ms}: each wait for clamd's reply (it answers once
 *                       it has scanned the whole stream)
 * @param scanTimeout    {@code security.virus.clamd.scan.timeout.ms}: the whole exchange, sending included (a
 *                       clamd that stops reading would otherwise hold the stage forever)
 * @param chunkBytes     {@code security.virus.chunk.bytes}: the size of each INSTREAM chunk
 * @param maxScanBytes   {@code security.virus.max.scan.bytes}: larger messages are not sent to clamd; the failure
 *                       policy applies at once ("too large to scan"). Must not exceed clamd's StreamMaxLength, or
 *                       clamd refuses them ("size limit exceeded") after they were sent, attempt after attempt
 * @param failurePolicy  {@code security.virus.failure.policy}: what the last attempt does when no scan result can
 *                       be had (clamd down, slow or answering nonsense; a message too large)
 */
public record VirusSettings(
        String clamdHost,
        int clamdPort,
        Duration connectTimeout,
        Duration readTimeout,
        Duration scanTimeout,
        int chunkBytes,
        long maxScanBytes,
        ScanFailurePolicy failurePolicy) {

    /** After the retries: quarantine (fail closed, the default) or deliver tagged as unscanned. */

    public static final String KEYS = "security.virus.";
    public static final String CLAMD_HOST = "security.virus.clamd.host";
    public static final String CLAMD_PORT = "security.virus.clamd.port";
    public static final String CONNECT_TIMEOUT = "security.virus.clamd.connect.timeout.ms";
    public static final String READ_TIMEOUT = "security.virus.clamd.read.timeout.ms";
    public static final String SCAN_TIMEOUT = "security.virus.clamd.scan.timeout.ms";
    public static final String CHUNK_BYTES = "security.virus.chunk.bytes";
    public static final String MAX_SCAN_BYTES = "security.virus.max.scan.bytes";
    public static final String FAILURE_POLICY = "security.virus.failure.policy";

    /** Debian's clamd.conf StreamMaxLength (25M). */
    public static final long DEFAULT_MAX_SCAN_BYTES = 25L * 1024 * 1024;
    /** clamd's own limit on StreamMaxLength (4 GB). */
    private static final long CLAMD_STREAM_LIMIT = 4L * 1024 * 1024 * 1024;

    public static VirusSettings from(Configuration conf) {
        SettingsReader settings = new SettingsReader(conf);
        String host = settings.string(CLAMD_HOST, "127.0.0.1");
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.:\\[\\]-]+")) {
            throw SettingsReader.invalid(CLAMD_HOST, host, "a host name or an IP address");
        }
        Duration readTimeout = settings.millis(READ_TIMEOUT, Duration.ofSeconds(60), Duration.ofMillis(100));
        Duration scanTimeout = settings.millis(SCAN_TIMEOUT, Duration.ofSeconds(120), Duration.ofMillis(100));
        if (scanTimeout.compareTo(readTimeout) < 0) {
            throw SettingsReader.invalid(SCAN_TIMEOUT, Long.toString(scanTimeout.toMillis()),
                "at least " + READ_TIMEOUT + " (" + readTimeout.toMillis() + " ms): the scan includes the wait for the reply");
        }
        VirusSettings result = new VirusSettings(
            host,
            settings.integer(CLAMD_PORT, 3310, 1, 65_535),
            settings.millis(CONNECT_TIMEOUT, Duration.ofSeconds(5), Duration.ofMillis(100)),
            readTimeout,
            scanTimeout,
            settings.integer(CHUNK_BYTES, 65_536, 1_024, 16 * 1024 * 1024),
            settings.longInteger(MAX_SCAN_BYTES, DEFAULT_MAX_SCAN_BYTES, 1, CLAMD_STREAM_LIMIT),
            settings.choice(FAILURE_POLICY, ScanFailurePolicy.class, ScanFailurePolicy.QUARANTINE));
        settings.requireNoUnknownKeys(key -> key.startsWith(KEYS));
        return result;
    }
}
