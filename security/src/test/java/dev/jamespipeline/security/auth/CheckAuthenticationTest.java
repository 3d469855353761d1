package dev.jamespipeline.security.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.transport.matchers.SMTPIsAuthNetwork;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.BrokerConnection;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.mailets.MailParts;
import dev.jamespipeline.mailets.PipelineAttributes;

/** Our users' own mail (authenticated, or from a relay-allowed address) is not checked, but still cleaned. */
class CheckAuthenticationTest {
    private static final String MESSAGE = "Authentication-Results: mx.example.test; dmarc=pass\r\n"
        + "Authentication-Results: mx.other.test; spf=pass\r\n"
        + "From: alice@example.test\r\nSubject: mine\r\n\r\nbody\r\n";

    private final List<String> quarantined = new ArrayList<>();
    private final BrokerConnection unusedBroker;
    private final CheckAuthentication mailet;

    CheckAuthenticationTest() {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty(PipelineConfiguration.SIGNING_KEYS, "k1:" + Base64.getEncoder().encodeToString(new byte[32]));
        PipelineConfiguration configuration = PipelineConfiguration.from(settings);
        Topology topology = new Topology(configuration);
        // Nothing is published for our users' mail: the broker is never reached.
        unusedBroker = new BrokerConnection(configuration, topology, "unused");
        EventPublisher events = new EventPublisher(new ConfirmedPublisher(unusedBroker, Duration.ofSeconds(1)), topology,
            new EnvelopeCodec(), new EnvelopeSigner(configuration.signingKeys()));
        AuthenticationDns noDns = new AuthenticationDns(() -> {
            throw new AssertionError("our users' mail needs no DNS query");
        }, Duration.ofSeconds(1));
        MailAuthenticator authenticator = new MailAuthenticator(new SpfCheck(noDns), new DkimCheck(noDns, 5), new DmarcEvaluator(noDns::txt));
        mailet = new CheckAuthentication(authenticator, new AuthenticationResultsField("mx.example.test"),
            (mail, recipients, reason) -> {
                quarantined.add(reason);
                return "q";
            }, events, Clock.systemUTC());
    }

    @AfterEach
    void closeBroker() throws Exception {
        unusedBroker.close();
    }

    @Test
    void mailFromARelayAllowedAddressIsSkippedAndLosesForgedResults() throws Exception {
        MailImpl mail = mail();
        mail.setAttribute(SMTPIsAuthNetwork.makeAttribute(true));

        mailet.service(mail);

        assertSkipped(mail);
    }

    @Test
    void mailOfAnAuthenticatedUserIsSkippedAndLosesForgedResults() throws Exception {
        MailImpl mail = mail();
        mail.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice@example.test")));

        mailet.service(mail);

        assertSkipped(mail);
    }

    private void assertSkipped(MailImpl mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MailParts.writeMessage(mail, out);
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("Authentication-Results: mx.other.test; spf=pass\r\n"
            + "From: alice@example.test\r\nSubject: mine\r\n\r\nbody\r\n");
        assertThat(PipelineAttributes.verdict(mail, "auth")).contains("skipped-local");
        assertThat(PipelineAttributes.verdict(mail, "dmarc")).isEmpty();
        assertThat(mail.getState()).isNotEqualTo(Mail.GHOST);
        assertThat(quarantined).isEmpty();
    }

    private static MailImpl mail() throws Exception {
        MailImpl mail = MailImpl.builder()
            .name("local-1")
            .sender(MaybeSender.of(new MailAddress("alice@example.test")))
            .addRecipient(new MailAddress("bob@elsewhere.test"))
            .remoteAddr("127.0.0.1")
            .build();
        mail.setMessageContent(MimeMessageInputStreamSource.create("local-1",
            new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.ISO_8859_1))));
        PipelineAttributes.setPipelineId(mail, "local-1");
        return mail;
    }
}
