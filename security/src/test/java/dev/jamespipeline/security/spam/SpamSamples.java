package dev.jamespipeline.security.spam;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Messages, envelopes and settings the spam tests share. */
final class SpamSamples {
    /** SpamAssassin's and Rspamd's Generic Test for Unsolicited Bulk Email. */
    static final String GTUBE_LINE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    static final String GTUBE = message("Cheap watches", "This is the GTUBE, the\r\n" + GTUBE_LINE + "\r\nthat every scanner calls spam.\r\n");
    static final String HAM = message("Lunch tomorrow?", "Hi Bob,\r\n\r\nare we still on for lunch at noon tomorrow?\r\n\r\nAlice\r\n");
    static final RspamdClient.ScanEnvelope ENVELOPE = new RspamdClient.ScanEnvelope("p-123", "192.0.2.10",
        "mail.sender.test", "alice@sender.test", List.of("bob@example.test"), null);

    private SpamSamples() {
    }

    static String message(String subject, String body) {
        return "From: Alice <alice@sender.test>\r\n"
            + "To: Bob <bob@example.test>\r\n"
            + "Subject: " + subject + "\r\n"
            + "Date: Sun, 6 Dec 2026 10:00:00 +0000\r\n"
            + "Message-ID: <" + Math.abs(subject.hashCode()) + "@sender.test>\r\n"
            + "\r\n"
            + body;
    }

    static RspamdClient.MessageBytes bytes(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        return new RspamdClient.MessageBytes() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public long size() {
                return bytes.length;
            }
        };
    }

    /** Settings pointing at {@code rspamd}, with short timeouts and {@code more} on top. */
    static SpamSettings settings(URI rspamd, Map<String, String> more) {
        org.apache.commons.configuration2.BaseConfiguration conf = new org.apache.commons.configuration2.BaseConfiguration();
        conf.addProperty(SpamSettings.RSPAMD_URL, rspamd.toString());
        conf.addProperty(SpamSettings.CONNECT_TIMEOUT, "1000");
        conf.addProperty(SpamSettings.REQUEST_TIMEOUT, String.valueOf(Duration.ofSeconds(5).toMillis()));
        more.forEach(conf::setProperty);
        return SpamSettings.from(conf);
    }
}
