package dev.jamespipeline.core.ledger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.jamespipeline.core.PipelineIds;
import dev.jamespipeline.core.store.Digests;
import dev.jamespipeline.core.store.DurableDirectories;

/**
 * The ledger as empty marker files: {@code <root>/<id prefix>/<pipeline id>/<effect>-<sha256(subject)>}.
 * Creating a file is atomic and visible to every node that mounts the same directory, which is
 * also what the message store needs for several James nodes to share work.
 */
public final class FileDeliveryLedger implements DeliveryLedger {
    private final Path root;

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
        try (FileChannel channel = FileChannel.open(marker, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.force(true);
        } catch (FileAlreadyExistsException alreadyRecorded) {
            return;
        }
        DurableDirectories.fsync(marker.getParent());
    }

    private Path markerFor(String pipelineId, LedgerEntry entry) {
        PipelineIds.requireValid(pipelineId);
        String prefix = pipelineId.substring(0, Math.min(2, pipelineId.length()));
        return root.resolve(prefix).resolve(pipelineId)
            .resolve(entry.effect().name().toLowerCase() + "-" + Digests.sha256Hex(entry.subject()));
    }
}
