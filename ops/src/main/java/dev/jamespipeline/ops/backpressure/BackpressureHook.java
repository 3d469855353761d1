package dev.jamespipeline.ops.backpressure;

import java.util.Optional;

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
    private final PipelineStateSampler sampler;
    private final long slowdownMillis;

    @Inject
    public BackpressureHook(PipelineStateSampler sampler, PipelineConfiguration configuration) {
        this.sampler = sampler;
        this.slowdownMillis = configuration.backpressure().slowdownDelay().toMillis();
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        BackpressureStatus status = sampler.current().backpressure();
        if (status.slowing() && slowdownMillis > 0) {
            try {
                Thread.sleep(slowdownMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            status = sampler.current().backpressure();
        }
        return answer(status);
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        return answer(sampler.current().backpressure());
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
