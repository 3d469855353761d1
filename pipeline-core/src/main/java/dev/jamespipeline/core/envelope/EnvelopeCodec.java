package dev.jamespipeline.core.envelope;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.jamespipeline.core.PipelineIds;
import dev.jamespipeline.core.store.InvalidStorageKeyException;
import dev.jamespipeline.core.store.StorageKey;

/** JSON for every pipeline event. Decoding validates, so a handler only ever sees a well-formed envelope. */
public final class EnvelopeCodec {
    public static final String CONTENT_TYPE = "application/json";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final ObjectMapper mapper = new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        // Version 1 may gain optional fields; older readers ignore them.
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public byte[] encode(Object event) {
        try {
            return mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ReceivedEnvelope decodeReceived(byte[] body) throws InvalidEnvelopeException {
        ReceivedEnvelope envelope = bindVersioned(body, ReceivedEnvelope.class, ReceivedEnvelope.VERSION);
        requireValidId(envelope.pipelineId());
        requireValidStorage(envelope.storage());
        if (envelope.sender() == null) {
            throw new InvalidEnvelopeException("sender is missing (use \"\" for the null sender)");
        }
        if (!envelope.sender().isEmpty()) {
            requireAddress("sender", envelope.sender());
        }
        if (envelope.recipients().isEmpty()) {
            throw new InvalidEnvelopeException("recipients is empty");
        }
        for (String recipient : envelope.recipients()) {
            requireAddress("recipient", recipient);
        }
        if (envelope.stage() == null || envelope.stage().isBlank()) {
            throw new InvalidEnvelopeException("stage is missing");
        }
        if (envelope.receivedAt() == null) {
            throw new InvalidEnvelopeException("receivedAt is missing");
        }
        return envelope;
    }

    public OutboundJob decodeOutbound(byte[] body) throws InvalidEnvelopeException {
        OutboundJob job = bindVersioned(body, OutboundJob.class, OutboundJob.VERSION);
        requireValidId(job.pipelineId());
        if (!PipelineIds.isValid(job.jobId())) {
            throw new InvalidEnvelopeException("jobId is missing or invalid");
        }
        requireValidStorage(job.storage());
        if (job.sender() == null) {
            throw new InvalidEnvelopeException("sender is missing (use \"\" for the null sender)");
        }
        if (!job.sender().isEmpty()) {
            requireAddress("sender", job.sender());
        }
        if (job.recipients().isEmpty()) {
            throw new InvalidEnvelopeException("recipients is empty");
        }
        if (job.createdAt() == null) {
            throw new InvalidEnvelopeException("createdAt is missing");
        }
        for (String recipient : job.recipients()) {
            requireAddress("recipient", recipient);
        }
        return job;
    }

    public DeliveredEvent decodeDelivered(byte[] body) throws InvalidEnvelopeException {
        DeliveredEvent event = bindVersioned(body, DeliveredEvent.class, DeliveredEvent.VERSION);
        if (event.user() == null || event.mailboxId() == null || event.deliveredAt() == null) {
            throw new InvalidEnvelopeException("user, mailboxId and deliveredAt are required");
        }
        return event;
    }

    public MailboxChangeEvent decodeMailboxChange(byte[] body) throws InvalidEnvelopeException {
        MailboxChangeEvent event = bindVersioned(body, MailboxChangeEvent.class, MailboxChangeEvent.VERSION);
        if (event.kind() == null || event.user() == null || event.mailboxId() == null) {
            throw new InvalidEnvelopeException("kind, user and mailboxId are required");
        }
        return event;
    }

    /**
     * One pass for the common case (a well-formed body of the version this node reads); anything else
     * is parsed again as a tree, only to give the precise reason it cannot be processed.
     */
    private <T extends Versioned> T bindVersioned(byte[] body, Class<T> type, int readable) throws InvalidEnvelopeException {
        try {
            T value = mapper.readValue(body, type);
            if (value.version() == readable) {
                return value;
            }
        } catch (IOException | IllegalArgumentException | NullPointerException fallThrough) {
            // explained below
        }
        return bind(parseVersioned(body, type, readable), type);
    }

    private JsonNode parseVersioned(byte[] body, Class<?> type, int readable) throws InvalidEnvelopeException {
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (IOException e) {
            throw new InvalidEnvelopeException("body is not JSON: " + firstLine(e.getMessage()));
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidEnvelopeException("body is not a JSON object");
        }
        JsonNode version = tree.get("version");
        if (version == null || !version.canConvertToInt()) {
            throw new InvalidEnvelopeException("version is missing");
        }
        if (version.asInt() != readable) {
            throw new InvalidEnvelopeException("unsupported " + type.getSimpleName() + " version " + version.asInt()
                + " (this node reads version " + readable + ")");
        }
        return tree;
    }

    private <T> T bind(JsonNode tree, Class<T> type) throws InvalidEnvelopeException {
        try {
            return mapper.treeToValue(tree, type);
        } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
            throw new InvalidEnvelopeException("envelope does not match schema: " + firstLine(e.getMessage()));
        }
    }

    private static void requireValidId(String pipelineId) throws InvalidEnvelopeException {
        if (!PipelineIds.isValid(pipelineId)) {
            throw new InvalidEnvelopeException("pipelineId is missing or invalid");
        }
    }

    private static void requireValidStorage(ReceivedEnvelope.StorageRef storage) throws InvalidEnvelopeException {
        if (storage == null) {
            throw new InvalidEnvelopeException("storage is missing");
        }
        try {
            new StorageKey(storage.key());
        } catch (InvalidStorageKeyException e) {
            throw new InvalidEnvelopeException("storage.key is invalid: " + e.getMessage());
        }
        if (storage.sha256() == null || !SHA256.matcher(storage.sha256()).matches()) {
            throw new InvalidEnvelopeException("storage.sha256 is not 64 lower-case hex digits");
        }
        if (storage.size() < 0) {
            throw new InvalidEnvelopeException("storage.size is negative");
        }
    }

    private static void requireAddress(String field, String value) throws InvalidEnvelopeException {
        try {
            new MailAddress(value);
        } catch (AddressException | NullPointerException e) {
            throw new InvalidEnvelopeException(field + " '" + value + "' is not a mail address");
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
