package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;

/**
 * Two stages, "check" then "route": the first modifies the message and records a verdict, and
 * PassToNextStage hands both to the second through RabbitMQ.
 */
class MultiStageIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();
    private static final String CHECK_STAGE = """
                <processor state="check" enableJmx="false">
                    <mailet match="All" class="SetMimeHeader">
                        <name>X-Checked</name>
                        <value>by the check stage</value>
                    </mailet>
                    <mailet match="All" class="dev.jamespipeline.it.mailets.SetVerdict">
                        <name>spam</name>
                        <value>ham</value>
                    </mailet>
                    <mailet match="All" class="dev.jamespipeline.mailets.PassToNextStage">
                        <onMailetException>propagate</onMailetException>
                    </mailet>
                </processor>
        """;

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob")
        .setting(PipelineConfiguration.STAGES, "check,route")
        .editMailetContainer(conf -> conf.replace("<processor state=\"route\"", CHECK_STAGE.strip()
            + "\n\n        <processor state=\"route\""));

    @Test
    void theFirstStageHandsItsMessageAndVerdictsToTheNextThroughRabbitMQ() throws Exception {
        Topology topology = PIPELINE.james().topology();
        String received = PIPELINE.tap().tap(topology.mailEventsExchange(), ReceivedEnvelope.ROUTING_KEY);
        String handoffs = PIPELINE.tap().tap(topology.stagesExchange(), "route");

        SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "two stages", "checked then routed", "bob@" + DOMAIN);

        ReceivedEnvelope first = CODEC.decodeReceived(PIPELINE.tap().nextMatching(received, body -> contains(body, reply.pipelineId()), WAIT).getBody());
        assertThat(first.stage()).isEqualTo("check");
        ReceivedEnvelope handoff = CODEC.decodeReceived(PIPELINE.tap().nextMatching(handoffs, body -> contains(body, reply.pipelineId()), WAIT).getBody());
        assertThat(handoff.stage()).isEqualTo("route");
        assertThat(handoff.verdicts()).containsEntry("spam", "ham");
        assertThat(handoff.storage().key()).isNotEqualTo(first.storage().key());
        assertThat(new String(PIPELINE.james().storedMessage(handoff.storage().key()), StandardCharsets.UTF_8))
            .contains("X-Checked: by the check stage");

        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD) == 1);
        assertThat(PIPELINE.james().imap().inboxMessages("bob@" + DOMAIN, PipelineJames.PASSWORD).get(0))
            .contains("X-Checked: by the check stage")
            .contains("checked then routed");
    }

    private static boolean contains(byte[] body, String text) {
        return new String(body, StandardCharsets.UTF_8).contains(text);
    }
}
