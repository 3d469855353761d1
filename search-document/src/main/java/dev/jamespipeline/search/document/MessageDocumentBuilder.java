package dev.jamespipeline.search.document;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.james.mime4j.MimeIOException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.util.MimeUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.search.document.MessageDocument.Address;
import dev.jamespipeline.search.document.MessageDocument.Header;

/**
 * Turns a stored message (its raw RFC 5322 bytes) and what its mailbox knows about it into the
 * {@link MessageDocument} the index holds. Broken mail is read leniently: a bad address, date or
 * charset loses that value, never the document. Mail beyond the MIME parsing bounds (header
 * fields per part, header and line length, nesting of parts) is refused with an
 * {@link IOException} that says so: the caller dead-letters it with that reason.
 *
 * <p>Thread-safe. The message is parsed in memory: its size is bounded by James's own limit.
 */
public final class MessageDocumentBuilder {

    private static final Logger LOGGER = LoggerFactory.getLogger(MessageDocumentBuilder.class);

    /**
     * Lenient parsing (mime4j's default) within bounds that stop a hostile header section from
     * costing unbounded work: real mail has tens of fields, and long To or References fields
     * reach tens of kilobytes.
     */
    private static final MimeConfig MIME_BOUNDS = MimeConfig.custom()
        .setMaxHeaderCount(1_000)
        .setMaxHeaderLen(1024 * 1024)
        .setMaxLineLen(1024 * 1024)
        .build();

    /** Multipart and message levels; see {@link #refuseDeepNesting}. */
    private static final int MAX_MIME_DEPTH = 100;

    private final AttachmentTextExtractor extractor;
    private final Clock clock;

    /** @param clock gives {@link MessageDocument#indexedAt()} */
    public MessageDocumentBuilder(AttachmentTextExtractor extractor, Clock clock) {
        this.extractor = Objects.requireNonNull(extractor, "extractor");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param rawMessage the message as stored; read to its end, not closed
     * @throws IOException when the stream fails, or the message is beyond the MIME parsing bounds
     */
    public MessageDocument build(InputStream rawMessage, MailboxFacts facts) throws IOException {
        Objects.requireNonNull(rawMessage, "rawMessage");
        Objects.requireNonNull(facts, "facts");
        String documentId = facts.documentId();
        byte[] raw = rawMessage.readAllBytes();
        // Bodies live in memory (mime4j's BasicBodyFactory): nothing to dispose of afterwards.
        Message message = parse(new ByteArrayInputStream(raw), documentId);
        refuseDeepNesting(message, documentId);
        MessageContent content = MessageContent.of(message, extractor, documentId);
        if (content.skippedAttachments() > 0) {
            LOGGER.warn("{}: {} attachments beyond the limit of {} are not indexed",
                documentId, content.skippedAttachments(), extractor.limits().maxAttachments());
        }
        return new MessageDocument(
            facts.user(), facts.mailboxId(), facts.uid(), facts.messageId(), facts.threadId(), facts.modSeq(),
            facts.flags(), facts.internalDate(), sentDate(message), facts.size(),
            headers(message),
            addresses("From", message::getFrom, documentId),
            addresses("To", () -> flatten(message.getTo()), documentId),
            addresses("Cc", () -> flatten(message.getCc()), documentId),
            addresses("Bcc", () -> flatten(message.getBcc()), documentId),
            Optional.ofNullable(message.getSubject()).map(String::trim).orElse(""),
            Optional.ofNullable(message.getMessageId()).map(String::trim).filter(id -> !id.isEmpty()),
            content.bodyText(),
            content.attachments(),
            ScanFieldsReader.read(raw, extractor.limits().maxOutputChars()),
            clock.instant());
    }

    private static Message parse(InputStream rawMessage, String documentId) throws IOException {
        DefaultMessageBuilder builder = new DefaultMessageBuilder();
        builder.setMimeEntityConfig(MIME_BOUNDS);
        builder.setDecodeMonitor(DecodeMonitor.SILENT);
        try {
            return builder.parseMessage(rawMessage);
        } catch (MimeIOException e) {
            throw new IOException("message " + documentId + " is beyond the MIME parsing bounds: " + e.getMessage(), e);
        }
    }

    /**
     * mime4j parses any depth without recursion, but walking the tree (here, and in mime4j's
     * writer) recurses: a crafted message thousands of levels deep would overflow the stack.
     * Real mail nests a handful of levels; this walk is iterative.
     */
    private static void refuseDeepNesting(Message message, String documentId) throws IOException {
        Deque<NestedEntity> pending = new ArrayDeque<>();
        pending.push(new NestedEntity(message, 0));
        while (!pending.isEmpty()) {
            NestedEntity next = pending.pop();
            if (next.depth() > MAX_MIME_DEPTH) {
                throw new IOException("message " + documentId + " is beyond the MIME parsing bounds: parts nested deeper than "
                    + MAX_MIME_DEPTH + " levels");
            }
            Body body = next.entity().getBody();
            if (body instanceof Multipart multipart) {
                multipart.getBodyParts().forEach(part -> pending.push(new NestedEntity(part, next.depth() + 1)));
            } else if (body instanceof Message attached) {
                pending.push(new NestedEntity(attached, next.depth() + 1));
            }
        }
    }

    private record NestedEntity(Entity entity, int depth) {
    }

    private static List<Header> headers(Message message) {
        return message.getHeader().getFields().stream()
            .map(field -> new Header(field.getName().toLowerCase(Locale.ROOT), decodedValue(field)))
            .toList();
    }

    private static String decodedValue(Field field) {
        String body = field.getBody() == null ? "" : field.getBody();
        return DecoderUtil.decodeEncodedWords(MimeUtil.unfold(body), DecodeMonitor.SILENT).trim();
    }

    private static Optional<Instant> sentDate(Message message) {
        try {
            return Optional.ofNullable(message.getDate()).map(Date::toInstant);
        } catch (RuntimeException unparseable) {
            return Optional.empty();
        }
    }

    private static MailboxList flatten(AddressList addresses) {
        return addresses == null ? null : addresses.flatten();
    }

    /** Groups are flattened to their members; a field that cannot be read as addresses is left out. */
    private static List<Address> addresses(String fieldName, Supplier<MailboxList> mailboxes, String documentId) {
        try {
            MailboxList list = mailboxes.get();
            return list == null ? List.of() : list.stream().map(MessageDocumentBuilder::address).toList();
        } catch (RuntimeException e) {
            LOGGER.info("{}: the {} field cannot be read as addresses and is left out: {}", documentId, fieldName, e.toString());
            return List.of();
        }
    }

    private static Address address(Mailbox mailbox) {
        return new Address(Optional.ofNullable(mailbox.getName()).map(String::trim).orElse(""),
            mailbox.getAddress().toLowerCase(Locale.ROOT));
    }
}
