package dev.jamespipeline.server.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.commons.configuration2.BaseConfiguration;
import org.junit.jupiter.api.Test;

class MailboxEventBusChoiceTest {

    @Test
    void theInVmBusIsTheDefault() {
        assertThat(MailboxEventBusChoice.from(new BaseConfiguration())).isEqualTo(MailboxEventBusChoice.LOCAL);
    }

    @Test
    void rabbitmqChoosesTheDistributedBus() {
        assertThat(MailboxEventBusChoice.from(settings("mailbox.event.bus", "rabbitmq"))).isEqualTo(MailboxEventBusChoice.RABBITMQ);
        assertThat(MailboxEventBusChoice.from(settings("mailbox.event.bus", "local"))).isEqualTo(MailboxEventBusChoice.LOCAL);
    }

    @Test
    void anotherValueIsRefusedNamingTheKeyAndTheChoices() {
        assertThatThrownBy(() -> MailboxEventBusChoice.from(settings("mailbox.event.bus", "kafka")))
            .hasMessageContaining("mailbox.event.bus")
            .hasMessageContaining("kafka")
            .hasMessageContaining("local or rabbitmq");
    }

    @Test
    void aMisspelledMailboxKeyIsRefused() {
        assertThatThrownBy(() -> MailboxEventBusChoice.from(settings("mailbox.events.bus", "rabbitmq")))
            .hasMessageContaining("mailbox.events.bus");
    }

    private static BaseConfiguration settings(String key, String value) {
        BaseConfiguration conf = new BaseConfiguration();
        conf.addProperty(key, value);
        return conf;
    }
}
