package dev.jamespipeline.core.envelope;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.rabbitmq.client.AMQP;

import dev.jamespipeline.core.PipelineConfiguration;

/**
 * Signs pipeline messages so that access to the broker alone grants nothing: an HMAC-SHA256 of the
 * exact body bytes rides in the {@value #SIGNATURE_HEADER} header as {@code <key id>:<base64>}.
 * Retries, dead letters and replays never change a body (attempts are counted in a header), so a
 * signature stays valid through all of them.
 * The first configured key signs, every configured key verifies (rotation: add the new key first,
 * drop the old one once no message signed with it is queued).
 */
public final class EnvelopeSigner {
    public static final String SIGNATURE_HEADER = "x-pipeline-signature";
    private static final String ALGORITHM = "HmacSHA256";

    private final List<SigningKey> keys;
    private final Map<String, SigningKey> byId = new HashMap<>();

    public EnvelopeSigner(List<SigningKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("No envelope signing key: set " + PipelineConfiguration.SIGNING_KEYS
                + "=k1:<key> in conf/pipeline.properties, the same on every node (make a key with: openssl rand -base64 32)");
        }
        this.keys = List.copyOf(keys);
        this.keys.forEach(key -> byId.put(key.id(), key));
    }

    /** The properties with this body's signature, made with the first key, replacing any signature they had. */
    public AMQP.BasicProperties sign(AMQP.BasicProperties properties, byte[] body) {
        SigningKey signing = keys.get(0);
        Map<String, Object> headers = new HashMap<>();
        if (properties.getHeaders() != null) {
            headers.putAll(properties.getHeaders());
        }
        headers.put(SIGNATURE_HEADER, signing.id() + ":" + Base64.getEncoder().encodeToString(mac(signing, body)));
        return properties.builder().headers(headers).build();
    }

    /** Returns normally when the body carries a valid signature by one of the configured keys. */
    public void verify(AMQP.BasicProperties properties, byte[] body) throws InvalidEnvelopeException {
        Object header = properties == null || properties.getHeaders() == null ? null
            : properties.getHeaders().get(SIGNATURE_HEADER);
        if (header == null) {
            throw new InvalidEnvelopeException("unsigned: no " + SIGNATURE_HEADER + " header");
        }
        // The AMQP client hands string headers over as LongString, whose toString is the UTF-8 text.
        String value = header.toString();
        int colon = value.indexOf(':');
        if (colon < 0) {
            throw new InvalidEnvelopeException("malformed " + SIGNATURE_HEADER + " header: expected <key id>:<base64>");
        }
        SigningKey key = byId.get(value.substring(0, colon));
        if (key == null) {
            throw new InvalidEnvelopeException("signed with unknown key '" + value.substring(0, colon) + "'");
        }
        byte[] claimed;
        try {
            claimed = Base64.getDecoder().decode(value.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new InvalidEnvelopeException("malformed " + SIGNATURE_HEADER + " header: the signature is not base64");
        }
        if (!MessageDigest.isEqual(claimed, mac(key, body))) {
            throw new InvalidEnvelopeException("forged or altered: signature does not match the body (key '" + key.id() + "')");
        }
    }

    private static byte[] mac(SigningKey key, byte[] body) {
        return key.freshMac().doFinal(body);
    }

    /** Reads {@code id:base64, id:base64, ...} entries; every error names the setting, none shows a secret. */
    public static List<SigningKey> parseKeys(List<String> entries) {
        Set<String> ids = new HashSet<>();
        List<SigningKey> keys = entries.stream().map(SigningKey::parse).toList();
        for (SigningKey key : keys) {
            if (!ids.add(key.id())) {
                throw new IllegalArgumentException(PipelineConfiguration.SIGNING_KEYS + " names key id '" + key.id() + "' twice");
            }
        }
        return keys;
    }

    /** One HMAC key and the id its signatures carry. */
    public static final class SigningKey {
        private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
        private static final int MIN_BYTES = 32;

        private final String id;
        /** Initialised once; every use clones it, so no provider look-up or key set-up per message (signing is on the SMTP accept path). */
        private final Mac prototype;

        private SigningKey(String id, byte[] secret) {
            this.id = id;
            try {
                this.prototype = Mac.getInstance(ALGORITHM);
                prototype.init(new SecretKeySpec(secret, ALGORITHM));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(ALGORITHM + " is part of every JDK", e);
            }
        }

        Mac freshMac() {
            try {
                return (Mac) prototype.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("the JDK's " + ALGORITHM + " can be cloned", e);
            }
        }

        static SigningKey parse(String entry) {
            int colon = entry.indexOf(':');
            String id = colon < 0 ? "" : entry.substring(0, colon).trim();
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException(PipelineConfiguration.SIGNING_KEYS
                    + ": each entry is <id>:<base64 key>, the id 1-32 letters, digits, '-' or '_' (make a key with: openssl rand -base64 32)");
            }
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(entry.substring(colon + 1).trim().getBytes(StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(PipelineConfiguration.SIGNING_KEYS + ": key '" + id + "' is not valid base64");
            }
            if (secret.length < MIN_BYTES) {
                throw new IllegalArgumentException(PipelineConfiguration.SIGNING_KEYS + ": key '" + id + "' has " + secret.length
                    + " bytes, at least " + MIN_BYTES + " are needed (make one with: openssl rand -base64 32)");
            }
            return new SigningKey(id, secret);
        }

        public String id() {
            return id;
        }

        @Override
        public String toString() {
            return "SigningKey[" + id + "]";
        }
    }
}
