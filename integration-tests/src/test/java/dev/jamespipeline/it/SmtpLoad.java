package dev.jamespipeline.it;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Mail offered on several SMTP sessions at once, one message after another on each, until stopped:
 * counts what was accepted (250) and what was tempfailed (4xx at MAIL, RCPT or after DATA).
 */
final class SmtpLoad implements AutoCloseable {
    /** After a tempfail, as a sending MTA would, the session waits before offering again (here briefly). */
    private static final long PAUSE_AFTER_TEMPFAIL_MS = 100;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong tempfailed = new AtomicLong();
    private final AtomicReference<String> firstTempfail = new AtomicReference<>();
    private final List<Thread> sessions = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();

    private SmtpLoad() {
    }

    static SmtpLoad start(SmtpSender smtp, int sessions, String from, String to) {
        SmtpLoad load = new SmtpLoad();
        for (int session = 0; session < sessions; session++) {
            String name = "smtp-load-" + session;
            Thread thread = new Thread(() -> load.offer(smtp, name, from, to), name);
            thread.setDaemon(true);
            load.sessions.add(thread);
            thread.start();
        }
        return load;
    }

    private void offer(SmtpSender smtp, String session, String from, String to) {
        long sent = 0;
        while (running.get()) {
            try {
                SmtpReply reply = smtp.offer(from, "load " + session + " " + sent++, "offered under load", to);
                if (reply.accepted()) {
                    accepted.incrementAndGet();
                } else if (reply.code() / 100 == 4) {
                    firstTempfail.compareAndSet(null, reply.text());
                    countTempfailAndWait();
                } else {
                    throw new IllegalStateException("neither accepted nor tempfailed: " + reply);
                }
            } catch (IOException | RuntimeException e) {
                record(e);
                return;
            }
        }
    }

    private void countTempfailAndWait() {
        tempfailed.incrementAndGet();
        try {
            Thread.sleep(PAUSE_AFTER_TEMPFAIL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    private synchronized void record(Throwable failure) {
        failures.add(failure);
    }

    long accepted() {
        return accepted.get();
    }

    long tempfailed() {
        return tempfailed.get();
    }

    /** The first tempfail's reply ("451 4.3.2 ..."), null if none came. */
    String firstTempfail() {
        return firstTempfail.get();
    }

    /** What went wrong other than a tempfail (a session stops at its first). */
    synchronized List<Throwable> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread session : sessions) {
            session.join(35_000);
        }
    }
}
