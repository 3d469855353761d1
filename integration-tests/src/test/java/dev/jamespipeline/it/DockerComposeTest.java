package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.server.PipelineJamesServerMain;
import dev.jamespipeline.search.indexer.SearchConfiguration;
import dev.jamespipeline.server.database.DatabaseConfiguration;

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
            .contains("COPY docker/entrypoint.sh /root/entrypoint.sh")
            .contains("ENTRYPOINT [\"/root/entrypoint.sh\"]");
        assertThat(Files.readString(PROJECT.resolve("docker/entrypoint.sh")))
            .contains("/root/pipeline-lib/*")
            .contains(PipelineJamesServerMain.class.getName());
        assertThat(PROJECT.resolve("docker/entrypoint.sh")).isExecutable();
        assertThat(compose.at("/services/james/depends_on/postgres/condition").asText()).isEqualTo("service_healthy");
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
            "extensions.properties", "pipeline.properties", "webadmin.properties", "james-database.properties",
            "mailrepositorystore.xml");
    }

    @Test
    void webAdminNeedsATokenAndTheImageMakesItsKeyPairOnStart() throws Exception {
        assertThat(compose.at("/services/james/volumes").toString())
            .contains("./james-conf/webadmin.properties:/root/conf/webadmin.properties:ro");
        Properties webAdmin = new Properties();
        webAdmin.load(new StringReader(Files.readString(PROJECT.resolve("james-conf/webadmin.properties"))));
        assertThat(webAdmin.getProperty("jwt.enabled")).isEqualTo("true");
        assertThat(webAdmin.getProperty("jwt.publickeypem.url")).isEqualTo("file://conf/jwt_publickey");
        assertThat(webAdmin.getProperty("host")).isEqualTo("127.0.0.1");
        assertThat(Files.readString(PROJECT.resolve("docker/Dockerfile")))
            .contains("COPY scripts/webadmin-token.sh /root/webadmin-token.sh");
        assertThat(Files.readString(PROJECT.resolve("docker/entrypoint.sh")))
            .contains("/root/webadmin-token.sh /root/conf");
    }

    @Test
    void jamesUsesItsOwnBrokerUserAndVhostWithThePasswordComposeGivesBothServices() throws Exception {
        String password = "${RABBITMQ_PIPELINE_PASSWORD:?";
        assertThat(compose.at("/services/rabbitmq/environment/RABBITMQ_DEFAULT_USER").asText()).isEqualTo("james-pipeline");
        assertThat(compose.at("/services/rabbitmq/environment/RABBITMQ_DEFAULT_VHOST").asText()).isEqualTo("james-pipeline");
        assertThat(compose.at("/services/rabbitmq/environment/RABBITMQ_DEFAULT_PASS").asText()).startsWith(password);
        assertThat(compose.at("/services/james/environment").toString()).contains("RABBITMQ_PIPELINE_PASSWORD=" + password);

        // Read as James reads it (commons-configuration, ${env:...} resolved); the pom sets the variable.
        PropertiesConfiguration pipeline = new PropertiesConfiguration();
        new FileHandler(pipeline).load(PROJECT.resolve("docker/pipeline.properties").toFile());
        assertThat(pipeline.getString(PipelineConfiguration.AMQP_URI))
            .isEqualTo("amqp://james-pipeline:compose-test-password@rabbitmq:5672/james-pipeline");
    }

    @Test
    void jamesKeepsItsStateInTheComposePostgresqlWithThePasswordComposeGivesBoth() throws Exception {
        String password = "${JAMES_DATABASE_PASSWORD:?";
        assertThat(compose.at("/services/postgres/image").asText()).startsWith("postgres:15");
        assertThat(compose.at("/services/postgres/environment/POSTGRES_USER").asText()).isEqualTo("james");
        assertThat(compose.at("/services/postgres/environment/POSTGRES_DB").asText()).isEqualTo("james");
        assertThat(compose.at("/services/postgres/environment/POSTGRES_PASSWORD").asText()).startsWith(password);
        assertThat(compose.at("/services/james/environment").toString()).contains("JAMES_DATABASE_PASSWORD=" + password);

        // Read as James reads it (commons-configuration, ${env:...} resolved); the pom sets the variable.
        PropertiesConfiguration database = new PropertiesConfiguration();
        new FileHandler(database).load(PROJECT.resolve("docker/james-database.properties").toFile());
        DatabaseConfiguration configuration = DatabaseConfiguration.from(database);
        assertThat(configuration.backend()).isEqualTo(DatabaseConfiguration.Backend.POSTGRESQL);
        assertThat(configuration.url()).isEqualTo("jdbc:postgresql://postgres:5432/james");
        assertThat(configuration.username()).contains("james");
        assertThat(configuration.password()).contains("compose-test-database-password");
    }

    @Test
    void onlySmtpSubmissionAndImapArePublishedAndOnlyOnTheHostsLoopback() throws Exception {
        String smtp = Files.readString(PROJECT.resolve("james-conf/smtpserver.xml"));
        String imap = Files.readString(PROJECT.resolve("james-conf/imapserver.xml"));
        assertThat(smtp).contains("0.0.0.0:2525").contains("0.0.0.0:5870");
        assertThat(imap).contains("0.0.0.0:1143");

        List<String> published = new ArrayList<>();
        compose.at("/services").fields().forEachRemaining(service -> {
            for (JsonNode port : service.getValue().path("ports")) {
                published.add(service.getKey() + " " + port.asText());
            }
        });
        assertThat(published).containsExactlyInAnyOrder(
            "james 127.0.0.1:2525:2525", "james 127.0.0.1:5870:5870", "james 127.0.0.1:1143:1143");
    }
}
