package dev.jamespipeline.security.spam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.testing.RspamdPeer;
import dev.jamespipeline.security.scanner.ScannerUnavailableException;

/** The client against a real, private Rspamd. */
class RspamdClientTest {
    private static RspamdPeer rspamd;
    private static RspamdClient client;

    @BeforeAll
    static void startRspamd() {
        rspamd = RspamdPeer.start();
        client = new RspamdClient(SpamSamples.settings(rspamd.uri(), Map.of()));
    }

    @AfterAll
    static void stopRspamd() {
        if (rspamd != null) {
            rspamd.close();
        }
    }

    @Test
    void gtubeIsSpamWithTheGtubeSymbol() throws Exception {
        SpamCheck check = client.check(SpamSamples.ENVELOPE, SpamSamples.bytes(SpamSamples.GTUBE));

        assertThat(check.isSpam()).isTrue();
        assertThat(check.action()).isEqualTo("reject");
        assertThat(check.symbols()).contains("GTUBE");
        assertThat(check.score()).isGreaterThanOrEqualTo(check.requiredScore());
    }

    @Test
    void anOrdinaryMessageIsNotSpam() throws Exception {
        SpamCheck check = client.check(SpamSamples.ENVELOPE, SpamSamples.bytes(SpamSamples.HAM));

        assertThat(check.isSpam()).isFalse();
        assertThat(check.action()).isEqualTo("no action");
        assertThat(check.symbols()).doesNotContain("GTUBE");
        assertThat(check.score()).isLessThan(check.requiredScore());
    }

    @Test
    void envelopeValuesWithLineBreaksCannotForgeRequestHeaders() throws Exception {
        RspamdClient.ScanEnvelope hostile = new RspamdClient.ScanEnvelope("p-1\r\nPass: all", "192.0.2.10",
            "helo\r\nSettings: {actions { reject = 1000; }}", "a@sender.test", java.util.List.of("bob@example.test"), null);

        SpamCheck check = client.check(hostile, SpamSamples.bytes(SpamSamples.GTUBE));

        assertThat(check.isSpam()).isTrue();
    }

    @Test
    void aStoppedRspamdIsUnavailableAndScansAgainOnceBack() throws Exception {
        rspamd.stop();
        try {
            assertThatThrownBy(() -> client.check(SpamSamples.ENVELOPE, SpamSamples.bytes(SpamSamples.GTUBE)))
                .isInstanceOf(ScannerUnavailableException.class)
                .hasMessageContaining("rspamd at " + rspamd.uri() + "/checkv2");
        } finally {
            rspamd.restart();
        }
        assertThat(client.check(SpamSamples.ENVELOPE, SpamSamples.bytes(SpamSamples.GTUBE)).isSpam()).isTrue();
    }
}
