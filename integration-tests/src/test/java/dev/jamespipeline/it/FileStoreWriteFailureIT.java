package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.core.state.StateSettings;

/**
 * The file message store (store.backend=file: the stock-James drop-in, backend=memory trials) unable to
 * write: the ingest answers 451, leaves nothing behind, and accepts mail again once the disk is fine.
 */
class FileStoreWriteFailureIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "carol")
        .setting(StateSettings.STORE_BACKEND, "file");

    @Test
    void aMessageStoreThatCannotWriteGives451ThenRecovers() throws Exception {
        // A file where today's store directory must go: the store cannot create it.
        Path blocked = PIPELINE.james().messageStore().resolve(LocalDate.now(ZoneOffset.UTC).toString());
        Files.createDirectories(PIPELINE.james().messageStore());
        boolean existed = Files.exists(blocked);
        Path moved = blocked.resolveSibling("moved-away");
        if (existed) {
            Files.move(blocked, moved);
        }
        Files.writeString(blocked, "in the way");
        try {
            long storedBefore = PIPELINE.james().storedMessageCount();
            SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "disk trouble", "cannot store", "carol@" + DOMAIN);
            assertThat(reply.code()).isEqualTo(451);
            assertThat(PIPELINE.james().storedMessageCount()).isEqualTo(storedBefore);
        } finally {
            Files.delete(blocked);
            if (existed) {
                Files.move(moved, blocked);
            }
        }
        assertThat(PIPELINE.james().smtp().send("alice@" + DOMAIN, "disk fine", "stored", "carol@" + DOMAIN).code()).isEqualTo(250);
        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount("carol@" + DOMAIN, PipelineJames.PASSWORD) == 1);
    }
}
