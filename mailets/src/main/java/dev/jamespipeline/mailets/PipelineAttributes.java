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

    /** For mailets that only make sense inside a pipeline stage. */
    public static String requirePipelineId(Mail mail, String mailetName) throws javax.mail.MessagingException {
        return pipelineId(mail).orElseThrow(() -> new javax.mail.MessagingException(
            mailetName + " runs only in pipeline stage processors: mail " + mail.getName() + " has no pipeline id"));
    }
}
