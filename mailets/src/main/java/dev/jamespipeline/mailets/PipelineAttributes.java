package dev.jamespipeline.mailets;

import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

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

    /** True when this stage attempt is its last: see {@link #LAST_ATTEMPT}. Outside a stage: true. */
    public static boolean isLastAttempt(Mail mail) {
        return mail.getAttribute(LAST_ATTEMPT)
            .map(attribute -> attribute.getValue().value())
            .map(Boolean.TRUE::equals)
            .orElse(true);
    }

    /** For mailets that only make sense inside a pipeline stage. */
    public static String requirePipelineId(Mail mail, String mailetName) throws javax.mail.MessagingException {
        return pipelineId(mail).orElseThrow(() -> new javax.mail.MessagingException(
            mailetName + " runs only in pipeline stage processors: mail " + mail.getName() + " has no pipeline id"));
    }
}
