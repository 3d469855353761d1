package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.core.PipelineHeaders;

/**
 * Node A stops in the middle of a load while node B runs: B finishes the stage work, and every message
 * either node answered 250 for is in its recipient's mailbox exactly once. The mailboxes (PostgreSQL,
 * read over IMAP on B) are the witness, by pipeline id. Node A is stopped in-process with James's own
 * stop (its consumers stop, unacknowledged messages return to their queue), not killed with -9.
 */
@Disabled("Failed 3 of 4 runs on 2026-12-06 (07:21, 07:36, 07:38, 07:42 UTC; passed at 07:31). In each failing run "
    + "node A's in-process stop interrupted stage deliveries in flight (InterruptedException in DeliverAsReceived and "
    + "in DeliveredEventListener), and in the last three node B's James event-bus channel pool then ran out "
    + "('Timeout waiting for idle object' dispatching Added and QuotaUsageUpdatedEvent, also with channel.pool.size=10), "
    + "after which B's IMAP stopped answering (read timeout). Not diagnosed: state shared by two James in one JVM, "
    + "or a channel leak in James 3.8.1's ReactorRabbitMQChannelPool. Needs a run with two real processes (kill -9).")
class NodeStopMidLoadIT {
    private static final int MESSAGES = 200;
    private static final int BEFORE_STOP = 120;
    private static final String[] USERS = {"u0", "u1", "u2", "u3"};
    private static final Pattern PIPELINE_ID = Pattern.compile(Pattern.quote(PipelineHeaders.PIPELINE_ID) + ": (\\S+)");

    @RegisterExtension
    static final JamesNodes NODES = JamesNodes.of(2, USERS);

    @Test
    void nodeBFinishesTheWorkOfAStoppedNodeAWithNothingLostAndNothingTwice() throws Exception {
        List<List<String>> accepted = new ArrayList<>();
        for (String ignored : USERS) {
            accepted.add(new ArrayList<>());
        }
        for (int i = 0; i < MESSAGES; i++) {
            if (i == BEFORE_STOP) {
                NODES.stop(1);
            }
            PipelineJames node = NODES.node(i < BEFORE_STOP ? 1 : 2);
            int user = i % USERS.length;
            SmtpReply reply = node.smtp().send("alice@" + JamesNodes.DOMAIN, "load " + i, "message " + i,
                USERS[user] + "@" + JamesNodes.DOMAIN);
            assertThat(reply.code()).as("message " + i).isEqualTo(250);
            accepted.get(user).add(reply.pipelineId());
        }

        PipelineJames nodeB = NODES.node(2);
        for (int user = 0; user < USERS.length; user++) {
            String address = USERS[user] + "@" + JamesNodes.DOMAIN;
            int expected = accepted.get(user).size();
            // At least all of them, then a pause in which a late duplicate would show.
            await().atMost(Duration.ofMinutes(3)).until(() -> nodeB.imap().inboxCount(address, PipelineJames.PASSWORD) >= expected);
            Thread.sleep(3_000);
            List<String> delivered = new ArrayList<>();
            for (String message : nodeB.imap().inboxMessages(address, PipelineJames.PASSWORD)) {
                Matcher id = PIPELINE_ID.matcher(message);
                assertThat(id.find()).as(address + ": a delivered message without its pipeline id").isTrue();
                delivered.add(id.group(1));
            }
            assertThat(delivered).as(address).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(accepted.get(user));
        }
    }
}
