package dev.jamespipeline.ops.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file store's room, read from the real file system under a temporary directory. */
class FileStoreSpaceTest {
    @TempDir
    Path directory;

    @Test
    void readsFreeAndTotalBytesAndInodesOfTheStoreRootsFileSystem() throws Exception {
        PipelineState.StoreSample sample = new FileStoreSpace(directory).measure();

        assertThat(sample.backend()).isEqualTo("file");
        assertThat(sample.freeBytes()).isPositive().isLessThanOrEqualTo(sample.totalBytes());
        assertThat(sample.totalBytes()).isEqualTo(Files.getFileStore(directory).getTotalSpace());
        assertThat(sample.freeInodes()).isNotNull().isLessThanOrEqualTo(sample.totalInodes());
        assertThat(sample.databaseBytes()).isNull();
    }

    @Test
    void aStoreRootNotCreatedYetIsMeasuredOnTheFileSystemItWillBeOn() throws Exception {
        PipelineState.StoreSample sample = new FileStoreSpace(directory.resolve("var/pipeline-store/messages")).measure();

        assertThat(sample.totalBytes()).isEqualTo(Files.getFileStore(directory).getTotalSpace());
        assertThat(sample.location()).endsWith("var/pipeline-store/messages");
    }
}
