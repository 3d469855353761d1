package dev.jamespipeline.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDeliveryLedgerTest {
    @TempDir
    Path root;

    @Test
    void remembersEffectsPerMessageAndKind() throws Exception {
        FileDeliveryLedger ledger = new FileDeliveryLedger(root);

        ledger.record("m1", LedgerEntry.delivered("bob@example.test"));

        assertThat(ledger.contains("m1", LedgerEntry.delivered("Bob@Example.TEST"))).isTrue();
        assertThat(ledger.contains("m1", LedgerEntry.bounced("bob@example.test"))).isFalse();
        assertThat(ledger.contains("m2", LedgerEntry.delivered("bob@example.test"))).isFalse();
    }

    @Test
    void recordingTwiceIsHarmless() throws Exception {
        FileDeliveryLedger ledger = new FileDeliveryLedger(root);

        ledger.record("m1", LedgerEntry.outboundQueued("far@remote.test"));
        ledger.record("m1", LedgerEntry.outboundQueued("far@remote.test"));

        assertThat(ledger.contains("m1", LedgerEntry.outboundQueued("far@remote.test"))).isTrue();
    }

    @Test
    void anotherNodeSharingTheDirectorySeesTheSameLedger() throws Exception {
        new FileDeliveryLedger(root).record("m1", LedgerEntry.stageDone("route"));

        assertThat(new FileDeliveryLedger(root).contains("m1", LedgerEntry.stageDone("route"))).isTrue();
    }

    @Test
    void refusesIdsThatAreNotSafeFileNames() throws Exception {
        FileDeliveryLedger ledger = new FileDeliveryLedger(root);
        assertThatThrownBy(() -> ledger.record("../escape", LedgerEntry.stageDone("route")))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
