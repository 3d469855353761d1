package dev.jamespipeline.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.BaseConfiguration;
import org.junit.jupiter.api.Test;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.MessageProperties;

class EnvelopeSignerTest {
    private static final String KEY_1 = "k1:" + base64Of(32, 'a');
    private static final String KEY_2 = "k2:" + base64Of(32, 'b');
    private static final byte[] BODY = "{\"relayAllowed\":false}".getBytes(StandardCharsets.UTF_8);

    private final EnvelopeSigner signer = signerWith(KEY_1);

    @Test
    void aSignedBodyVerifies() {
        AMQP.BasicProperties signed = signer.sign(properties(), BODY);

        assertThat(signed.getHeaders().get(EnvelopeSigner.SIGNATURE_HEADER).toString()).startsWith("k1:");
        assertThat(signed.getHeaders()).containsKey(MessageProperties.FIRST_RECEIVED_HEADER);
        assertThatCode(() -> signer.verify(signed, BODY)).doesNotThrowAnyException();
    }

    @Test
    void theSignatureAsTheBrokerDeliversItVerifies() {
        // The AMQP client delivers string headers as LongString, not String.
        AMQP.BasicProperties signed = signer.sign(properties(), BODY);
        Map<String, Object> headers = new HashMap<>(signed.getHeaders());
        headers.put(EnvelopeSigner.SIGNATURE_HEADER, LongStringHelper.asLongString(headers.get(EnvelopeSigner.SIGNATURE_HEADER).toString()));

        assertThatCode(() -> signer.verify(signed.builder().headers(headers).build(), BODY)).doesNotThrowAnyException();
    }

    @Test
    void aTamperedBodyIsRefused() {
        AMQP.BasicProperties signed = signer.sign(properties(), BODY);
        byte[] tampered = "{\"relayAllowed\":true}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> signer.verify(signed, tampered))
            .isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining("signature does not match");
    }

    @Test
    void aSignatureByAnotherKeyWithTheSameIdIsRefused() {
        AMQP.BasicProperties forged = signerWith("k1:" + base64Of(32, 'z')).sign(properties(), BODY);

        assertThatThrownBy(() -> signer.verify(forged, BODY)).hasMessageContaining("signature does not match");
    }

    @Test
    void aSignatureByAnUnknownKeyIdIsRefused() {
        AMQP.BasicProperties foreign = signerWith(KEY_2).sign(properties(), BODY);

        assertThatThrownBy(() -> signer.verify(foreign, BODY)).hasMessageContaining("unknown key 'k2'");
    }

    @Test
    void anUnsignedMessageIsRefused() {
        assertThatThrownBy(() -> signer.verify(properties(), BODY)).hasMessageContaining("unsigned");
        assertThatThrownBy(() -> signer.verify(new AMQP.BasicProperties(), BODY)).hasMessageContaining("unsigned");
    }

    @Test
    void malformedSignatureHeadersAreRefused() {
        assertThatThrownBy(() -> signer.verify(withSignature("no-colon"), BODY)).hasMessageContaining("malformed");
        assertThatThrownBy(() -> signer.verify(withSignature("k1:%%%not base64"), BODY)).hasMessageContaining("not base64");
        assertThatThrownBy(() -> signer.verify(withSignature("k1:"), BODY)).hasMessageContaining("does not match");
    }

    @Test
    void afterRotationTheNewKeySignsAndBothVerify() throws Exception {
        EnvelopeSigner rotated = signerWith(KEY_2, KEY_1);
        AMQP.BasicProperties signedBefore = signer.sign(properties(), BODY);
        AMQP.BasicProperties signedAfter = rotated.sign(properties(), BODY);

        assertThat(signedAfter.getHeaders().get(EnvelopeSigner.SIGNATURE_HEADER).toString()).startsWith("k2:");
        rotated.verify(signedBefore, BODY);
        rotated.verify(signedAfter, BODY);
        assertThatThrownBy(() -> signerWith(KEY_2).verify(signedBefore, BODY)).hasMessageContaining("unknown key 'k1'");
    }

    @Test
    void keysAreReadFromTheConfigurationFirstOneFirst() {
        BaseConfiguration settings = new BaseConfiguration();
        settings.setProperty(PipelineConfiguration.SIGNING_KEYS, KEY_2 + ", " + KEY_1);

        assertThat(PipelineConfiguration.from(settings).signingKeys()).extracting(EnvelopeSigner.SigningKey::id)
            .containsExactly("k2", "k1");
    }

    @Test
    void aMissingKeySaysHowToMakeOne() {
        List<EnvelopeSigner.SigningKey> none = PipelineConfiguration.from(new BaseConfiguration()).signingKeys();

        assertThatThrownBy(() -> new EnvelopeSigner(none))
            .hasMessageContaining(PipelineConfiguration.SIGNING_KEYS).hasMessageContaining("openssl rand -base64 32");
    }

    @Test
    void invalidKeysAreRefusedNamingTheSettingWithoutShowingTheSecret() {
        String shortKey = "k1:" + base64Of(16, 'a');
        assertThatThrownBy(() -> EnvelopeSigner.parseKeys(List.of(shortKey)))
            .hasMessageContaining(PipelineConfiguration.SIGNING_KEYS).hasMessageContaining("16 bytes")
            .hasMessageNotContaining(shortKey.substring(3));
        assertThatThrownBy(() -> EnvelopeSigner.parseKeys(List.of("k1:not*base64")))
            .hasMessageContaining(PipelineConfiguration.SIGNING_KEYS).hasMessageContaining("not valid base64")
            .hasMessageNotContaining("not*base64");
        assertThatThrownBy(() -> EnvelopeSigner.parseKeys(List.of(base64Of(32, 'a'))))
            .hasMessageContaining(PipelineConfiguration.SIGNING_KEYS).hasMessageContaining("<id>:<base64 key>");
        assertThatThrownBy(() -> EnvelopeSigner.parseKeys(List.of(KEY_1, "k1:" + base64Of(32, 'c'))))
            .hasMessageContaining("'k1' twice");
    }

    private static EnvelopeSigner signerWith(String... entries) {
        return new EnvelopeSigner(EnvelopeSigner.parseKeys(List.of(entries)));
    }

    private static AMQP.BasicProperties properties() {
        return MessageProperties.persistentJson("p1", Instant.parse("2026-01-01T00:00:00Z"));
    }

    private static AMQP.BasicProperties withSignature(String value) {
        return properties().builder().headers(Map.of(EnvelopeSigner.SIGNATURE_HEADER, value)).build();
    }

    private static String base64Of(int length, char filler) {
        return Base64.getEncoder().encodeToString(String.valueOf(filler).repeat(length).getBytes(StandardCharsets.US_ASCII));
    }
}
