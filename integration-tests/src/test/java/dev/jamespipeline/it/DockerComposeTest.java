package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.server.PipelineJamesServerMain;
import dev.jamespipeline.search.indexer.SearchConfiguration;

/** No Docker engine runs here, so docker-compose.yml is kept correct by checking it against the repository. */
class DockerComposeTest {
    private static final Path PROJECT = Path.of(System.getProperty("pipeline.project.dir")).toAbsolutePath().normalize();

    private final JsonNode compose = read();

    private static JsonNode read() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(PROJECT.resolve("docker-compose.yml").toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void jamesIsBuiltFromTheOfficialMemoryImageOfTheVersionWeBuildAgainstWithOurMain() throws Exception {
        assertThat(compose.at("/services/james/build/dockerfile").asText()).isEqualTo("docker/Dockerfile");
        String dockerfile = Files.readString(PROJECT.resolve("docker/Dockerfile"));
        assertThat(dockerfile)
            .contains("FROM apache/james:memory-3.8.1 AS james")
            .contains("FROM eclipse-temurin:17-jre")
            .contains("COPY distribution/target/james/pipeline-lib/ /root/pipeline-lib/")
            .contains("/root/pipeline-lib/*")
            .contains(PipelineJamesServerMain.class.getName());
        assertThat(compose.at("/services/james/depends_on/rabbitmq/condition").asText()).isEqualTo("service_healthy");
        assertThat(compose.at("/services/james/depends_on/opensearch/condition").asText()).isEqualTo("service_healthy");
    }

    @Test
    void openSearchIsTheOfficialImageWithSecurityOffAndJamesPointsAtIt() throws Exception {
        assertThat(compose.at("/services/opensearch/image").asText()).startsWith("opensearchproject/opensearch:2.19.");
        assertThat(compose.at("/services/opensearch/environment").toString())
            .contains("discovery.type=single-node").contains("DISABLE_SECURITY_PLUGIN=true");
        Properties pipeline = new Properties();
        pipeline.load(new StringReader(Files.readString(PROJECT.resolve("docker/pipeline.properties"))));
        assertThat(pipeline.getProperty(SearchConfiguration.URL)).isEqualTo("http://opensearch:9200");
    }

    @Test
    void theEnvelopeSigningKeyIsRequiredFromTheOperator() throws Exception {
        Properties pipeline = new Properties();
        pipeline.load(new StringReader(Files.readString(PROJECT.resolve("docker/pipeline.properties"))));
        assertThat(pipeline.getProperty(PipelineConfiguration.SIGNING_KEYS)).isEqualTo("${env:PIPELINE_ENVELOPE_SIGNING_KEYS}");
        assertThat(compose.at("/services/james/environment").toString())
            .contains("PIPELINE_ENVELOPE_SIGNING_KEYS=${PIPELINE_ENVELOPE_SIGNING_KEYS:?");
    }

    @Test
    void everyMountedFileExistsAndEveryExtensionFileIsMounted() throws Exception {
        List<String> mountedConf = new ArrayList<>();
        for (JsonNode volume : compose.at("/services/james/volumes")) {
            String[] parts = volume.asText().split(":");
            if (parts[0].startsWith("./")) {
                Path source = PROJECT.resolve(parts[0].substring(2));
                if (!parts[0].contains("target/")) {
                    assertThat(source).as(parts[0]).exists();
                }
                if (parts[1].startsWith("/root/conf/")) {
                    mountedConf.add(parts[1].substring("/root/conf/".length()));
                }
            }
        }
        assertThat(mountedConf).contains("smtpserver.xml", "imapserver.xml", "mailetcontainer.xml", "listeners.xml",
            "extensions.properties", "pipeline.properties");
    }

    @Test
    void jamesReachesTheComposeBrokerAndPublishesTheConfiguredPorts() throws Exception {
        Properties pipeline = new Properties();
        pipeline.load(new StringReader(Files.readString(PROJECT.resolve("docker/pipeline.properties"))));
        String uri = pipeline.getProperty(PipelineConfiguration.AMQP_URI);
        assertThat(uri).contains("@rabbitmq:5672");
        assertThat(compose.at("/services").has("rabbitmq")).isTrue();

        String smtp = Files.readString(PROJECT.resolve("james-conf/smtpserver.xml"));
        String imap = Files.readString(PROJECT.resolve("james-conf/imapserver.xml"));
        String ports = compose.at("/services/james/ports").toString();
        for (String port : List.of("2525", "5870")) {
            assertThat(smtp).contains("0.0.0.0:" + port);
            assertThat(ports).contains(port + ":" + port);
        }
        assertThat(imap).contains("0.0.0.0:1143");
        assertThat(ports).contains("1143:1143").contains("8000:8000");
    }
}
