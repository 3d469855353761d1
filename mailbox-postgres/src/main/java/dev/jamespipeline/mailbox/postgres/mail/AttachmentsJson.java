package dev.jamespipeline.mailbox.postgres.mail;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.apache.james.mailbox.model.AttachmentId;
import org.apache.james.mailbox.model.AttachmentMetadata;
import org.apache.james.mailbox.model.Cid;
import org.apache.james.mailbox.model.MessageAttachmentMetadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jamespipeline.mailbox.postgres.PostgresMessageId;

/** A message's attachment metadata as the JSON of column {@code message.attachments}. */
final class AttachmentsJson {
    private record StoredAttachment(String id, UUID ownerMessageId, String type, long size,
                                    String name, String cid, boolean inline) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<StoredAttachment>> LIST = new TypeReference<>() {
    };

    private AttachmentsJson() {
    }

    static String write(List<MessageAttachmentMetadata> attachments) {
        try {
            return JSON.writeValueAsString(attachments.stream()
                .map(attachment -> new StoredAttachment(
                    attachment.getAttachmentId().getId(),
                    ((PostgresMessageId) attachment.getAttachment().getMessageId()).asUuid(),
                    attachment.getAttachment().getType().asString(),
                    attachment.getAttachment().getSize(),
                    attachment.getName().orElse(null),
                    attachment.getCid().map(Cid::getValue).orElse(null),
                    attachment.isInline()))
                .toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write attachment metadata as JSON", e);
        }
    }

    static List<MessageAttachmentMetadata> read(String json) {
        try {
            return JSON.readValue(json, LIST).stream()
                .map(stored -> new MessageAttachmentMetadata(
                    AttachmentMetadata.builder()
                        .attachmentId(AttachmentId.from(stored.id()))
                        .messageId(PostgresMessageId.of(stored.ownerMessageId()))
                        .type(stored.type())
                        .size(stored.size())
                        .build(),
                    Optional.ofNullable(stored.name()),
                    Optional.ofNullable(stored.cid()).map(Cid::from),
                    stored.inline()))
                .toList();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Column message.attachments holds invalid JSON", e);
        }
    }
}
