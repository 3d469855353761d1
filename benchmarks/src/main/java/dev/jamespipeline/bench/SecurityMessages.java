package dev.jamespipeline.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.jamespipeline.outbound.security.dkim.DkimSignatures;
import dev.jamespipeline.outbound.security.dkim.DkimSigner;

/**
 * The security benchmark's message set: clean text messages of about SIZE bytes from {@code load@<sender domain>},
 * each to one of {@code user0..user<users-1>@<domain>} (its To field, which {@link SecurityLoad} uses as the envelope
 * recipient), DKIM-signed; one file per message, {@code 000000.eml} on, CRLF line ends, no line starting with ".".
 */
final class SecurityMessages {
    private final DkimSigner signer;
    private final String senderDomain;
    private final String domain;
    private final int users;
    private final int size;

    SecurityMessages(DkimSigner signer, String senderDomain, String domain, int users, int size) {
        this.signer = signer;
        this.senderDomain = senderDomain;
        this.domain = domain;
        this.users = users;
        this.size = size;
    }

    void write(Path directory, String label, int count) throws IOException {
        Files.createDirectories(directory);
        String body = SmtpAcceptLoad.body(size);
        for (int number = 0; number < count; number++) {
            String to = "user" + (number % users) + "@" + domain;
            String message = "From: Load <load@" + senderDomain + ">\r\nTo: " + to + "\r\nSubject: security " + label + " " + number
                + "\r\nDate: Sun, 6 Dec 2026 11:00:00 +0000\r\nMessage-ID: <" + label + "." + number + "." + System.nanoTime() + "@"
                + senderDomain + ">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
                + "Message " + number + " of the " + label + " set.\r\n" + body;
            byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
            DkimSignatures signatures = signer.sign(new ByteArrayInputStream(bytes));
            if (!signatures.signed()) {
                throw new IllegalStateException("message " + number + " was not signed: " + signatures.unsignedReason());
            }
            Files.write(directory.resolve(String.format("%06d.eml", number)),
                signatures.prependTo(new ByteArrayInputStream(bytes)).readAllBytes());
        }
    }
}
