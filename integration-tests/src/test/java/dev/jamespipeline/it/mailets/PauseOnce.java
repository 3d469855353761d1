package dev.jamespipeline.it.mailets;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Test-only mailet: the first mail whose subject contains the {@code subject} parameter holds its
 * stage consumer thread until the test releases it, so the test can break something between two
 * steps of a stage. Each {@code subject} is its own pause, so one processor can hold twice.
 * Static state is deliberate: James instantiates the mailet, the test drives it.
 */
public class PauseOnce extends GenericMailet {
    private static final Map<String, Pause> PAUSES = new ConcurrentHashMap<>();

    private record Pause(AtomicBoolean used, CountDownLatch reached, CountDownLatch release, AtomicReference<String> thread) {
        Pause() {
            this(new AtomicBoolean(), new CountDownLatch(1), new CountDownLatch(1), new AtomicReference<>());
        }
    }

    @Override
    public void service(Mail mail) throws javax.mail.MessagingException {
        String subject = mail.getMessage().getSubject();
        String pauseSubject = getInitParameter("subject");
        Pause pause = pause(pauseSubject);
        if (subject != null && subject.contains(pauseSubject) && pause.used().compareAndSet(false, true)) {
            pause.thread().set(Thread.currentThread().getName());
            pause.reached().countDown();
            try {
                pause.release().await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Pause pause(String subject) {
        return PAUSES.computeIfAbsent(subject, any -> new Pause());
    }

    public static boolean awaitReached(String subject, long seconds) throws InterruptedException {
        return pause(subject).reached().await(seconds, TimeUnit.SECONDS);
    }

    /** The name of the thread the pause held, once reached. */
    public static String heldThread(String subject) {
        return pause(subject).thread().get();
    }

    public static void release(String subject) {
        pause(subject).release().countDown();
    }
}
