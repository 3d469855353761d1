package dev.jamespipeline.security.quarantine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

import dev.jamespipeline.mailets.MailParts;
import dev.jamespipeline.mailets.PipelineAttributes;

/**
 * The quarantine as the stages' mailet unit tests see it: keeps, in memory, what a stage gave it (the message as
 * it was then, the recipients, the reason). Integration tests use the real one.
 */
public final class RecordingQuarantine implements MailQuarantine {
    /** @param pipelineId the mail's pipeline id, or its James name outside a stage */
    public record Kept(String pipelineId, List<String> recipients, String reason, String message) {
    }

    private final List<Kept> kept = new CopyOnWriteArrayList<>();

    @Override
    public String quarantine(Mail mail, Collection<MailAddress> recipients, String reason) throws MessagingException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        try {
            MailParts.writeMessage(mail, message);
        } catch (IOException e) {
            throw new MessagingException("cannot keep " + mail.getName(), e);
        }
        String pipelineId = PipelineAttributes.pipelineId(mail).orElse(mail.getName());
        kept.add(new Kept(pipelineId, recipients.stream().map(MailAddress::asString).toList(), reason,
            message.toString(StandardCharsets.ISO_8859_1)));
        return "recorded-" + pipelineId;
    }

    public List<Kept> all() {
        return List.copyOf(kept);
    }

    public Optional<Kept> of(String pipelineId) {
        return kept.stream().filter(k -> k.pipelineId().equals(pipelineId)).findFirst();
    }

    public long count(String pipelineId) {
        return kept.stream().filter(k -> k.pipelineId().equals(pipelineId)).count();
    }
}
