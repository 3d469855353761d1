package dev.jamespipeline.server.spool;

import java.io.IOException;
import java.time.Duration;

import javax.inject.Provider;
import javax.mail.MessagingException;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailetcontainer.api.MailProcessor;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * James's {@code spool} queue, processed on the caller's thread: {@code enQueue} runs the mail's
 * processor ({@code root}, whose AnnounceToPipeline stores it and confirms {@code mail.received})
 * and returns only when that is done, or throws. So a bounce, forward or Sieve redirect a stage
 * creates through {@code MailetContext.sendMail} is durable before the stage returns and acks; in
 * James's in-memory spool it would be lost to a crash between that ack and the spooler's turn.
 * Delayed mail (the spooler's own retries) still waits in James's queue.
 */
final class SynchronousSpool implements MailQueue {
    private final MailQueue delayed;
    private final Provider<MailProcessor> mailProcessor;

    SynchronousSpool(MailQueue delayed, Provider<MailProcessor> mailProcessor) {
        this.delayed = delayed;
        this.mailProcessor = mailProcessor;
    }

    @Override
    public MailQueueName getName() {
        return delayed.getName();
    }

    @Override
    public void enQueue(Mail mail, Duration delay) throws MailQueueException {
        if (delay.isNegative() || delay.isZero()) {
            enQueue(mail);
        } else {
            delayed.enQueue(mail, delay);
        }
    }

    @Override
    public void enQueue(Mail mail) throws MailQueueException {
        // The caller keeps and disposes its mail, as with any queue; the processor disposes what it finishes.
        MailImpl copy;
        try {
            copy = MailImpl.duplicate(mail);
        } catch (MessagingException e) {
            throw new MailQueueException("Cannot copy mail " + mail.getName() + " for processing", e);
        }
        try {
            mailProcessor.get().service(copy);
        } catch (Exception e) {
            throw new MailQueueException("Processing mail " + mail.getName() + " failed: " + e.getMessage(), e);
        } finally {
            LifecycleUtil.dispose(copy);
        }
    }

    @Override
    public Publisher<Void> enqueueReactive(Mail mail) {
        return Mono.<Void>fromCallable(() -> {
            enQueue(mail);
            return null;
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Publisher<MailQueueItem> deQueue() {
        return delayed.deQueue();
    }

    @Override
    public void close() throws IOException {
        delayed.close();
    }
}
