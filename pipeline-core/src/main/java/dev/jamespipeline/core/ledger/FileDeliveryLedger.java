package dev.jamespipeline.core.ledger;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.jamespipeline.core.PipelineIds;
import dev.jamespipeline.core.store.Digests;
import dev.jamespipeline.core.store.DirectorySync;
import dev.jamespipeline.core.store.DurableDirectories;

/**
 * The ledger as empty marker files: {@code <root>/<first two id characters>/<pipeline id>.<effect>.<sha256(subject)>}.
 * Creating a file is atomic and visible to every node that mounts the same directory, which is
 * also what the message store needs for several James nodes to share work. A marker is empty, so
 * only its directory entry must reach the disk: one directory fsync per record, no per-message
 * directory ('.' cannot occur in a pipeline id, so names cannot collide).
 */
public final class FileDeliveryLedger implements DeliveryLedger {
    private final Path root;
    private final DirectorySync directorySync = new DirectorySync();

    public FileDeliveryLedger(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        Files.createDirectories(this.root);
    }

    @Override
    public boolean contains(String pipelineId, LedgerEntry entry) {
        return Files.exists(markerFor(pipelineId, entry));
    }

    @Override
    public void record(String pipelineId, LedgerEntry entry) throws IOException {
        Path marker = markerFor(pipelineId, entry);
        DurableDirectories.create(root, marker.getParent());
        try {
            Files.createFile(marker);
        } catch (FileAlreadyExistsException alreadyRecorded) {
            return;
        }
        if (entry.effect().mustSurviveACrash()) {
            directorySync.fsync(marker.getParent());
        }
    }

    private Path markerFor(String pipelineId, LedgerEntry entry) {
        PipelineIds.requireValid(pipelineId);
        String prefix = pipelineId.substring(0, Math.min(2, pipelineId.length()));
        return root.resolve(prefix).resolve(pipelineId + "." + entry.effect().name().toLowerCase() + "."
            + Digests.sha256Hex(entry.subject()));
    }
}
