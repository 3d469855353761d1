package dev.jamespipeline.core.envelope;

import java.time.Instant;
import java.util.List;

/**
 * The {@code smtp.delivery.result} event, schema version 1, on the telemetry exchange: one SMTP
 * transaction (or the attempt to open one) for one destination domain. The TLS reporting work builds
 * on it.
 *
 * @param mx             the host tried last ("" when no host could be tried: DNS failure, null MX)
 * @param result         {@code delivered}, {@code tempfail}, {@code permfail} or {@code partial} (mixed per recipient)
 * @param smtpReply      the server's last reply, or the local reason (DNS, connection)
 * @param tlsVersion     the negotiated protocol (TLSv1.3...), "" without TLS
 * @param mtaStsPolicy   the TLS rule that applied ({@code opportunistic}, {@code mta-sts-testing}, {@code required},
 *                       {@code mta-sts-enforce}), {@code none} when no host answered (DNS failure, connection refused)
 * @param mtaStsOutcome  the attempt's RFC 8460 result type ({@code success}, {@code starttls-not-supported}...), "" when no host answered
 * @param attempt        1 for the first attempt of the job
 */
public record SmtpDeliveryResult(
        int version,
        String jobId,
        String pipelineId,
        String domain,
        String mx,
        String result,
        List<String> recipients,
        String smtpReply,
        boolean starttlsOffered,
        boolean starttlsUsed,
        String tlsVersion,
        String mtaStsPolicy,
        String mtaStsOutcome,
        int attempt,
        long latencyMillis,
        Instant attemptedAt) implements Versioned {

    public static final int VERSION = 1;
    public static final String ROUTING_KEY = "smtp.delivery.result";

    public SmtpDeliveryResult {
        recipients = List.copyOf(recipients);
    }
}
