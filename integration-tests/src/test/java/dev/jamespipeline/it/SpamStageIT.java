package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.security.spam.SpamSettings;
import dev.jamespipeline.testing.RspamdPeer;

/**
 * The spam stage ("spam" then "route") in a real James with a real, private Rspamd: GTUBE sent over SMTP lands
 * in the recipient's Junk folder with the X-Spam header fields, ham in the INBOX (both read over IMAP); with
 * Rspamd stopped the mail waits in the stage's retry tiers and is scanned once Rspamd is back, or, still down
 * after the last retry, is delivered tagged unchecked (the default failure policy).
 * <p>
 * The shipped mailetcontainer.xml's "spam" processor and its FileSpamInJunk in "route-local"; the policy is the
 * default, junk, so WebAdmin lists nothing quarantined.
 */
class SpamStageIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String GTUBE_LINE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    private static final RspamdPeer RSPAMD = RspamdPeer.start();

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob")
        .setting(PipelineConfiguration.STAGES, "spam,route")
        .setting(SpamSettings.RSPAMD_URL, RSPAMD.uri().toString())
        .setting(SpamSettings.CONNECT_TIMEOUT, "1000")
        .setting(SpamSettings.REQUEST_TIMEOUT, "5000")
        // Four retries, 2.5 s apart: long enough to see the mail wait, short enough to reach the last attempt.
        .setting("stage.retry.delays.ms", "2500,2500,2500,2500");

    @AfterAll
    static void stopRspamd() {
        RSPAMD.close();
    }

    @Test
    void gtubeLandsInJunkWithTheSpamHeaders() throws Exception {
        String bob = "bob@" + DOMAIN;
        SmtpReply reply = PIPELINE.james().smtp().sendRaw("alice@" + DOMAIN,
            message("X-Spam-Status: No, score=-50 (forged)\r\n", "gtube", GTUBE_LINE), bob);
        assertThat(reply.accepted()).isTrue();

        String junk = awaitMessage(bob, "Junk", "Subject: gtube");
        assertThat(junk).contains("X-Spam-Score: 15.00", "X-Spam-Status: Yes, score=15.00 required=15.00 action=reject",
            "X-Spam-Symbols: GTUBE").doesNotContain("score=-50");
        assertThat(PIPELINE.james().imap().inboxMessages(bob, PipelineJames.PASSWORD)).noneMatch(m -> m.contains("Subject: gtube"));
        assertThat(new QuarantineAdmin(PIPELINE.james()).entriesOf(reply.pipelineId())).as("nothing quarantined").isEmpty();
    }

    @Test
    void hamLandsInTheInboxMarkedNotSpam() throws Exception {
        String bob = "bob@" + DOMAIN;
        PIPELINE.james().smtp().sendRaw("alice@" + DOMAIN, message("", "lunch", "Lunch at noon tomorrow?"), bob);

        String inbox = awaitMessage(bob, "INBOX", "Subject: lunch");
        assertThat(inbox).contains("X-Spam-Score: 0.00", "X-Spam-Status: No, score=0.00 required=15.00 action=no_action");
    }

    @Test
    void withRspamdDownTheMailWaitsInTheRetryTiersAndIsScannedOnceItIsBack() throws Exception {
        String bob = "bob@" + DOMAIN;
        Topology topology = PIPELINE.james().topology();
        String firstRetryTier = topology.retryQueue(topology.stageQueue("spam"), 0);
        RSPAMD.stop();
        try {
            PIPELINE.james().smtp().sendRaw("alice@" + DOMAIN, message("", "outage", GTUBE_LINE), bob);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> PIPELINE.tap().readyCount(firstRetryTier) > 0);
        } finally {
            RSPAMD.restart();
        }

        String junk = awaitMessage(bob, "Junk", "Subject: outage");
        assertThat(junk).contains("X-Spam-Status: Yes, score=15.00", "X-Spam-Symbols: GTUBE").doesNotContain("unchecked");
    }

    @Test
    void withRspamdDownPastTheLastRetryTheMailIsDeliveredTaggedUnchecked() throws Exception {
        String bob = "bob@" + DOMAIN;
        RSPAMD.stop();
        try {
            PIPELINE.james().smtp().sendRaw("alice@" + DOMAIN, message("", "still down", GTUBE_LINE), bob);

            String inbox = awaitMessage(bob, "INBOX", "Subject: still down");
            assertThat(inbox).contains("X-Spam-Status: unchecked (scanner unavailable: rspamd at " + RSPAMD.uri() + "/checkv2")
                .doesNotContain("X-Spam-Score");
        } finally {
            RSPAMD.restart();
        }
    }

    private static String message(String extraHeader, String subject, String body) {
        return extraHeader
            + "From: alice@" + DOMAIN + "\r\n"
            + "To: bob@" + DOMAIN + "\r\n"
            + "Subject: " + subject + "\r\n"
            + "Date: Sun, 6 Dec 2026 10:00:00 +0000\r\n"
            + "Message-ID: <" + subject.replace(' ', '-') + "@" + DOMAIN + ">\r\n"
            + "\r\n"
            + body + "\r\n";
    }

    private static String awaitMessage(String user, String folder, String marker) {
        return await().atMost(WAIT).ignoreExceptions()
            .until(() -> PIPELINE.james().imap().messages(user, PipelineJames.PASSWORD, folder).stream()
                .filter(message -> message.contains(marker)).findFirst(), java.util.Optional::isPresent)
            .orElseThrow();
    }
}
