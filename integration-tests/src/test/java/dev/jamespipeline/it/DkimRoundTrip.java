package dev.jamespipeline.it;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.jamespipeline.outbound.security.dkim.DkimKey;
import dev.jamespipeline.outbound.security.dkim.DkimSigner;
import dev.jamespipeline.testing.TestDkimKey;

/**
 * A message DKIM-signed for {@value #DOMAIN} (selector {@value #SELECTOR}) by our own signer, sent over SMTP as it
 * was signed and again with its body altered after signing, both read back from the recipient's INBOX: the test
 * DNS publishes the key at {@link #KEY_NAME} and a {@code p=none} DMARC record at {@link #DMARC_NAME}, so both are
 * delivered and only their Authentication-Results differ.
 */
final class DkimRoundTrip {
    static final String DOMAIN = "signed.test";
    static final String SELECTOR = "s1";
    static final String KEY_NAME = SELECTOR + "._domainkey." + DOMAIN;
    static final String DMARC_NAME = "_dmarc." + DOMAIN;
    static final String DMARC_RECORD = "v=DMARC1; p=none";
    /** What the signed one's Authentication-Results says of DKIM and DMARC. */
    static final String PASSED = "\tdkim=pass header.d=signed.test header.s=s1;\r\n\tdmarc=pass header.from=signed.test\r\n";
    /** What the altered one's says. */
    static final String ALTERED_FAILED = "\tdkim=fail reason=\"Computed bodyhash is different from the expected one\" "
        + "header.d=signed.test header.s=s1;\r\n\tdmarc=fail reason=\"no aligned SPF or DKIM pass\" header.from=signed.test\r\n";
    private static final String SENDER = "alice@" + DOMAIN;
    private static final List<String> SIGNED_HEADERS = List.of("from", "to", "subject", "date", "message-id");

    /** The two messages as delivered. */
    record Delivered(String signed, String altered) {
    }

    private DkimRoundTrip() {
    }

    /** Sends both to {@code recipient}, whose INBOX holds nothing else, and reads them back. */
    static Delivered sendTo(PipelineJames james, TestDkimKey key, String recipient, Duration wait) throws Exception {
        String message = "From: <" + SENDER + ">\r\nTo: " + recipient + "\r\nSubject: signed\r\nDate: Sun, 6 Dec 2026 11:00:00 +0000\r\n"
            + "Message-ID: <" + UUID.randomUUID() + "@signed.test>\r\n\r\na signed body\r\n";
        byte[] signed = sign(key, message);
        String altered = new String(signed, StandardCharsets.US_ASCII).replace("a signed body", "an altered body");
        james.smtp().sendBytes(SENDER, signed, recipient);
        james.smtp().sendRaw(SENDER, altered, recipient);
        List<String> inbox = await().atMost(wait)
            .until(() -> james.imap().inboxMessages(recipient, PipelineJames.PASSWORD), messages -> messages.size() >= 2);
        return new Delivered(containing(inbox, "a signed body"), containing(inbox, "an altered body"));
    }

    private static byte[] sign(TestDkimKey key, String message) throws Exception {
        DkimSigner signer = new DkimSigner(List.of(new DkimKey(DOMAIN, SELECTOR, key.privateKey())), SIGNED_HEADERS);
        byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        return signer.sign(new ByteArrayInputStream(bytes)).prependTo(new ByteArrayInputStream(bytes)).readAllBytes();
    }

    private static String containing(List<String> messages, String text) {
        return messages.stream().filter(message -> message.contains(text)).findFirst()
            .orElseThrow(() -> new AssertionError("no message containing '" + text + "' in " + messages));
    }
}
