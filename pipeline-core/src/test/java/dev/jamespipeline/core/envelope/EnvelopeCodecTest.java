package dev.jamespipeline.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {
    private final EnvelopeCodec codec = new EnvelopeCodec();

    private static ReceivedEnvelope envelope(String sender, List<String> recipients, String key) {
        return new ReceivedEnvelope(ReceivedEnvelope.VERSION, "id-1", "example.test",
            new ReceivedEnvelope.StorageRef(key, "a".repeat(64), 42), sender, recipients, "192.0.2.1", "helo.test",
            null, true, Instant.parse("2026-11-27T10:00:00Z"), "route", Map.of("spf", "pass"));
    }

    @Test
    void roundTripsEveryField() throws Exception {
        ReceivedEnvelope original = envelope("alice@example.test", List.of("bob@example.test"), "2026/a.eml");

        assertThat(codec.decodeReceived(codec.encode(original))).isEqualTo(original);
    }

    @Test
    void theNullSenderIsTheEmptyString() throws Exception {
        ReceivedEnvelope bounce = envelope("", List.of("bob@example.test"), "a.eml");

        assertThat(codec.decodeReceived(codec.encode(bounce)).sender()).isEmpty();
    }

    @Test
    void unknownFieldsOfVersionOneAreIgnored() throws Exception {
        String json = new String(codec.encode(envelope("a@example.test", List.of("b@example.test"), "a.eml")),
            StandardCharsets.UTF_8).replaceFirst("\\{", "{\"addedLater\":true,");

        assertThat(codec.decodeReceived(json.getBytes(StandardCharsets.UTF_8)).pipelineId()).isEqualTo("id-1");
    }

    @Test
    void rejectsWithAReasonWhatItCannotProcess() {
        assertReason("{oops", "body is not JSON");
        assertReason("[1,2]", "body is not a JSON object");
        assertReason("{\"pipelineId\":\"x\"}", "version is missing");
        assertReason("{\"version\":2}", "unsupported ReceivedEnvelope version 2");
        assertReason(json(envelope("a@example.test", List.of(), "a.eml")), "recipients is empty");
        assertReason(json(envelope("not an address", List.of("b@example.test"), "a.eml")), "sender 'not an address'");
        assertReason(json(envelope("a@example.test", List.of("b@example.test"), "../x")), "storage.key is invalid");
        assertReason("{\"version\":1,\"recipients\":\"x\"}", "envelope does not match schema");
    }

    /** A job's id keys the ledger (file names with the file ledger): a hostile one never reaches it. */
    @Test
    void rejectsAnOutboundJobWhoseIdSenderOrRecipientsCannotBeTrusted() throws Exception {
        OutboundJob valid = job("id-1-outbound", "alice@example.test", List.of("bob@remote.test"));
        assertThat(codec.decodeOutbound(codec.encode(valid))).isEqualTo(valid);

        assertOutboundReason(job("../../etc/passwd", "alice@example.test", List.of("bob@remote.test")), "jobId is missing or invalid");
        assertOutboundReason(job(null, "alice@example.test", List.of("bob@remote.test")), "jobId is missing or invalid");
        assertOutboundReason(job("id-1-outbound", "not an address", List.of("bob@remote.test")), "sender 'not an address'");
        assertOutboundReason(job("id-1-outbound", "alice@example.test", List.of()), "recipients is empty");
        assertOutboundReason(job("id-1-outbound", "alice@example.test", List.of("bob@remote.test\r\nRCPT TO:<x@y>")),
            "is not a mail address");
    }

    private static OutboundJob job(String jobId, String sender, List<String> recipients) {
        return new OutboundJob(OutboundJob.VERSION, jobId, "id-1", new ReceivedEnvelope.StorageRef("a.eml", "a".repeat(64), 42),
            sender, recipients, Instant.parse("2026-12-06T10:00:00Z"));
    }

    private void assertOutboundReason(OutboundJob job, String reason) {
        assertThatThrownBy(() -> codec.decodeOutbound(codec.encode(job)))
            .isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining(reason);
    }

    private String json(ReceivedEnvelope envelope) {
        return new String(codec.encode(envelope), StandardCharsets.UTF_8);
    }

    private void assertReason(String body, String reason) {
        assertThatThrownBy(() -> codec.decodeReceived(body.getBytes(StandardCharsets.UTF_8)))
            .as(body)
            .isInstanceOf(InvalidEnvelopeException.class)
            .hasMessageContaining(reason);
    }
}
