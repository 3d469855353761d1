package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jamespipeline.core.PipelineHeaders;
import dev.jamespipeline.it.mailets.PauseOnce;

/**
 * What the fault harness caught on a PostgreSQL restart: a route stage that met the outage sent the
 * mail to James's error processors (RecipientIsLocal could not read the domain list; the recipient
 * rewrite table could not be read and James sent the recipient to rrt-error), where nothing retries
 * it. A stage attempt that meets the outage must fail and be retried until PostgreSQL is back.
 * Each test holds one message in the route stage, cuts PostgreSQL under it, sends more mail while it
 * is cut, releases the held message, then restores PostgreSQL: every message answered 250 must be in
 * its mailbox exactly once under the pipeline id of its 250, nothing else delivered, and the error
 * repositories empty.
 */
class PostgresOutageIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final String ALICE = "alice@" + DOMAIN;
    private static final String BOB = "bob@" + DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration OUTAGE = Duration.ofSeconds(4);
    private static final List<String> ERROR_REPOSITORIES = List.of("postgres://var/mail/error/", "postgres://var/mail/rrt-error/");

    private static final String PIPELINE_ID_HEADER = PipelineHeaders.PIPELINE_ID + ":";
    /** Pipeline ids in bob's INBOX from the tests run before (they share one James). */
    private static final List<String> DELIVERED_BEFORE = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob")
        .postgresThroughProxy()
        // Retries close together, so the test waits seconds, not the shipped minute.
        .setting("stage.retry.delays.ms", "1000,2000,4000,8000,16000")
        .editMailetContainer(conf -> MailetContainerEdits.pauseInRouteBefore(
                "<mailet match=\"RecipientIsLocal\"", "outage-at-routing")
            .apply(MailetContainerEdits.pauseInRouteBefore(
                "<mailet match=\"All\" class=\"dev.jamespipeline.mailets.RewriteRecipients\"", "outage-at-rewriting",
                "rewrite-table-unreadable")
                .apply(conf)));

    @AfterEach
    void restorePostgres() throws Exception {
        PIPELINE.postgresProxy().restore();
    }

    @AfterAll
    static void releasePausedConsumers() {
        PauseOnce.release("outage-at-routing");
        PauseOnce.release("outage-at-rewriting");
        PauseOnce.release("rewrite-table-unreadable");
    }

    @Test
    void recipientRewritingThatMeetsTheOutageIsRetried() throws Exception {
        mailHeldInRouteWhilePostgresIsCutIsDeliveredOnce("outage-at-rewriting");
    }

    @Test
    void localRoutingThatMeetsTheOutageIsRetried() throws Exception {
        mailHeldInRouteWhilePostgresIsCutIsDeliveredOnce("outage-at-routing");
    }

    /**
     * Only the recipient rewrite table fails, the message store still reads: without a retry James
     * would send the recipient to rrt-error, which stores and bounces it (under a new pipeline id).
     * When PostgreSQL is cut whole, James's own copy to rrt-error fails too and hides this.
     */
    @Test
    void recipientRewriteTableThatCannotBeReadIsRetried() throws Exception {
        String subject = "rewrite-table-unreadable";
        SmtpReply held = PIPELINE.james().smtp().send(ALICE, subject, "held in route", BOB);
        assertThat(held.accepted()).isTrue();
        assertThat(PauseOnce.awaitReached(subject, 30)).as("held in route").isTrue();

        renameTable("james_recipient_rewrite", "james_recipient_rewrite_away");
        try {
            PauseOnce.release(subject);
            Thread.sleep(OUTAGE.toMillis());
        } finally {
            renameTable("james_recipient_rewrite_away", "james_recipient_rewrite");
        }

        assertDeliveredOnceAndNothingInErrorRepositories(List.of(held.pipelineId()));
    }

    private static void renameTable(String from, String to) throws Exception {
        try (Connection connection = PIPELINE.james().database().dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE " + from + " RENAME TO " + to);
        }
    }

    private void mailHeldInRouteWhilePostgresIsCutIsDeliveredOnce(String subject) throws Exception {
        List<String> accepted = new ArrayList<>();
        SmtpReply held = PIPELINE.james().smtp().send(ALICE, subject, "held in route", BOB);
        assertThat(held.accepted()).isTrue();
        accepted.add(held.pipelineId());
        assertThat(PauseOnce.awaitReached(subject, 30)).as("held in route").isTrue();

        PIPELINE.postgresProxy().cut();
        // Mail sent during the outage: whatever is answered 250 must arrive too (a 4xx is the sender's to retry).
        for (int i = 0; i < 3; i++) {
            sendQuietly(subject + "-sent-while-cut-" + i).ifPresent(accepted::add);
        }
        PauseOnce.release(subject);
        Thread.sleep(OUTAGE.toMillis());
        PIPELINE.postgresProxy().restore();

        assertDeliveredOnceAndNothingInErrorRepositories(accepted);
    }

    /**
     * Witnessed by the pipeline id each delivered copy carries: a copy James made and sent around again
     * (the rrt-error path) comes back under a new id, with the same subject.
     */
    private static void assertDeliveredOnceAndNothingInErrorRepositories(List<String> acceptedPipelineIds) throws Exception {
        // IMAP itself may fail while the pool reconnects.
        await().atMost(WAIT).ignoreExceptions().until(() -> inboxPipelineIds().containsAll(acceptedPipelineIds));
        Thread.sleep(2_000); // a late second copy would show now
        List<String> inbox = inboxPipelineIds();
        List<String> thisTest = inbox.stream().filter(id -> !DELIVERED_BEFORE.contains(id)).toList();
        assertThat(thisTest).as("delivered in this test").containsExactlyInAnyOrderElementsOf(acceptedPipelineIds);
        DELIVERED_BEFORE.addAll(thisTest);
        for (String repository : ERROR_REPOSITORIES) {
            assertThat(repositorySize(repository)).as(repository).isZero();
        }
    }

    /** The pipeline id of the message if answered 250. */
    private static Optional<String> sendQuietly(String subject) {
        try {
            SmtpReply reply = PIPELINE.james().smtp().send(ALICE, subject, "sent while PostgreSQL is cut", BOB);
            return reply.accepted() ? Optional.of(reply.pipelineId()) : Optional.empty();
        } catch (Exception refused) {
            return Optional.empty(); // not answered 250: not James's to deliver
        }
    }

    private static List<String> inboxPipelineIds() throws Exception {
        return PIPELINE.james().imap().inboxMessages(BOB, PipelineJames.PASSWORD).stream()
            .map(PostgresOutageIT::pipelineIdOf)
            .toList();
    }

    private static String pipelineIdOf(String message) {
        return message.lines()
            .filter(line -> line.startsWith(PIPELINE_ID_HEADER))
            .map(line -> line.substring(PIPELINE_ID_HEADER.length()).trim())
            .findFirst()
            .orElse("none");
    }

    private static long repositorySize(String repository) throws Exception {
        var response = PIPELINE.james().webAdmin("GET",
            "/mailRepositories/" + URLEncoder.encode(repository, StandardCharsets.UTF_8));
        if (response.statusCode() == 404) {
            return 0; // never created: nothing was ever stored there
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body()).path("size").asLong(-1);
    }
}
