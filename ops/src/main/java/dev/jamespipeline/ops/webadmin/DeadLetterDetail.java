package dev.jamespipeline.ops.webadmin;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One dead letter in full.
 *
 * @param headers  its AMQP headers, values as text, lists and maps
 * @param envelope the body as the JSON the pipeline queued (sender, recipients, storage key; never the mail), null when it is not JSON
 */
record DeadLetterDetail(DeadLetterSummary summary, Map<String, Object> headers, JsonNode envelope) {
}
