package dev.jamespipeline.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

import com.google.inject.AbstractModule;
import com.google.inject.Module;

import dev.jamespipeline.mailets.MailParts;
import dev.jamespipeline.mailets.PipelineAttributes;
import dev.jamespipeline.security.quarantine.MailQuarantine;

/**
 * Stands in for the quarantine while it is built apart from the stages: keeps what a stage gave it (the
 * message's bytes, recipients, reason) in this JVM, where the test James runs. Bound over the server main's
 * modules with {@link #module()}.
 */
final class RecordingQuarantine implements MailQuarantine {
    record Kept(String pipelineId, List<String> recipients, String reason, String message) {
    }

    private final List<Kept> kept = new CopyOnWriteArrayList<>();

    Module module() {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(MailQuarantine.class).toInstance(RecordingQuarantine.this);
            }
        };
    }

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
            message.toString(java.nio.charset.StandardCharsets.ISO_8859_1)));
        return "test-" + pipelineId;
    }

    Optional<Kept> of(String pipelineId) {
        return kept.stream().filter(k -> k.pipelineId().equals(pipelineId)).findFirst();
    }

    long count(String pipelineId) {
        return kept.stream().filter(k -> k.pipelineId().equals(pipelineId)).count();
    }
}
