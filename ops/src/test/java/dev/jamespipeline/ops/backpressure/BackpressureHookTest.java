package dev.jamespipeline.ops.backpressure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;

class BackpressureHookTest {
    private static final BackpressureStatus.Reason DEPTH = new BackpressureStatus.Reason("depth", "pipeline.stage.route", 12, 10, 3,
        "451 4.3.2", "pipeline.stage.route holds 12 ready messages (enter 10, leave below 3)");
    private static final BackpressureStatus.Reason DISK = new BackpressureStatus.Reason("store_bytes", "store", 5, 10, 20,
        "452 4.3.1", "the message store has 5 bytes free (enter below 10, leave at 20)");

    @Test
    void rcptIsDeclinedNeverOkWhenAllIsWell() throws Exception {
        HookResult result = new BackpressureHook(() -> BackpressureStatus.NORMAL, 0)
            .doRcpt(null, MaybeSender.nullSender(), new MailAddress("bob@example.com"));

        assertThat(result.getResult()).as("OK would skip James's relay check").isEqualTo(HookReturnCode.declined());
    }

    @Test
    void mailAndRcptAreTempfailedWithTheFirstReasonWhileRefusing() throws Exception {
        BackpressureHook hook = new BackpressureHook(() -> new BackpressureStatus("refusing", null, List.of(DEPTH, DISK)), 0);

        for (HookResult result : List.of(hook.doMail(null, MaybeSender.nullSender()),
                hook.doRcpt(null, MaybeSender.nullSender(), new MailAddress("bob@example.com")))) {
            assertThat(result.getResult()).isEqualTo(HookReturnCode.denySoft());
            assertThat(result.getSmtpRetCode()).isEqualTo("451");
            assertThat(result.getSmtpDescription())
                .isEqualTo("4.3.2 Mail system busy, try again later: pipeline.stage.route holds 12 ready messages (enter 10, leave below 3)");
        }
    }

    @Test
    void aStoreShortOfRoomIs452() {
        HookResult result = new BackpressureHook(() -> new BackpressureStatus("refusing", null, List.of(DISK)), 0)
            .doMail(null, MaybeSender.nullSender());

        assertThat(result.getSmtpRetCode()).isEqualTo("452");
        assertThat(result.getSmtpDescription()).startsWith("4.3.1 ");
    }

    @Test
    void slowingDelaysThenAccepts() {
        HookResult result = new BackpressureHook(() -> new BackpressureStatus("slowing", null, List.of(DEPTH)), 1)
            .doMail(null, MaybeSender.nullSender());

        assertThat(result.getResult()).isEqualTo(HookReturnCode.declined());
    }
}
