package dev.jamespipeline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.convert.DefaultListDelimiterHandler;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.config.InvalidSettingException;
import dev.jamespipeline.core.runtime.QueuePolicy;
import dev.jamespipeline.core.state.StateSettings;

class PipelineConfigurationTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        PipelineConfiguration configuration = PipelineConfiguration.from(new BaseConfiguration());

        assertThat(configuration.amqpUri().toString()).isEqualTo("amqp://james-pipeline@127.0.0.1:5672/james-pipeline");
        assertThat(configuration.queueType()).isEqualTo(PipelineConfiguration.QueueType.QUORUM);
        assertThat(configuration.stages()).containsExactly("route");
        assertThat(configuration.stagePolicy()).isEqualTo(QueuePolicy.STAGE_DEFAULTS);
        assertThat(configuration.stagePolicy().deliveryLimit()).isEqualTo(5);
        assertThat(configuration.stagePolicy().maxLength()).isEqualTo(100_000);
        assertThat(configuration.stagePolicy().concurrency()).isEqualTo(4);
        assertThat(configuration.stagePolicy().prefetch()).isEqualTo(8);
        assertThat(configuration.stagePolicy().retryDelays())
            .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(60));
        assertThat(configuration.outboundPolicy()).isEqualTo(QueuePolicy.OUTBOUND_DEFAULTS);
        assertThat(configuration.publishConfirmTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(configuration.state()).isEqualTo(new StateSettings(StateSettings.Backend.FILE, StateSettings.Backend.FILE,
            Duration.ofMinutes(10), Duration.ofDays(7), Duration.ofMinutes(1), Duration.ofSeconds(1)));
    }

    @Test
    void readsTheStateSettings() {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty(StateSettings.LEDGER_BACKEND, "postgres");
        settings.addProperty(StateSettings.STORE_BACKEND, "Postgres");
        settings.addProperty(StateSettings.STORE_GRACE, "0");
        settings.addProperty(StateSettings.LEDGER_RETENTION, "864000000");
        settings.addProperty(StateSettings.SWEEP_INTERVAL, "5000");
        settings.addProperty(StateSettings.OUTBOX_POLL, "250");

        assertThat(PipelineConfiguration.from(settings).state()).isEqualTo(new StateSettings(StateSettings.Backend.POSTGRES,
            StateSettings.Backend.POSTGRES, Duration.ZERO, Duration.ofDays(10), Duration.ofSeconds(5), Duration.ofMillis(250)));
    }

    @Test
    void aLedgerRetentionNotLongerThanTheStageMaxAgeIsRefusedNamingBothKeys() {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty("stage.max.age.ms", "7200000");
        settings.addProperty(StateSettings.LEDGER_RETENTION, "7200000");

        assertThatThrownBy(() -> PipelineConfiguration.from(settings))
            .isInstanceOf(InvalidSettingException.class)
            .hasMessageContaining("ledger.retention.ms='7200000' is invalid")
            .hasMessageContaining("stage.max.age.ms (7200000 ms)");
    }

    /** An outbound job is retried for days: a redelivered one must still find which recipients are done. */
    @Test
    void aLedgerRetentionNotLongerThanTheOutboundLifetimeIsRefused() {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty(StateSettings.LEDGER_RETENTION, "86400000");

        assertThatThrownBy(() -> PipelineConfiguration.from(settings))
            .isInstanceOf(InvalidSettingException.class)
            .hasMessageContaining("ledger.retention.ms='86400000' is invalid")
            .hasMessageContaining("outbound.max.age.ms (432000000 ms)");
    }

    @Test
    void anUnknownBackendIsRefusedNamingTheKey() {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty(StateSettings.STORE_BACKEND, "s3");

        assertThatThrownBy(() -> PipelineConfiguration.from(settings))
            .isInstanceOf(InvalidSettingException.class)
            .hasMessage("pipeline.properties: store.backend='s3' is invalid: expected file or postgres");
    }

    @Test
    void listsWorkWhetherOrNotTheConfigurationSplitsAtCommas() {
        BaseConfiguration plain = new BaseConfiguration();
        plain.addProperty(PipelineConfiguration.STAGES, "auth, route");
        BaseConfiguration splitting = new BaseConfiguration();
        splitting.setListDelimiterHandler(new DefaultListDelimiterHandler(','));
        splitting.addProperty(PipelineConfiguration.STAGES, "auth, route");

        assertThat(PipelineConfiguration.from(plain).stages()).containsExactly("auth", "route");
        assertThat(PipelineConfiguration.from(splitting).stages()).containsExactly("auth", "route");
    }

    @Test
    void stagesFollowEachOther() {
        PipelineConfiguration configuration = withStages("auth,route");

        assertThat(configuration.firstStage()).isEqualTo("auth");
        assertThat(configuration.stageAfter("auth")).isEqualTo("route");
        assertThat(configuration.stageAfter("route")).isNull();
    }

    @Test
    void refusesStageNamesJamesWouldMishandle() {
        for (String bad : List.of("Route", "root", "error", "transport", "a b", "")) {
            assertThatThrownBy(() -> withStages(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void eachQueueKindHasItsOwnPolicy() {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty("stage.retry.delays.ms", "200,400");
        settings.addProperty("outbound.retry.delays.ms", "60000");
        settings.addProperty("outbound.max.age.ms", "86400000");
        settings.addProperty("outbound.concurrency", "16");

        PipelineConfiguration configuration = PipelineConfiguration.from(settings);

        assertThat(configuration.stagePolicy().retryDelays()).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(configuration.outboundPolicy().retryDelays()).containsExactly(Duration.ofMinutes(1));
        assertThat(configuration.outboundPolicy().maxAge()).isEqualTo(Duration.ofDays(1));
        assertThat(configuration.outboundPolicy().concurrency()).isEqualTo(16);
        assertThat(configuration.stagePolicy().concurrency()).isEqualTo(4);
    }

    @Test
    void aWrongValueIsReportedWithItsKeyAndWhatIsAccepted() {
        assertThat(errorFor("stage.concurrency", "0")).isEqualTo(
            "pipeline.properties: stage.concurrency='0' is invalid: expected a whole number from 1 to 256");
        assertThat(errorFor("stage.prefetch", "lots")).contains("stage.prefetch='lots'").contains("whole number");
        assertThat(errorFor("queue.type", "stream")).contains("queue.type='stream'").contains("quorum or classic");
        assertThat(errorFor("stage.retry.delays.ms", "1000,soon")).contains("stage.retry.delays.ms='soon'");
        assertThat(errorFor("stage.retry.delays.ms", "1000,-5")).contains("positive durations");
        assertThat(errorFor("publish.confirm.timeout.ms", "0")).contains("publish.confirm.timeout.ms='0'");
        assertThat(errorFor("amqp.uri", "amqp://bad host")).contains("amqp.uri=");
    }

    @Test
    void unknownKeysAreReportedAndRenamedOnesSayTheirNewName() {
        assertThat(errorFor("stage.concurency", "4")).contains("unknown key(s) stage.concurency").contains("stage.concurrency");
        assertThat(errorFor("queue.delivery.limit", "5")).contains("renamed: use stage.delivery.limit");
    }

    @Test
    void theManagementUriIsOffUnlessSetAndMustBeAnHttpUrl() {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty(PipelineConfiguration.MANAGEMENT_URI, "http://admin:secret@127.0.0.1:15672");

        assertThat(PipelineConfiguration.from(new BaseConfiguration()).managementUri()).isEmpty();
        assertThat(PipelineConfiguration.from(settings).managementUri()).hasValueSatisfying(
            uri -> assertThat(uri.getPort()).isEqualTo(15672));
        assertThat(errorFor(PipelineConfiguration.MANAGEMENT_URI, "amqp://127.0.0.1:15672"))
            .contains("amqp.management.uri='amqp://127.0.0.1:15672' is invalid: expected an http:// or https:// URL");
    }

    @Test
    void searchKeysBelongToTheSearchSettings() {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty("search.indexer.concurrency", "2");

        assertThat(PipelineConfiguration.from(settings).stages()).containsExactly("route");
    }

    @Test
    void mailboxKeysBelongToTheServerMain() {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty("mailbox.event.bus", "rabbitmq");

        assertThat(PipelineConfiguration.from(settings).stages()).containsExactly("route");
    }

    @Test
    void onlyOutboundRetriesRepeatAndOutboundKeysBeyondItsPolicyAreLeftToTheOutboundSettings() {
        assertThat(errorFor("stage.retry.repeat.delays.ms", "1000")).contains("stage.retry.repeat.delays.ms");
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty("outbound.retry.repeat.delays.ms", "2000,3000");
        settings.addProperty("outbound.destination.concurrency", "5");

        assertThat(PipelineConfiguration.from(settings).outboundPolicy().repeatDelays())
            .containsExactly(java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(3));
    }

    @Test
    void outboundTlsAndDkimKeysBelongToTheOutboundSecuritySettings() {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty("outbound.tls.required.domains", "example.com");
        settings.addProperty("outbound.dkim.keys", "example.com:s1:conf/dkim.pem");

        assertThat(PipelineConfiguration.from(settings).outboundPolicy()).isEqualTo(QueuePolicy.OUTBOUND_DEFAULTS);
    }

    private static String errorFor(String key, String value) {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty(key, value);
        try {
            PipelineConfiguration.from(settings);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError(key + "=" + value + " was accepted");
    }

    private static PipelineConfiguration withStages(String stages) {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty(PipelineConfiguration.STAGES, stages);
        return PipelineConfiguration.from(settings);
    }
}
