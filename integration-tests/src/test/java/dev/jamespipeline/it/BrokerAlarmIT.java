package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A RabbitMQ resource alarm makes SMTP answer 451, and only while it holds, even when the
 * connection is cut and recovers during the alarm: the broker never unblocks a connection that is
 * gone, and blocks the recovered one only once it publishes. On a private node, since an alarm
 * blocks every publisher of the broker. Once the state sampler has seen the block, MAIL itself is
 * answered 451 4.3.2 at once (no publish is tried).
 */
class BrokerAlarmIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final String PUBLISHER_CONNECTION = "james-pipeline-publisher";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    @Order(1)
    static final PrivateRabbitMQNode BROKER = new PrivateRabbitMQNode();

    @RegisterExtension
    @Order(2)
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob")
        .broker(BROKER::amqpUri);

    @Test
    void anAlarmThatOutlivesAReconnectionGives451UntilItClears() throws Exception {
        assertThat(send("before the alarm").code()).isEqualTo(250);
        await().atMost(WAIT).until(() -> inboxCount() == 1);

        BROKER.raiseMemoryAlarm();
        // The broker blocks a connection when it publishes during the alarm: this publish gets no confirm.
        assertThat(send("during the alarm").code()).isEqualTo(451);
        await().atMost(WAIT).until(BrokerAlarmIT::healthReportsBlocked);
        SmtpReply refused = send("during the alarm, refused up front");
        assertThat(refused.code()).isEqualTo(451);
        // Refused at MAIL by the backpressure hook once the sampler has seen the block (DATA's own check may come first).
        assertThat(refused.text()).containsAnyOf("4.3.0", "4.3.2");
        await().atMost(WAIT).until(() -> envelope().code() == 451);
        SmtpReply atMail = assertTimeoutPreemptively(Duration.ofSeconds(10), BrokerAlarmIT::envelope, "a tempfail, not a hang");
        assertThat(atMail.text()).contains("4.3.2").contains("RabbitMQ blocks publishes");

        Set<String> before = BROKER.connectionPids(PUBLISHER_CONNECTION);
        assertThat(BROKER.closeConnections(PUBLISHER_CONNECTION, "test: network cut during a memory alarm")).isEqualTo(1);
        await().atMost(WAIT).until(() -> !difference(BROKER.connectionPids(PUBLISHER_CONNECTION), before).isEmpty());
        // The recovered connection is blocked again by its first publish.
        assertThat(send("after the reconnection, during the alarm").code()).isEqualTo(451);
        await().atMost(WAIT).until(BrokerAlarmIT::healthReportsBlocked);

        BROKER.clearMemoryAlarm();
        await().atMost(WAIT).until(() -> PIPELINE.james().pipelineHealth().httpStatus() == 200);
        assertThat(send("after the alarm").code()).isEqualTo(250);
        await().atMost(WAIT).until(() -> inboxCount() == 2);
        List<String> inbox = PIPELINE.james().imap().inboxMessages("bob@" + DOMAIN, PipelineJames.PASSWORD);
        assertThat(String.join("\n", inbox)).contains("before the alarm").contains("after the alarm")
            .doesNotContain("during the alarm");
    }

    private static SmtpReply send(String subject) throws Exception {
        return PIPELINE.james().smtp().offer("alice@" + DOMAIN, subject, subject, "bob@" + DOMAIN);
    }

    private static SmtpReply envelope() throws Exception {
        return PIPELINE.james().smtp().envelope("alice@" + DOMAIN, "bob@" + DOMAIN);
    }

    private static boolean healthReportsBlocked() throws Exception {
        return PIPELINE.james().pipelineHealth().json().contains("RabbitMQ blocks publishes");
    }

    private static int inboxCount() throws Exception {
        return PIPELINE.james().imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD);
    }

    private static Set<String> difference(Set<String> after, Set<String> before) {
        Set<String> added = new HashSet<>(after);
        added.removeAll(before);
        return added;
    }
}
