package dev.jamespipeline.it.mailets;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import dev.jamespipeline.mailets.PipelineAttributes;

/** Test-only stand-in for a scanner: records verdict {@code name} = {@code value} the way stages pass them on. */
public class SetVerdict extends GenericMailet {
    @Override
    public void service(Mail mail) {
        mail.setAttribute(new Attribute(AttributeName.of(PipelineAttributes.VERDICT_PREFIX + getInitParameter("name")),
            AttributeValue.of(getInitParameter("value"))));
    }
}
