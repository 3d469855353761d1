package dev.jamespipeline.mailets;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.InvalidEnvelopeException;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;

/** Mail attributes the stage consumer sets before running a stage processor. */
public final class PipelineAttributes {
    public static final AttributeName PIPELINE_ID = AttributeName.of("dev.jamespipeline.id");
    /** The envelope (JSON) the stage was started with; {@link PassToNextStage} builds the next one from it. */
    public static final AttributeName ENVELOPE = AttributeName.of("dev.jamespipeline.envelope");
    /** Mailets record verdicts as String attributes named with this prefix; they travel to later stages. */
    public static final String VERDICT_PREFIX = "dev.jamespipeline.verdict.";
    /** Failed attempts of this stage so far (Integer): 0 the first time. */
    public static final AttributeName ATTEMPT = AttributeName.of("dev.jamespipeline.attempt");
    /**
     * Boolean: no retry is left after this attempt. A mailet that would fail for want of a service (a
     * scanner down) applies its failure policy now instead of failing the stage into the dead-letter queue.
     */
    public static final AttributeName LAST_ATTEMPT = AttributeName.of("dev.jamespipeline.last-attempt");

    private PipelineAttributes() {
    }

    public static void setPipelineId(Mail mail, String pipelineId) {
        mail.setAttribute(new Attribute(PIPELINE_ID, AttributeValue.of(pipelineId)));
    }

    public static Optional<String> pipelineId(Mail mail) {
        return mail.getAttribute(PIPELINE_ID)
            .map(attribute -> attribute.getValue().value())
            .filter(String.class::isInstance)
            .map(String.class::cast);
    }

    /** Records a verdict (for example "spf" → "pass"): the next stages see it, as an attribute and in the envelope. */
    public static void setVerdict(Mail mail, String name, String value) {
        mail.setAttribute(new Attribute(AttributeName.of(VERDICT_PREFIX + name), AttributeValue.of(value)));
    }

    /** A verdict this stage or an earlier one recorded. */
    public static Optional<String> verdict(Mail mail, String name) {
        return mail.getAttribute(AttributeName.of(VERDICT_PREFIX + name))
            .map(attribute -> attribute.getValue().value())
            .filter(String.class::isInstance)
            .map(String.class::cast);
    }

    /** The envelope this stage started with; fails outside a stage processor or when the attribute is not an envelope. */
    public static ReceivedEnvelope envelope(Mail mail, EnvelopeCodec codec, String mailetName) throws MessagingException {
        Object json = mail.getAttribute(ENVELOPE).map(attribute -> attribute.getValue().value()).orElse(null);
        if (!(json instanceof String text)) {
            throw new MessagingException(mailetName + " runs only in pipeline stage processors");
        }
        try {
            return codec.decodeReceived(text.getBytes(StandardCharsets.UTF_8));
        } catch (InvalidEnvelopeException e) {
            throw new MessagingException("Stage envelope attribute is invalid: " + e.getMessage(), e);
        }
    }

    /** The verdicts for the next stage: the envelope's, overridden by those recorded as attributes since. */
    public static Map<String, String> verdicts(Mail mail, ReceivedEnvelope current) {
        Map<String, String> verdicts = new HashMap<>(current.verdicts());
        mail.attributes()
            .filter(attribute -> attribute.getName().asString().startsWith(VERDICT_PREFIX))
            .forEach(attribute -> verdicts.put(attribute.getName().asString().substring(VERDICT_PREFIX.length()),
                String.valueOf(attribute.getValue().value())));
        return verdicts;
    }

    /** True when this stage attempt is its last: see {@link #LAST_ATTEMPT}. Outside a stage: true. */
    public static boolean isLastAttempt(Mail mail) {
        return mail.getAttribute(LAST_ATTEMPT)
            .map(attribute -> attribute.getValue().value())
            .map(Boolean.TRUE::equals)
            .orElse(true);
    }

    /** For mailets that only make sense inside a pipeline stage. */
    public static String requirePipelineId(Mail mail, String mailetName) throws MessagingException {
        return pipelineId(mail).orElseThrow(() -> new MessagingException(
            mailetName + " runs only in pipeline stage processors: mail " + mail.getName() + " has no pipeline id"));
    }
}
