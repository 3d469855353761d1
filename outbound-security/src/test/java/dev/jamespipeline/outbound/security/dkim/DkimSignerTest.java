package dev.jamespipeline.outbound.security.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.impl.DNSPublicKeyRecordRetriever;
import org.apache.james.jdkim.impl.MultiplexingPublicKeyRecordRetriever;
import org.apache.james.jdkim.mailets.DKIMVerifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.SimpleResolver;

import dev.jamespipeline.outbound.security.OutboundSecuritySettings;
import dev.jamespipeline.testing.TestDns;

/**
 * Signs with the configured keys and verifies as inbound mail is verified in James ({@code DKIMVerify}: jDKIM's
 * {@code DKIMVerifier}, public keys from DNS through {@code DNSPublicKeyRecordRetriever}), the keys published as
 * TXT records {@code <selector>._domainkey.<domain>} on a real DNS server.
 */
class DkimSignerTest {
    private static final String MESSAGE = "From: Alice <alice@example.test>\r\n"
        + "To: bob@remote.test\r\n"
        + "Subject: quarterly numbers\r\n"
        + "Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n"
        + "Message-ID: <q4@example.test>\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "\r\n"
        + "Revenue is up.   \r\n"
        + "\r\n"
        + "Alice\r\n";

    @TempDir
    static Path directory;
    private static TestDns dns;
    private static DkimSigner signer;
    private static DKIMVerifier inboundVerifier;

    @BeforeAll
    static void publishKeysAndConfigureTheSigner() throws Exception {
        KeyPair current = rsaKeyPair();
        writePem(directory.resolve("s2026.pem"), PrivateKeyInfo.getInstance(current.getPrivate().getEncoded())); // PKCS#8
        // The next key as the README tells an operator to make it (PKCS#1 here, which older openssl writes).
        openssl("genrsa", "-traditional", "-out", directory.resolve("s2027.pem").toString(), "2048");
        String nextPublicKey = openssl("rsa", "-in", directory.resolve("s2027.pem").toString(), "-pubout")
            .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        dns = TestDns.builder()
            .txt("s2026._domainkey.example.test", "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(current.getPublic().getEncoded()))
            .txt("s2027._domainkey.example.test", "v=DKIM1; k=rsa; p=" + nextPublicKey)
            .start();
        BaseConfiguration conf = new BaseConfiguration();
        conf.addProperty(OutboundSecuritySettings.DKIM_SIGNING_KEYS, "example.test:s2026:s2026.pem, Example.Test:s2027:" + directory.resolve("s2027.pem"));
        OutboundSecuritySettings settings = OutboundSecuritySettings.from(conf, directory);
        signer = new DkimSigner(settings.dkimKeys(), settings.dkimSignedHeaders());
        SimpleResolver resolver = new SimpleResolver(dns.address());
        inboundVerifier = new DKIMVerifier(new MultiplexingPublicKeyRecordRetriever("dns", new DNSPublicKeyRecordRetriever(resolver)));
    }

    @AfterAll
    static void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void signedMailVerifiesWithEveryKeyOfItsDomain() throws Exception {
        DkimSignatures signatures = signer.sign(stream(MESSAGE));

        assertThat(signatures.signed()).isTrue();
        assertThat(signatures.domain()).isEqualTo("example.test");
        assertThat(signatures.selectors()).containsExactly("s2026", "s2027");
        byte[] signed = signatures.prependTo(stream(MESSAGE)).readAllBytes();
        assertThat(new String(signed, StandardCharsets.US_ASCII)).as("the message itself is unchanged").endsWith(MESSAGE);

        List<SignatureRecord> verified = inboundVerifier.verifyUsingCRLF(parse(signed));
        assertThat(verified).extracting(record -> record.getSelector().toString()).containsExactlyInAnyOrder("s2026", "s2027");
        assertThat(verified).allSatisfy(record -> assertThat(record.getDToken().toString()).isEqualTo("example.test"));
    }

    @Test
    void anAlteredMessageFailsVerification() throws Exception {
        byte[] signed = signer.sign(stream(MESSAGE)).prependTo(stream(MESSAGE)).readAllBytes();
        String text = new String(signed, StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> inboundVerifier.verifyUsingCRLF(parse(text.replace("Revenue is up.", "Revenue is down.").getBytes(StandardCharsets.US_ASCII))))
            .as("body changed").isInstanceOf(FailException.class);
        assertThatThrownBy(() -> inboundVerifier.verifyUsingCRLF(parse(text.replace("Subject: quarterly numbers", "Subject: wire the money").getBytes(StandardCharsets.US_ASCII))))
            .as("signed header changed").isInstanceOf(FailException.class);
    }

    @Test
    void relaxedCanonicalizationToleratesWhitespaceChangesInTransit() throws Exception {
        byte[] signed = signer.sign(stream(MESSAGE)).prependTo(stream(MESSAGE)).readAllBytes();
        String rewrapped = new String(signed, StandardCharsets.US_ASCII).replace("Revenue is up.   \r\n", "Revenue is up.\r\n");

        assertThat(inboundVerifier.verifyUsingCRLF(parse(rewrapped.getBytes(StandardCharsets.US_ASCII)))).hasSize(2);
    }

    @Test
    void mailOfOtherDomainsAndAmbiguousSendersIsLeftUnsigned() throws Exception {
        assertThat(signer.sign(stream(MESSAGE.replace("alice@example.test", "alice@elsewhere.test"))).unsignedReason())
            .isEqualTo("no DKIM key for elsewhere.test");
        assertThat(signer.sign(stream(MESSAGE.replace("From: Alice <alice@example.test>\r\n", ""))).unsignedReason())
            .isEqualTo("no From header");
        assertThat(signer.sign(stream("From: a@example.test\r\n" + MESSAGE)).unsignedReason()).isEqualTo("2 From headers");
        assertThat(signer.sign(stream(MESSAGE.replace("Alice <alice@example.test>", "alice@example.test, eve@evil.test"))).unsignedReason())
            .startsWith("From addresses of several or no domains");
        assertThat(signer.sign(stream(MESSAGE.replace("Alice <alice@example.test>", "Alice <alice@example.test, eve@evil.test>"))).unsignedReason())
            .as("an unparseable From").isEqualTo("no address in From");
    }

    @Test
    void hostileMessagesAreSignedSoTheyVerifyOrLeftUnsignedWithTheReason() throws Exception {
        String noBody = "From: alice@example.test\r\nSubject: no blank line, no body";
        String nulAndBareLf = MESSAGE.replace("Revenue is up.   \r\n", "Revenue\0 is up.\n\n\n");
        String encodedName = "From: =?utf-8?q?Al=C3=AFce?= <alice@example.test>\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\n\r\nbody\r\n";

        for (String hostile : List.of(noBody, nulAndBareLf, encodedName)) {
            byte[] raw = hostile.getBytes(StandardCharsets.UTF_8);
            DkimSignatures signatures = signer.sign(new ByteArrayInputStream(raw));
            assertThat(signatures.signed()).as(hostile.substring(0, 40)).isTrue();
            byte[] signed = signatures.prependTo(new ByteArrayInputStream(raw)).readAllBytes();
            assertThat(inboundVerifier.verifyUsingCRLF(parse(signed))).as(hostile.substring(0, 40)).hasSize(2);
        }
        String longHeader = MESSAGE.replace("Subject: quarterly numbers", "Subject: " + "x".repeat(200_000));
        assertThat(signer.sign(stream(longHeader)).unsignedReason()).startsWith("not parseable for signing").contains("line length");
        byte[] rawUtf8Subject = MESSAGE.replace("quarterly numbers", "caf\u00e9").getBytes(StandardCharsets.UTF_8);
        assertThat(signer.sign(new ByteArrayInputStream(rawUtf8Subject)).unsignedReason()).startsWith("8-bit bytes in the subject header");
        byte[] rawUtf8Unsigned = ("X-Note: caf\u00e9\r\n" + MESSAGE).getBytes(StandardCharsets.UTF_8);
        DkimSignatures unsignedHeaderOnly = signer.sign(new ByteArrayInputStream(rawUtf8Unsigned));
        assertThat(unsignedHeaderOnly.signed()).as("8-bit bytes in a header the signature does not cover").isTrue();
        assertThat(inboundVerifier.verifyUsingCRLF(parse(unsignedHeaderOnly.prependTo(new ByteArrayInputStream(rawUtf8Unsigned)).readAllBytes()))).hasSize(2);
    }

    private static KeyPair rsaKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static String openssl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(process.waitFor()).as(String.join(" ", command)).isZero();
        return output;
    }

    private static void writePem(Path file, Object pem) throws IOException {
        try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(pem);
        }
    }

    private static InputStream stream(String message) {
        return new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII));
    }

    private static MimeMessage parse(byte[] message) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message));
    }
}
