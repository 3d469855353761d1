package dev.jamespipeline.security.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.BodyHasher;
import org.apache.james.jdkim.api.Headers;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.apache.james.jdkim.mailets.CRLFOutputStream;
import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;

import dev.jamespipeline.mailets.HeaderFieldEdits.HeaderSection;
import dev.jamespipeline.mailets.HeaderFieldEdits.RawField;

/**
 * Verifies every DKIM-Signature field of a message with jDKIM (the library of James's {@code DKIMVerify}
 * mailet), each on its own so each gets its own result: jDKIM's verifier reports only the signatures that pass,
 * or one failure. Keys come from {@link AuthenticationDns}. The header fields are the message's own bytes (line
 * ends made CRLF, as James's verifier does); a signed header field holding 8-bit bytes fails, since jDKIM
 * hashes a re-encoded copy of it.
 */
public final class DkimCheck {
    private static final String SIGNATURE_FIELD = "DKIM-Signature";

    /** The message's body, from its first byte after the header, opened once per signature. */
    public interface Body {
        InputStream open() throws IOException;
    }

    private final DKIMVerifier verifier;
    private final int maxSignatures;

    public DkimCheck(AuthenticationDns dns, int maxSignatures) {
        this.verifier = new DKIMVerifier(keysFrom(dns));
        this.maxSignatures = maxSignatures;
    }

    /** One result per DKIM-Signature field, top to bottom; none when the message is not signed. */
    public List<DkimResult> verify(HeaderSection header, Body body) throws IOException {
        List<String> fields = header.fields().stream().map(DkimCheck::crlfText).toList();
        List<String> signatures = header.fields(SIGNATURE_FIELD).stream().map(DkimCheck::crlfText).toList();
        List<DkimResult> results = new ArrayList<>();
        for (int i = 0; i < signatures.size(); i++) {
            String signature = signatures.get(i);
            if (i >= maxSignatures) {
                results.add(result(signature, "policy", "not verified: over the limit of " + maxSignatures + " signatures"));
            } else {
                results.add(verifyOne(new OneSignatureHeaders(fields, signature), signature, body));
            }
        }
        return results;
    }

    private DkimResult verifyOne(Headers headers, String signature, Body body) throws IOException {
        try {
            BodyHasher hasher = verifier.newBodyHasher(headers);
            try (InputStream in = body.open(); OutputStream out = new CRLFOutputStream(hasher.getOutputStream())) {
                in.transferTo(out);
            }
            List<SignatureRecord> verified = verifier.verify(hasher);
            return verified == null || verified.isEmpty()
                ? result(signature, "permerror", "not verified")
                : result(signature, "pass", "");
        } catch (TempFailException e) {
            return result(signature, "temperror", e.getMessage());
        } catch (FailException e) {
            String reason = String.valueOf(e.getMessage());
            // jDKIM has one exception for both; RFC 8601 tells a signature that does not verify from one that cannot be
            return result(signature, doesNotVerify(reason) ? "fail" : "permerror", reason);
        }
    }

    private static boolean doesNotVerify(String reason) {
        String lower = reason.toLowerCase(Locale.ROOT);
        return lower.contains("does not verify") || lower.contains("bodyhash is different");
    }

    private static DkimResult result(String signatureField, String result, String reason) {
        String value = signatureField.substring(signatureField.indexOf(':') + 1);
        try {
            SignatureRecord record = new SignatureRecordImpl(value);
            return new DkimResult(result, text(record.getDToken()).toLowerCase(Locale.ROOT), text(record.getSelector()), reason);
        } catch (RuntimeException unparseable) {
            return new DkimResult(result, "", "", reason);
        }
    }

    private static String text(CharSequence value) {
        return value == null ? "" : value.toString().trim();
    }

    /** The field as jDKIM reads it: its text with CRLF line ends, without the last one. */
    private static String crlfText(RawField field) {
        String text = new String(field.bytes(), StandardCharsets.ISO_8859_1).replaceAll("\r?\n", "\r\n");
        return text.endsWith("\r\n") ? text.substring(0, text.length() - 2) : text;
    }

    private static PublicKeyRecordRetriever keysFrom(AuthenticationDns dns) {
        return (method, selector, domain) -> {
            if (!"dns/txt".equals(method.toString())) {
                throw new PermFailException("unsupported key query method " + method);
            }
            AuthenticationDns.TxtAnswer answer = dns.txt(selector + "._domainkey." + domain);
            if (answer.status() == AuthenticationDns.TxtAnswer.Status.TEMPERROR) {
                throw new TempFailException("key lookup failed: " + answer.error());
            }
            return answer.texts();
        };
    }

    /**
     * The message's header as jDKIM's verifier sees it when verifying one signature: its first question, the
     * list of DKIM-Signature fields to verify, is answered with that one field; every later question (the
     * signed fields, which may include other DKIM-Signature fields) with the message's own fields.
     */
    private static final class OneSignatureHeaders implements Headers {
        private final List<String> fields;
        private final String signature;
        private boolean signatureListGiven;

        OneSignatureHeaders(List<String> fields, String signature) {
            this.fields = fields;
            this.signature = signature;
        }

        @Override
        public List<String> getFields() {
            return fields;
        }

        @Override
        public List<String> getFields(String name) {
            if (!signatureListGiven && name.equalsIgnoreCase(SIGNATURE_FIELD)) {
                signatureListGiven = true;
                return List.of(signature);
            }
            String lower = name.toLowerCase(Locale.ROOT);
            return fields.stream()
                .filter(field -> field.indexOf(':') > 0 && field.substring(0, field.indexOf(':')).trim().toLowerCase(Locale.ROOT).equals(lower))
                .toList();
        }
    }
}
