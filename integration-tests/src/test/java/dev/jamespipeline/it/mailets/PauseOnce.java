package dev.jamespipeline.it.mailets;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Test-only mailet: the first mail whose subject contains the {@code subject} parameter holds its
 * stage consumer thread until the
 * test releases it, so the test can break the consumer's connection between work and ack.
 * Static state is deliberate: James instantiates the mailet, the test drives it.
 */
public class PauseOnce extends GenericMailet {
    private static final AtomicBoolean USED = new AtomicBoolean();
    private static final CountDownLatch REACHED = new CountDownLatch(1);
    private static final CountDownLatch RELEASE = new CountDownLatch(1);

    @Override
    public void service(Mail mail) throws javax.mail.MessagingException {
        String subject = mail.getMessage().getSubject();
        if (subject != null && subject.contains(getInitParameter("subject")) && USED.compareAndSet(false, true)) {
            REACHED.countDown();
            try {
                RELEASE.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static boolean awaitReached(long seconds) throws InterruptedException {
        return REACHED.await(seconds, TimeUnit.SECONDS);
    }

    public static void release() {
        RELEASE.countDown();
    }
}
