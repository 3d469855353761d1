package dev.jamespipeline.bench;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * A stage mailet that takes {@code millis} per message, standing in for a slow scanner in the
 * decoupling benchmark (benchmarks/accept.sh variant pipeline-slow). Never used outside benchmarks.
 */
public class SlowStage extends GenericMailet {
    private long millis;

    @Override
    public void init() {
        millis = Long.parseLong(getInitParameter("millis", "200"));
    }

    @Override
    public void service(Mail mail) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
