package dev.jamespipeline.security.quarantine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.store.BodyWriter;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.core.store.StorageKey;
import dev.jamespipeline.core.store.StorageKeys;
import dev.jamespipeline.core.store.StoredBlob;
import dev.jamespipeline.mailets.PipelineAttributes;
import dev.jamespipeline.mailets.StoredMessageSource;

/**
 * Where quarantined mail is kept. The message's bytes, exactly as the stage left them, in the pipeline's
 * message store (never released while quarantined, so retention never deletes them); its entry in a James mail
 * repository keyed by the quarantine id: the facts (reason, stage, time, envelope, verdicts, the store
 * reference) as attributes, and a copy of the message for James's own tools ({@code /mailRepositories}). That
 * copy is not byte-exact (James's repositories rewrite 8-bit header bytes), so a release reads the store.
 */
public final class QuarantineRepository {
    private static final String PREFIX = "dev.jamespipeline.quarantine.";
    static final AttributeName ID = AttributeName.of(PREFIX + "id");
    static final AttributeName REASON = AttributeName.of(PREFIX + "reason");
    static final AttributeName STAGE = AttributeName.of(PREFIX + "stage");
    static final AttributeName AT = AttributeName.of(PREFIX + "at");
    static final AttributeName ATTEMPT = AttributeName.of(PREFIX + "attempt");
    static final AttributeName STORAGE_KEY = AttributeName.of(PREFIX + "storage.key");
    static final AttributeName STORAGE_SHA256 = AttributeName.of(PREFIX + "storage.sha256");
    static final AttributeName STORAGE_SIZE = AttributeName.of(PREFIX + "storage.size");

    /** One page of the list, ordered by id, and how many there are in all. */
    public record Page(long total, List<QuarantinedMail> entries) {
    }

    private final MailRepositoryStore repositories;
    private final QuarantineSettings settings;
    private final MessageStore store;
    private final EnvelopeCodec codec;
    private volatile MailRepository repository;

    @Inject
    public QuarantineRepository(MailRepositoryStore repositories, QuarantineSettings settings, MessageStore store,
                                EnvelopeCodec codec) {
        this.repositories = repositories;
        this.settings = settings;
        this.store = store;
        this.codec = codec;
    }

    /** Writes the message's bytes (durably) where the quarantine {@code id} keeps them. */
    StoredBlob writeMessage(String id, BodyWriter message) throws IOException {
        return store.write(StorageKeys.quarantine(id), message);
    }

    /** Records the entry, replacing one with the same id; its message must have been written first. */
    void keep(QuarantinedMail entry) throws MessagingException {
        MailImpl.Builder mail = MailImpl.builder()
            .name(entry.id())
            .sender(entry.sender().isEmpty() ? MaybeSender.nullSender() : MaybeSender.of(address(entry.sender())))
            .state(entry.stage())
            .addAttribute(stringAttribute(ID, entry.id()))
            .addAttribute(stringAttribute(REASON, entry.reason()))
            .addAttribute(stringAttribute(STAGE, entry.stage()))
            .addAttribute(stringAttribute(AT, entry.quarantinedAt().toString()))
            .addAttribute(new Attribute(ATTEMPT, AttributeValue.of(entry.attempt())))
            .addAttribute(stringAttribute(STORAGE_KEY, entry.message().key().value()))
            .addAttribute(stringAttribute(STORAGE_SHA256, entry.message().sha256()))
            .addAttribute(new Attribute(STORAGE_SIZE, AttributeValue.of(entry.message().size())))
            .addAttribute(stringAttribute(PipelineAttributes.ENVELOPE,
                new String(codec.encode(entry.envelope()), StandardCharsets.UTF_8)));
        for (String recipient : entry.recipients()) {
            mail.addRecipient(address(recipient));
        }
        if (entry.envelope().clientIp() != null) {
            mail.remoteAddr(entry.envelope().clientIp()).remoteHost(entry.envelope().clientIp());
        }
        MailImpl built = mail.build();
        try {
            PipelineAttributes.setPipelineId(built, entry.pipelineId());
            entry.verdicts().forEach((name, value) -> PipelineAttributes.setVerdict(built, name, value));
            built.setMessageContent(new StoredMessageSource(store, entry.message()));
            repository().store(built);
        } finally {
            built.dispose();
        }
    }

    public Optional<QuarantinedMail> find(String id) throws MessagingException {
        if (!QuarantineIds.isWellFormed(id)) {
            return Optional.empty();
        }
        Mail mail = repository().retrieve(new MailKey(id));
        if (mail == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(mail));
        } finally {
            if (mail instanceof MailImpl impl) {
                impl.dispose();
            }
        }
    }

    /** Entries from {@code offset} (in id order), at most {@code limit}; one that goes meanwhile is skipped. */
    public Page list(int offset, int limit) throws MessagingException {
        List<String> ids = new ArrayList<>();
        for (Iterator<MailKey> keys = repository().list(); keys.hasNext(); ) {
            ids.add(keys.next().asString());
        }
        ids.sort(null);
        List<QuarantinedMail> page = new ArrayList<>();
        int from = Math.min(offset, ids.size());
        int to = (int) Math.min((long) from + limit, ids.size());
        for (String id : ids.subList(from, to)) {
            find(id).ifPresent(page::add);
        }
        return new Page(ids.size(), page);
    }

    public long count() throws MessagingException {
        return repository().size();
    }

    /**
     * Forgets the entry, then releases its message for the store's retention: in this order, so a crash in
     * between leaves a message nothing lists (kept, not lost) rather than an entry whose message is deleted.
     */
    void remove(QuarantinedMail entry) throws MessagingException, IOException {
        repository().remove(new MailKey(entry.id()));
        store.release(entry.message().key());
    }

    private QuarantinedMail read(Mail mail) throws MessagingException {
        try {
            ReceivedEnvelope envelope = PipelineAttributes.envelope(mail, codec, getClass().getSimpleName());
            StoredBlob message = new StoredBlob(new StorageKey(string(mail, STORAGE_KEY)), string(mail, STORAGE_SHA256),
                number(mail, STORAGE_SIZE).longValue());
            List<String> recipients = mail.getRecipients().stream().map(MailAddress::asString).toList();
            return new QuarantinedMail(string(mail, ID), envelope.pipelineId(), string(mail, REASON), string(mail, STAGE),
                mail.getMaybeSender().asString(""), recipients, Instant.parse(string(mail, AT)),
                number(mail, ATTEMPT).intValue(), PipelineAttributes.verdicts(mail, envelope), envelope, message);
        } catch (RuntimeException | MessagingException e) {
            throw new MessagingException("quarantine entry " + mail.getName() + " in " + settings.repository().asString()
                + " is not one the quarantine wrote: " + e.getMessage(), e);
        }
    }

    private MailRepository repository() throws MessagingException {
        MailRepository selected = repository;
        if (selected == null) {
            try {
                selected = repositories.select(settings.repository());
            } catch (MailRepositoryStore.MailRepositoryStoreException e) {
                throw new MessagingException("mail repository " + settings.repository().asString() + " ("
                    + QuarantineSettings.REPOSITORY_URL + "): " + e.getMessage(), e);
            }
            repository = selected;
        }
        return selected;
    }

    private static Attribute stringAttribute(AttributeName name, String value) {
        return new Attribute(name, AttributeValue.of(value));
    }

    private static String string(Mail mail, AttributeName name) {
        return mail.getAttribute(name).map(attribute -> attribute.getValue().value())
            .filter(String.class::isInstance).map(String.class::cast)
            .orElseThrow(() -> new IllegalStateException("attribute " + name.asString() + " is missing"));
    }

    private static Number number(Mail mail, AttributeName name) {
        return mail.getAttribute(name).map(attribute -> attribute.getValue().value())
            .filter(Number.class::isInstance).map(Number.class::cast)
            .orElseThrow(() -> new IllegalStateException("attribute " + name.asString() + " is missing"));
    }

    private static MailAddress address(String address) throws MessagingException {
        try {
            return new MailAddress(address);
        } catch (AddressException e) {
            throw new MessagingException("'" + address + "' is not a mail address", e);
        }
    }
}
