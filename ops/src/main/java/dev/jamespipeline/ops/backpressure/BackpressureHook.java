package dev.jamespipeline.ops.backpressure;

import java.util.Optional;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.RcptHook;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.ops.state.PipelineStateSampler;

/**
 * SMTP backpressure: MAIL and RCPT are answered {@code 451 4.3.2} (or {@code 452 4.3.1} when the message
 * store is short of room) with the reason while the pipeline state sampler's last snapshot says
 * SMTP is refused; while it says slowing, MAIL is answered after {@code backpressure.slowdown.delay.ms}.
 * Otherwise DECLINED: never OK, which would skip the hooks after this one (James's relay check among
 * them). In every {@code <handlerchain>} of smtpserver.xml, before the other hooks.
 * The delay holds the session's I/O thread (James 3.8.1's MAIL hooks are synchronous).
 */
public class BackpressureHook implements MailHook, RcptHook {
    private final Supplier<BackpressureStatus> status;
    private final long slowdownMillis;

    @Inject
    public BackpressureHook(PipelineStateSampler sampler, PipelineConfiguration configuration) {
        this(() -> sampler.current().backpressure(), configuration.backpressure().slowdownDelay().toMillis());
    }

    /** @param status the status now: the sampler's last snapshot's */
    BackpressureHook(Supplier<BackpressureStatus> status, long slowdownMillis) {
        this.status = status;
        this.slowdownMillis = slowdownMillis;
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        BackpressureStatus now = status.get();
        if (now.slowing() && slowdownMillis > 0) {
            try {
                Thread.sleep(slowdownMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            now = status.get();
        }
        return answer(now);
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        return answer(status.get());
    }

    private static HookResult answer(BackpressureStatus status) {
        Optional<BackpressureStatus.Reason> refusal = status.refusal();
        if (refusal.isEmpty()) {
            return HookResult.DECLINED;
        }
        String[] reply = refusal.get().reply().split(" ", 2);
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.denySoft())
            .smtpReturnCode(reply[0])
            .smtpDescription(reply[1] + " Mail system busy, try again later: " + refusal.get().text())
            .build();
    }
}
