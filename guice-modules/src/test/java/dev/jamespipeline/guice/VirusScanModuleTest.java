package dev.jamespipeline.guice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.utils.PropertiesProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;

import dev.jamespipeline.security.virus.ClamdClient;
import dev.jamespipeline.security.virus.VirusSettings;
import dev.jamespipeline.security.scanner.ScanFailurePolicy;

class VirusScanModuleTest {
    /** The shipped conf/pipeline.properties, whose security.virus.* lines say they are the defaults. */
    private static final Path SHIPPED = Path.of("..", "james-conf", "pipeline.properties");

    @Test
    void readsItsKeysFromPipelinePropertiesAsJamesLoadsIt(@TempDir Path workingDirectory) throws Exception {
        Injector injector = injector(workingDirectory, "security.virus.clamd.port=3399\nsecurity.virus.failure.policy=tag\n");

        VirusSettings settings = injector.getInstance(VirusSettings.class);
        assertThat(settings.clamdPort()).isEqualTo(3399);
        assertThat(settings.failurePolicy()).isEqualTo(ScanFailurePolicy.TAG);
        assertThat(injector.getInstance(ClamdClient.class)).isSameAs(injector.getInstance(ClamdClient.class));
    }

    @Test
    void anUnknownKeyStopsItNamingTheKey(@TempDir Path workingDirectory) throws Exception {
        Injector injector = injector(workingDirectory, "security.virus.clamd.prot=3399\n");

        assertThatThrownBy(() -> injector.getInstance(VirusSettings.class))
            .isInstanceOf(ProvisionException.class)
            .hasMessageContaining("security.virus.clamd.prot");
    }

    @Test
    void theShippedFileSetsTheDefaults(@TempDir Path workingDirectory) throws Exception {
        Injector injector = injector(workingDirectory, Files.readString(SHIPPED));

        assertThat(injector.getInstance(VirusSettings.class))
            .isEqualTo(VirusSettings.from(new org.apache.commons.configuration2.BaseConfiguration()));
        assertThat(Files.readString(SHIPPED)).contains(VirusSettings.FAILURE_POLICY + "=quarantine");
    }

    private static Injector injector(Path workingDirectory, String pipelineProperties) throws Exception {
        Files.createDirectories(workingDirectory.resolve("conf"));
        Files.writeString(workingDirectory.resolve("conf/pipeline.properties"), pipelineProperties);
        MemoryJamesConfiguration james = MemoryJamesConfiguration.builder().workingDirectory(workingDirectory.toFile()).build();
        FileSystem fileSystem = new FileSystemImpl(james.directories());
        return Guice.createInjector(new VirusScanModule(), new AbstractModule() {
            @Override
            protected void configure() {
                bind(PropertiesProvider.class).toInstance(new PropertiesProvider(fileSystem, james.configurationPath()));
            }
        });
    }
}
