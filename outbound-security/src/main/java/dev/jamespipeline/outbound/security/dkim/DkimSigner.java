package dev.jamespipeline.outbound.security.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.api.BodyHasher;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.impl.Message;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.MimeIOException;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.dom.field.MailboxListField;
import org.apache.james.mime4j.field.DefaultFieldParser;

/**
 * Signs outbound mail of our domains with DKIM (RFC 6376), through jDKIM, the library James's
 * {@code DKIMSign} and {@code DKIMVerify} mailets use. Unlike {@code DKIMSign} it works on the message's
 * bytes, not on a javax.mail {@code MimeMessage}: the pipeline delivers stored bytes unchanged, and
 * javax.mail would re-encode the headers it writes (so the signature would cover other bytes than those sent).
 *
 * <p>The signing domain is the domain of the message's From header (what DMARC aligns with); a message
 * with no From, several From fields or From addresses of several domains is left unsigned, as is one from a
 * domain without a key, or one mime4j refuses to parse. A domain with several keys gets one signature per key (rotation: old and new both sign).
 */
public final class DkimSigner {
    private final List<DkimKey> keys;
    private final List<String> signedHeaderNames;
    private final String signedHeaders;

    public DkimSigner(List<DkimKey> keys, List<String> signedHeaders) {
        this.keys = List.copyOf(keys);
        this.signedHeaderNames = List.copyOf(signedHeaders);
        this.signedHeaders = String.join(":", signedHeaders);
    }

    public boolean hasKeys() {
        return !keys.isEmpty();
    }

    /**
     * Reads the whole message (headers and body are hashed; jDKIM's parser holds the body in memory while it
     * signs) and returns the signature fields for it.
     *
     * @throws IOException when the message cannot be read
     */
    public DkimSignatures sign(InputStream rawMessage) throws IOException {
        if (keys.isEmpty()) {
            return DkimSignatures.unsigned("no DKIM keys configured");
        }
        Message message;
        try {
            message = new Message(rawMessage);
        } catch (MimeException | MimeIOException e) {
            // mime4j's limits (a line over 10,000 characters...): sent unsigned rather than not at all
            return DkimSignatures.unsigned("not parseable for signing: " + e.getMessage());
        }
        try {
            FromDomain from = fromDomain(message.getFields("From"));
            if (from.problem() != null) {
                return DkimSignatures.unsigned(from.problem());
            }
            String domain = from.domain();
            List<DkimKey> domainKeys = keys.stream().filter(key -> key.domain().equals(domain)).collect(Collectors.toList());
            if (domainKeys.isEmpty()) {
                return DkimSignatures.unsigned("no DKIM key for " + domain);
            }
            String eightBit = firstEightBitSignedHeader(message);
            if (eightBit != null) {
                return DkimSignatures.unsigned("8-bit bytes in the " + eightBit + " header: jDKIM hashes a decoded copy of them, "
                    + "not the bytes sent, so no receiver could verify the signature");
            }
            ByteArrayOutputStream fields = new ByteArrayOutputStream();
            List<String> selectors = new ArrayList<>();
            for (DkimKey key : domainKeys) {
                fields.write(signatureField(message, key).getBytes(StandardCharsets.US_ASCII));
                fields.write(new byte[] {'\r', '\n'});
                selectors.add(key.selector());
            }
            return new DkimSignatures(domain, selectors, fields.toByteArray(), null);
        } finally {
            message.dispose();
        }
    }

    private String signatureField(Message message, DkimKey key) throws IOException {
        String template = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + key.domain() + "; s=" + key.selector()
            + "; h=" + signedHeaders + "; bh=; b=;";
        DKIMSigner signer = new DKIMSigner(template, key.privateKey());
        try {
            SignatureRecord record = signer.newSignatureRecordTemplate(template);
            BodyHasher bodyHasher = signer.newBodyHasher(record);
            try (InputStream body = message.getBodyInputStream(); OutputStream hashed = bodyHasher.getOutputStream()) {
                body.transferTo(hashed);
            }
            return signer.sign(message, bodyHasher);
        } catch (PermFailException e) {
            // Only a key or template problem gets here (both checked at start-up): not the message's fault.
            throw new IllegalStateException("DKIM signing with " + key + " failed: " + e.getMessage(), e);
        }
    }

    /** The first header to sign that holds a byte outside US-ASCII (mime4j decodes it to U+FFFD), or null. */
    private String firstEightBitSignedHeader(Message message) {
        for (String name : signedHeaderNames) {
            List<String> fields = message.getFields(name);
            if (fields != null && fields.stream().anyMatch(field -> field.chars().anyMatch(c -> c > 0x7f))) {
                return name;
            }
        }
        return null;
    }

    /** The one domain of the From addresses, or why there is none. */
    private record FromDomain(String domain, String problem) {
        static FromDomain none(String problem) {
            return new FromDomain(null, problem);
        }
    }

    private static FromDomain fromDomain(List<String> fromFields) {
        if (fromFields == null || fromFields.isEmpty()) {
            return FromDomain.none("no From header");
        }
        if (fromFields.size() > 1) {
            return FromDomain.none(fromFields.size() + " From headers");
        }
        MailboxList mailboxes = parse(fromFields.get(0));
        if (mailboxes == null || mailboxes.isEmpty()) {
            return FromDomain.none("no address in From");
        }
        Set<String> domains = new HashSet<>();
        for (Mailbox mailbox : mailboxes) {
            domains.add(mailbox.getDomain() == null ? "" : mailbox.getDomain().toLowerCase(Locale.ROOT));
        }
        if (domains.size() != 1 || domains.contains("")) {
            return FromDomain.none("From addresses of several or no domains " + domains);
        }
        return new FromDomain(domains.iterator().next(), null);
    }

    private static MailboxList parse(String rawField) {
        try {
            if (DefaultFieldParser.parse(rawField) instanceof MailboxListField field && field.isValidField()) {
                return field.getMailboxList();
            }
        } catch (MimeException e) {
            return null;
        }
        return null;
    }
}
