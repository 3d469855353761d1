package dev.jamespipeline.security.quarantine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.Iterator;

import javax.mail.MessagingException;

import org.apache.mailet.MailetConfig;
import org.apache.mailet.MailetContext;
import org.junit.jupiter.api.Test;

class QuarantineMailetTest {
    private static final MailQuarantine UNUSED = (mail, recipients, reason) -> {
        throw new AssertionError("init must fail before any mail");
    };

    @Test
    void aQuarantineWithoutAReasonIsAConfigurationError() {
        for (String reason : new String[] {null, "", "   ", "x".repeat(501)}) {
            assertThatThrownBy(() -> new Quarantine(UNUSED).init(config(reason)))
                .as(String.valueOf(reason))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("<reason>");
        }
    }

    /** A mailet's configuration with {@code reason} as its only parameter (none when null). */
    private static MailetConfig config(String reason) {
        return new MailetConfig() {
            @Override
            public String getInitParameter(String name) {
                return Quarantine.REASON.equals(name) ? reason : null;
            }

            @Override
            public Iterator<String> getInitParameterNames() {
                return reason == null ? Collections.emptyIterator() : Collections.singletonList(Quarantine.REASON).iterator();
            }

            @Override
            public MailetContext getMailetContext() {
                return null;
            }

            @Override
            public String getMailetName() {
                return "Quarantine";
            }
        };
    }
}
