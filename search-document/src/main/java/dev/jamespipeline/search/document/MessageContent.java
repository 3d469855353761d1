package dev.jamespipeline.search.document;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.dom.field.FieldName;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.stream.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.io.ByteStreams;
import com.google.common.io.CountingOutputStream;

import dev.jamespipeline.search.document.MessageDocument.Attachment;

/**
 * The body text and attachments of one message (the stored one, or one attached to it), found
 * by walking its MIME tree. Body text: text/plain and text/html parts that are not attachments;
 * in a multipart/alternative only its text/plain part, when it has one, so the same text is not
 * indexed twice. Everything else is an attachment: its text is extracted by Tika, and an attached
 * message is walked in turn, its text becoming the attachment's text.
 */
final class MessageContent {

    private static final Logger LOGGER = LoggerFactory.getLogger(MessageContent.class);

    private final AttachmentTextExtractor extractor;
    private final ExtractionLimits limits;
    private final AttachmentBudget budget;
    /** 0 for the stored message, n for a message attached n levels down. */
    private final int depth;
    private final String documentId;

    private final StringBuilder bodyText = new StringBuilder();
    private final List<Attachment> attachments = new ArrayList<>();
    private int skippedAttachments;

    private MessageContent(AttachmentTextExtractor extractor, AttachmentBudget budget, int depth, String documentId) {
        this.extractor = extractor;
        this.limits = extractor.limits();
        this.budget = budget;
        this.depth = depth;
        this.documentId = documentId;
    }

    /** @param documentId names the message in log lines */
    static MessageContent of(Message message, AttachmentTextExtractor extractor, String documentId) throws IOException {
        MessageContent content = new MessageContent(extractor,
            new AttachmentBudget(extractor.limits().maxAttachments()), 0, documentId);
        content.walk(message);
        return content;
    }

    /** At most {@link ExtractionLimits#maxOutputChars()} characters. */
    String bodyText() {
        return bodyText.toString();
    }

    List<Attachment> attachments() {
        return List.copyOf(attachments);
    }

    /** Attachments left out because the message's budget of {@link ExtractionLimits#maxAttachments()} was spent. */
    int skippedAttachments() {
        return skippedAttachments;
    }

    /** Recursive: the builder has refused messages nested deep enough to matter for the stack. */
    private void walk(Entity entity) throws IOException {
        Body body = entity.getBody();
        if (body instanceof Multipart multipart) {
            for (Entity part : partsToIndex(multipart)) {
                walk(part);
            }
        } else if (body instanceof Message attached) {
            addAttachment(entity, () -> attachedMessage(entity, attached));
        } else if (body instanceof SingleBody single) {
            if (isBodyText(entity)) {
                appendBodyText(entity, single);
            } else {
                addAttachment(entity, () -> extractedAttachment(entity, single));
            }
        }
    }

    private static List<Entity> partsToIndex(Multipart multipart) {
        List<Entity> parts = multipart.getBodyParts();
        if ("alternative".equalsIgnoreCase(multipart.getSubType())) {
            return parts.stream()
                .filter(part -> mimeType(part).equals("text/plain"))
                .findFirst()
                .map(List::of)
                .orElse(parts);
        }
        return parts;
    }

    private static boolean isBodyText(Entity part) {
        String type = mimeType(part);
        return (type.equals("text/plain") || type.equals("text/html"))
            && fileName(part).isEmpty()
            && !"attachment".equalsIgnoreCase(part.getDispositionType());
    }

    private void appendBodyText(Entity part, SingleBody body) throws IOException {
        String text = (mimeType(part).equals("text/html") ? htmlAsText(part, body) : plainText(part, body)).strip();
        if (text.isEmpty()) {
            return;
        }
        String separator = bodyText.length() > 0 ? "\n\n" : "";
        int room = limits.maxOutputChars() - bodyText.length() - separator.length();
        if (text.length() > room) {
            LOGGER.info("{}: body text cut at {} characters", documentId, limits.maxOutputChars());
        }
        if (room > 0) {
            bodyText.append(separator).append(text, 0, Math.min(room, text.length()));
        }
    }

    /** Tika's HTML parser, through the extractor, so a hostile HTML body meets the same limits as an attachment. */
    private String htmlAsText(Entity part, SingleBody body) throws IOException {
        ExtractionResult result = extractor.extract(body.getInputStream(), declaredContentType(part), "");
        result.failureReason().ifPresent(reason ->
            LOGGER.warn("{}: an HTML body part could not be converted to text, it is not indexed: {}", documentId, reason));
        result.truncation().ifPresent(why -> LOGGER.info("{}: an HTML body part is indexed in part: {}", documentId, why));
        return result.text();
    }

    private static String plainText(Entity part, SingleBody body) throws IOException {
        byte[] bytes;
        try (var in = body.getInputStream()) {
            bytes = in.readAllBytes();
        }
        return decode(bytes, declaredCharset(part));
    }

    /**
     * The declared charset when the bytes are valid in it, else UTF-8 when they are valid UTF-8,
     * else ISO-8859-1, which decodes any byte: mislabelled mail still yields its words.
     */
    private static String decode(byte[] bytes, Optional<Charset> declared) {
        List<Charset> candidates = Stream.concat(declared.stream(), Stream.of(StandardCharsets.UTF_8)).toList();
        for (Charset charset : candidates) {
            try {
                return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            } catch (CharacterCodingException notThisOne) {
                // try the next candidate
            }
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private void addAttachment(Entity part, AttachmentSource source) throws IOException {
        if (!budget.take()) {
            skippedAttachments++;
            LOGGER.debug("{}: attachment '{}' beyond the limit of {} is not indexed", documentId, fileName(part), limits.maxAttachments());
            return;
        }
        attachments.add(source.attachment());
    }

    private Attachment extractedAttachment(Entity part, SingleBody body) throws IOException {
        String fileName = fileName(part);
        ExtractionResult result = extractor.extract(body.getInputStream(), declaredContentType(part), fileName);
        result.truncation().ifPresent(why -> LOGGER.info("{}: attachment '{}' is indexed in part: {}", documentId, fileName, why));
        return new Attachment(fileName, mimeType(part), body.size(), result.text(), result.failureReason());
    }

    /**
     * An attached message is walked like the stored one, one level deeper; its subject, body text
     * and attachments' text become this attachment's text. Below the nesting limit nothing is
     * opened. Failures inside it are reported on it, naming the inner part, since the document
     * has no other place for them: here the reason explains what is missing, not that all is.
     */
    private Attachment attachedMessage(Entity part, Message message) throws IOException {
        String fileName = fileName(part);
        String type = mimeType(part);
        long size = serializedSize(message);
        if (depth + 1 > limits.maxNestingDepth()) {
            return new Attachment(fileName, type, size, "", Optional.of("nesting deeper than " + limits.maxNestingDepth()));
        }
        MessageContent inner = new MessageContent(extractor, budget, depth + 1, documentId);
        inner.walk(message);
        return new Attachment(fileName, type, size, inner.asText(message.getSubject()), inner.failureReasons());
    }

    private String asText(String subject) {
        String text = Stream.concat(Stream.of(subject, bodyText.toString()), attachments.stream().map(Attachment::text))
            .filter(part -> part != null && !part.isBlank())
            .collect(Collectors.joining("\n\n"));
        return text.length() > limits.maxOutputChars() ? text.substring(0, limits.maxOutputChars()) : text;
    }

    private Optional<String> failureReasons() {
        Stream<String> inner = attachments.stream()
            .filter(attachment -> attachment.failureReason().isPresent())
            .map(attachment -> label(attachment) + ": " + attachment.failureReason().get());
        Stream<String> skipped = skippedAttachments == 0 ? Stream.empty()
            : Stream.of(skippedAttachments + " attachments beyond the limit of " + limits.maxAttachments() + " not indexed");
        String reasons = Stream.concat(inner, skipped).collect(Collectors.joining("; "));
        return reasons.isEmpty() ? Optional.empty() : Optional.of(reasons);
    }

    private static String label(Attachment attachment) {
        return attachment.fileName().isEmpty() ? attachment.contentType() : attachment.fileName();
    }

    /** The attached message's size as written back out: mime4j keeps no byte count of parsed parts. */
    private static long serializedSize(Message message) throws IOException {
        CountingOutputStream counter = new CountingOutputStream(ByteStreams.nullOutputStream());
        new DefaultMessageWriter().writeMessage(message, counter);
        return counter.getCount();
    }

    /** Lower-cased, without parameters; mime4j answers text/plain when the part declares nothing usable. */
    private static String mimeType(Entity part) {
        return part.getMimeType().toLowerCase(Locale.ROOT);
    }

    /** Content-Disposition's filename (RFC 2231 handled by mime4j), else Content-Type's name; encoded words decoded. */
    private static String fileName(Entity part) {
        String name = part.getFilename();
        if (name == null && contentTypeField(part) instanceof ContentTypeField contentType) {
            name = contentType.getParameter("name");
        }
        return name == null ? "" : DecoderUtil.decodeEncodedWords(name, DecodeMonitor.SILENT).trim();
    }

    /** The part's type with the charset it declares, as a hint for Tika. */
    private static String declaredContentType(Entity part) {
        return rawCharset(part).map(charset -> mimeType(part) + "; charset=" + charset).orElse(mimeType(part));
    }

    private static Optional<Charset> declaredCharset(Entity part) {
        return rawCharset(part).flatMap(name -> {
            try {
                return Optional.of(Charset.forName(name));
            } catch (IllegalArgumentException unknownOrIllegal) {
                return Optional.empty();
            }
        });
    }

    /** The charset parameter as written; mime4j's Entity.getCharset() would answer us-ascii when there is none. */
    private static Optional<String> rawCharset(Entity part) {
        if (contentTypeField(part) instanceof ContentTypeField contentType) {
            return Optional.ofNullable(contentType.getCharset()).map(String::trim).filter(name -> !name.isEmpty());
        }
        return Optional.empty();
    }

    private static Field contentTypeField(Entity part) {
        return part.getHeader() == null ? null : part.getHeader().getField(FieldName.CONTENT_TYPE_LOWERCASE);
    }

    @FunctionalInterface
    private interface AttachmentSource {
        Attachment attachment() throws IOException;
    }

    /** Attachments a message may still have extracted, shared with the messages attached to it. */
    private static final class AttachmentBudget {
        private int remaining;

        AttachmentBudget(int remaining) {
            this.remaining = remaining;
        }

        boolean take() {
            if (remaining == 0) {
                return false;
            }
            remaining--;
            return true;
        }
    }
}
