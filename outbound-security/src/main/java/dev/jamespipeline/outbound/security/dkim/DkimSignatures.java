package dev.jamespipeline.outbound.security.dkim;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.List;
import java.util.Objects;

/**
 * What {@link DkimSigner} made of one message: the {@code DKIM-Signature} header fields to put in front
 * of it, or why it was left unsigned.
 *
 * @param domain       the signing domain ({@code d=}), null when unsigned
 * @param selectors    one signature per selector, in the order of {@code outbound.dkim.keys}
 * @param headerFields the signature header fields, each ending in CRLF, to prepend to the message as it is
 * @param unsignedReason why nothing was signed, null when signed
 */
public record DkimSignatures(String domain, List<String> selectors, byte[] headerFields, String unsignedReason) {

    public DkimSignatures {
        selectors = List.copyOf(selectors);
    }

    static DkimSignatures unsigned(String reason) {
        return new DkimSignatures(null, List.of(), new byte[0], Objects.requireNonNull(reason));
    }

    public boolean signed() {
        return unsignedReason == null;
    }

    /** The signed message: the signature header fields, then the message byte for byte. */
    public InputStream prependTo(InputStream message) {
        return new SequenceInputStream(new ByteArrayInputStream(headerFields), message);
    }
}
