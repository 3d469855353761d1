package dev.jamespipeline.ops.webadmin;

import java.time.Instant;

/**
 * One dead-lettered message as a peek shows it.
 *
 * @param reason    why it was dead-lettered; null when nothing recorded a reason
 * @param timestamp the AMQP timestamp: when the message was first published; null when it has none
 * @param bodySize  bytes of the body (the envelope, never the mail itself)
 */
record DeadLetterSummary(String messageId, String reason, Instant timestamp, int bodySize) {
}
