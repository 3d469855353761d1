package dev.jamespipeline.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.HostAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.envelope.MailBounced;
import dev.jamespipeline.core.envelope.OutboundJob;
import dev.jamespipeline.core.envelope.SmtpDeliveryResult;
import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;
import dev.jamespipeline.core.outbound.WaitingJobs;
import dev.jamespipeline.core.runtime.Outcome;
import dev.jamespipeline.core.runtime.QueuePolicy;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.core.store.StorageKey;
import dev.jamespipeline.core.store.StoredBlob;
import dev.jamespipeline.dsn.DeliveryStatusNotices;
import dev.jamespipeline.mailets.StoredMessageSource;
import dev.jamespipeline.outbound.security.dkim.DkimSignatures;
import dev.jamespipeline.outbound.security.dkim.DkimSigner;
import dev.jamespipeline.outbound.security.tls.DomainTlsPolicy;
import dev.jamespipeline.outbound.security.tls.OutboundTlsPolicy;
import dev.jamespipeline.outbound.security.tls.TlsOutcome;
import dev.jamespipeline.outbound.security.tls.TlsRequirement;

/**
 * One attempt of one outbound job: the recipients the ledger does not yet have an outcome for,
 * grouped by domain, each domain in one SMTP transaction (MX hosts tried in order until one
 * answers), a result per recipient. Delivered recipients are recorded in the ledger at once, so a
 * crash repeats at most the transaction in flight; permanent failures are recorded after their
 * DSN, so a crash repeats the DSN (same derived id, dropped) rather than losing it. The job is
 * retried while recipients are pending; once none is, its stored message is released.
 */
final class OutboundDelivery {
    private static final Logger LOGGER = LoggerFactory.getLogger(OutboundDelivery.class);

    private final MessageStore store;
    private final DeliveryLedger ledger;
    private final MxResolver resolver;
    private final SmtpTransaction smtp;
    private final DestinationLimits limits;
    private final OutboundTlsPolicy tls;
    private final DkimSigner dkim;
    private final DeliveryStatusNotices notices;
    private final EventPublisher events;
    private final WaitingJobs waiting;
    private final QueuePolicy policy;
    private final Duration delayWarning;
    private final Clock clock;

    OutboundDelivery(MessageStore store, DeliveryLedger ledger, MxResolver resolver, SmtpTransaction smtp,
                     DestinationLimits limits, OutboundTlsPolicy tls, DkimSigner dkim, DeliveryStatusNotices notices,
                     EventPublisher events, WaitingJobs waiting, QueuePolicy policy, Duration delayWarning, Clock clock) {
        this.store = store;
        this.ledger = ledger;
        this.resolver = resolver;
        this.smtp = smtp;
        this.limits = limits;
        this.tls = tls;
        this.dkim = dkim;
        this.notices = notices;
        this.events = events;
        this.waiting = waiting;
        this.policy = policy;
        this.delayWarning = delayWarning;
        this.clock = clock;
    }

    /**
     * @param attempt    failed attempts before this one (the delivery's count)
     * @param generation the copy of the job this delivery is ({@link WaitingJobs})
     */
    Outcome attempt(OutboundJob job, int attempt, int generation) throws Exception {
        // Only a job that was deferred has a record, and only a record can hold an operator's request or a newer
        // generation: a first attempt of the first copy (most jobs) spares the lookups.
        boolean mayHaveRecord = attempt > 0 || generation > 0;
        Optional<WaitingJobs.WaitingJob> state = mayHaveRecord ? waiting.find(job.jobId()) : Optional.empty();
        // An operator's copy (a higher generation) may run before its generation is recorded: only lower ones are stale.
        if (state.isPresent() && generation < state.get().generation()) {
            LOGGER.info("Outbound job {}: copy {} superseded by copy {} (an operator's retry); dropped", job.jobId(),
                generation, state.get().generation());
            return Outcome.DONE;
        }
        List<String> pending = pending(job);
        if (pending.isEmpty()) {
            // A repeat of a finished job (redelivered, or published twice): nothing is sent again.
            finish(job);
            return Outcome.DONE;
        }
        WaitingJobs.Request request = state.isPresent() ? waiting.requestFor(job.jobId()) : WaitingJobs.Request.NONE;
        if (request == WaitingJobs.Request.DELETE) {
            for (String recipient : pending) {
                ledger.record(job.jobId(), LedgerEntry.remoteFailed(recipient));
            }
            LOGGER.warn("Outbound job {} deleted by an operator; {} not delivered, no DSN", job.jobId(), pending);
            finish(job);
            return Outcome.DONE;
        }
        if (request == WaitingJobs.Request.BOUNCE) {
            bounce(job, pending.stream().map(r -> RecipientResult.local(r, RecipientResult.Kind.PERMFAIL, "5.0.0",
                "delivery cancelled by the postmaster" + lastError(state), "")).toList(), "operator");
            finish(job);
            return Outcome.DONE;
        }
        Instant now = clock.instant();
        boolean expired = Duration.between(job.createdAt(), now).compareTo(policy.maxAge()) >= 0;
        List<RecipientResult> results = new ArrayList<>();
        MimeMessage message = expired ? null : load(job);
        for (Map.Entry<String, List<String>> domain : byDomain(pending).entrySet()) {
            List<RecipientResult> domainResults = expired
                ? expire(domain.getValue(), state)
                : deliverToDomain(job, attempt, domain.getKey(), domain.getValue(), message);
            for (RecipientResult result : domainResults) {
                if (result.kind() == RecipientResult.Kind.DELIVERED) {
                    ledger.record(job.jobId(), LedgerEntry.remoteDelivered(result.recipient()));
                }
            }
            results.addAll(domainResults);
        }
        List<RecipientResult> failed = new ArrayList<>(results.stream().filter(r -> r.kind() == RecipientResult.Kind.PERMFAIL).toList());
        List<RecipientResult> deferred = results.stream().filter(r -> r.kind() == RecipientResult.Kind.TEMPFAIL).toList();
        if (!deferred.isEmpty() && Duration.between(job.createdAt(), clock.instant()).compareTo(policy.maxAge()) >= 0) {
            // Its lifetime ended during this attempt: no retry is due any more (as Postfix, bounced at the deferral).
            deferred.forEach(r -> failed.add(RecipientResult.local(r.recipient(), RecipientResult.Kind.PERMFAIL, "4.4.7",
                expiredReason() + "; last error: " + r.diagnostic(), r.mx())));
            deferred = List.of();
        }
        if (!failed.isEmpty()) {
            bounce(job, failed, "attempt-" + attempt);
        }
        if (deferred.isEmpty()) {
            finish(job);
            return Outcome.DONE;
        }
        warnOnceIfLate(job, deferred, now);
        Duration delay = policy.delayAfter(attempt, job.jobId()).orElse(Duration.ZERO);
        String lastError = deferred.get(0).diagnostic();
        waiting.save(new WaitingJobs.WaitingJob(job, deferred.stream().map(RecipientResult::domain).distinct().toList(),
            deferred.stream().map(RecipientResult::recipient).toList(), attempt + 1, clock.instant().plus(delay), lastError,
            generation));
        return Outcome.retry(deferred.size() + " recipient(s) deferred: " + lastError);
    }

    /** The runtime gives up on the job (it failed with an exception past its lifetime): its pending recipients bounce. */
    void giveUp(OutboundJob job, String reason) throws Exception {
        List<String> pending = pending(job);
        if (!pending.isEmpty()) {
            bounce(job, pending.stream().map(r -> RecipientResult.local(r, RecipientResult.Kind.PERMFAIL, "4.4.7", reason, ""))
                .toList(), "given-up");
        }
        finish(job);
    }

    private List<RecipientResult> deliverToDomain(OutboundJob job, int attempt, String domain, List<String> recipients,
                                                  MimeMessage message) throws Exception {
        limits.acquire(domain);
        try {
            Instant started = clock.instant();
            MxResolver.Resolution resolution = resolver.resolve(domain);
            if (resolution instanceof MxResolver.Hosts hosts) {
                return overHosts(job, attempt, domain, recipients, message, hosts.hosts());
            }
            boolean permanent = resolution instanceof MxResolver.Permanent;
            String reason = resolution instanceof MxResolver.Permanent p ? p.reason() : ((MxResolver.Temporary) resolution).reason();
            String status = resolution instanceof MxResolver.Permanent p ? p.status() : "4.4.3";
            publish(job, attempt, domain, "", permanent ? "permfail" : "tempfail", recipients, reason, Optional.empty(), started);
            RecipientResult.Kind kind = permanent ? RecipientResult.Kind.PERMFAIL : RecipientResult.Kind.TEMPFAIL;
            return recipients.stream().map(r -> RecipientResult.local(r, kind, status, reason, "")).toList();
        } finally {
            limits.release(domain);
        }
    }

    private List<RecipientResult> overHosts(OutboundJob job, int attempt, String domain, List<String> recipients,
                                            MimeMessage message, List<HostAddress> hosts) {
        DomainTlsPolicy domainTls = tls.forDomain(domain);
        String lastFailure = "";
        String lastMx = "";
        for (HostAddress host : hosts) {
            Instant started = clock.instant();
            TlsRequirement requirement = domainTls.requirementFor(host.getHostName());
            lastMx = requirement.mxHost();
            if (!requirement.mayUseMx()) {
                // Not connected at all; temporary, as RFC 8461 section 5.1 asks (the policy is looked up again next time).
                lastFailure = "the TLS policy refuses " + requirement.mxHost() + ": " + requirement.reason();
                publish(job, attempt, domain, host.getHostName(), "tempfail", recipients, lastFailure,
                    Optional.of(OutboundTlsPolicy.refusedOutcome(requirement)), started);
                continue;
            }
            SmtpTransaction.Attempt sent = smtp.send(host, job.sender(), recipients, message, tls.sessionFor(requirement));
            publish(job, attempt, domain, host.getHostName(), resultOf(sent), recipients, sent.lastReply(), sent.tls(), started);
            if (sent.hostFailure().isEmpty()) {
                return sent.results();
            }
            lastFailure = sent.hostFailure().get();
            LOGGER.info("Outbound job {}: {} failed for {}, trying the next host: {}", job.jobId(), host.getHostName(),
                domain, lastFailure);
        }
        String mx = lastMx;
        String reason = "no MX host of " + domain + " took the message; last: " + lastFailure;
        return recipients.stream().map(r -> RecipientResult.local(r, RecipientResult.Kind.TEMPFAIL, "4.4.1", reason, mx)).toList();
    }

    private static String resultOf(SmtpTransaction.Attempt sent) {
        if (sent.hostFailure().isPresent()) {
            return "tempfail";
        }
        List<RecipientResult.Kind> kinds = sent.results().stream().map(RecipientResult::kind).distinct().toList();
        return kinds.size() > 1 ? "partial" : switch (kinds.get(0)) {
            case DELIVERED -> "delivered";
            case TEMPFAIL -> "tempfail";
            case PERMFAIL -> "permfail";
        };
    }

    private List<RecipientResult> expire(List<String> recipients, Optional<WaitingJobs.WaitingJob> state) {
        String reason = expiredReason() + lastError(state);
        return recipients.stream().map(r -> RecipientResult.local(r, RecipientResult.Kind.PERMFAIL, "4.4.7", reason, "")).toList();
    }

    private String expiredReason() {
        return "delivery time expired: not delivered within " + policy.maxAge();
    }

    private static String lastError(Optional<WaitingJobs.WaitingJob> state) {
        return state.map(job -> "; last error: " + job.lastError()).orElse("");
    }

    private void bounce(OutboundJob job, List<RecipientResult> failed, String discriminator) throws Exception {
        String noticeId = "";
        if (!job.sender().isEmpty()) {
            noticeId = notices.send(new DeliveryStatusNotices.Notice(job.pipelineId(),
                "outbound-bounce:" + discriminator + ":" + failed.stream().map(RecipientResult::recipient).sorted().toList(),
                DeliveryStatusNotices.Action.FAILED, job.sender(), domainOf(job.sender()), job.createdAt(),
                new StorageKey(job.storage().key()),
                "Your message could not be delivered to one or more recipients. It will not be tried again.",
                failed.stream().map(OutboundDelivery::statusOf).toList())).orElse("");
        }
        for (RecipientResult result : failed) {
            ledger.record(job.jobId(), LedgerEntry.remoteFailed(result.recipient()));
        }
        LOGGER.warn("Outbound job {}: gave up on {} ({}); notice {}", job.jobId(),
            failed.stream().map(RecipientResult::recipient).toList(), failed.get(0).diagnostic(), noticeId.isEmpty() ? "none" : noticeId);
        try {
            events.bounced(new MailBounced(MailBounced.VERSION, job.jobId(), job.pipelineId(), job.sender(),
                failed.stream().map(r -> new MailBounced.Recipient(r.recipient(), r.status(), r.diagnostic())).toList(),
                noticeId, clock.instant()));
        } catch (PublishException e) {
            LOGGER.warn("Outbound job {}: mail.bounced not published: {}", job.jobId(), e.getMessage());
        }
    }

    private void warnOnceIfLate(OutboundJob job, List<RecipientResult> deferred, Instant now) throws Exception {
        if (delayWarning.isZero() || job.sender().isEmpty()
            || Duration.between(job.createdAt(), now).compareTo(delayWarning) < 0
            || ledger.contains(job.jobId(), LedgerEntry.delayWarned(job.sender()))) {
            return;
        }
        notices.send(new DeliveryStatusNotices.Notice(job.pipelineId(), "outbound-delay-warning",
            DeliveryStatusNotices.Action.DELAYED, job.sender(), domainOf(job.sender()), job.createdAt(),
            new StorageKey(job.storage().key()),
            "Your message has not been delivered yet to the recipients below; it is still being retried, for up to "
                + policy.maxAge().toHours() + " hours after it was sent. You do not need to send it again.",
            deferred.stream().map(OutboundDelivery::statusOf).toList()));
        ledger.record(job.jobId(), LedgerEntry.delayWarned(job.sender()));
    }

    private static DeliveryStatusNotices.RecipientStatus statusOf(RecipientResult result) {
        return new DeliveryStatusNotices.RecipientStatus(result.recipient(), result.status(), result.diagnostic(),
            result.mx().isEmpty() ? Optional.empty() : Optional.of(result.mx()));
    }

    private void publish(OutboundJob job, int attempt, String domain, String mx, String result, List<String> recipients,
                         String reply, Optional<TlsOutcome> tls, Instant started) {
        Instant now = clock.instant();
        try {
            // Without a TLS outcome (no MX, or no greeting from it) the policy fields say none, as SmtpDeliveryResult documents.
            events.deliveryResult(new SmtpDeliveryResult(SmtpDeliveryResult.VERSION, job.jobId(), job.pipelineId(), domain,
                mx, result, recipients, reply == null ? "" : reply.trim(),
                tls.map(TlsOutcome::starttlsOffered).orElse(false), tls.map(TlsOutcome::starttlsUsed).orElse(false),
                tls.map(TlsOutcome::tlsVersion).orElse(""), tls.map(o -> o.policy().label()).orElse("none"),
                tls.map(o -> o.result().tlsRptType()).orElse(""), attempt + 1,
                Duration.between(started, now).toMillis(), now));
        } catch (PublishException e) {
            // Telemetry: losing one event must not fail (and so repeat) a delivery.
            LOGGER.warn("Outbound job {}: smtp.delivery.result not published: {}", job.jobId(), e.getMessage());
        }
    }

    /** Recipients with no outcome in the ledger yet. */
    private List<String> pending(OutboundJob job) throws IOException {
        List<String> pending = new ArrayList<>();
        for (String recipient : job.recipients()) {
            String address = recipient.toLowerCase(Locale.ROOT);
            if (!pending.contains(address)
                && !ledger.contains(job.jobId(), LedgerEntry.remoteDelivered(address))
                && !ledger.contains(job.jobId(), LedgerEntry.remoteFailed(address))) {
                pending.add(address);
            }
        }
        return pending;
    }

    private static Map<String, List<String>> byDomain(List<String> recipients) {
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        for (String recipient : recipients) {
            byDomain.computeIfAbsent(domainOf(recipient), domain -> new ArrayList<>()).add(recipient);
        }
        return byDomain;
    }

    private static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    private MimeMessage load(OutboundJob job) throws IOException, MessagingException {
        StoredBlob blob = new StoredBlob(new StorageKey(job.storage().key()), job.storage().sha256(), job.storage().size());
        store.verify(blob);
        // Streamed from the store unchanged: the message goes out byte for byte as it was routed, behind its DKIM signatures.
        MimeMessageSource stored = new StoredMessageSource(store, blob);
        if (!dkim.hasKeys()) {
            return new MimeMessageWrapper(stored);
        }
        DkimSignatures signatures;
        try (InputStream raw = stored.getInputStream()) {
            signatures = dkim.sign(raw);
        }
        if (!signatures.signed()) {
            LOGGER.debug("Outbound job {}: not DKIM-signed: {}", job.jobId(), signatures.unsignedReason());
            return new MimeMessageWrapper(stored);
        }
        return new MimeMessageWrapper(new SignedSource(stored, signatures));
    }

    /** The stored message with its DKIM-Signature fields in front, signed once for every domain it goes to. */
    private record SignedSource(MimeMessageSource stored, DkimSignatures signatures) implements MimeMessageSource {
        @Override
        public String getSourceId() {
            return stored.getSourceId() + ":dkim";
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return signatures.prependTo(stored.getInputStream());
        }

        @Override
        public long getMessageSize() throws IOException {
            return signatures.headerFields().length + stored.getMessageSize();
        }
    }

    private void finish(OutboundJob job) throws IOException {
        store.release(new StorageKey(job.storage().key()));
        waiting.remove(job.jobId());
    }
}
