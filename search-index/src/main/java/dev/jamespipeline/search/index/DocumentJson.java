package dev.jamespipeline.search.index;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.jamespipeline.search.document.MessageDocument;

/**
 * The JSON the index holds for a {@link MessageDocument}: its components under their own names
 * (instants as ISO-8601 text, empty optionals as null), plus the derived fields the index
 * queries and sorts on, which are dropped again when a document is read back.
 */
final class DocumentJson {
    private final ObjectMapper mapper;

    DocumentJson() {
        this.mapper = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .addMixIn(MessageDocument.class, WithoutDerivedFields.class);
    }

    /** Also reads documents: hand it to the OpenSearch client. */
    ObjectMapper mapper() {
        return mapper;
    }

    ObjectNode toJson(MessageDocument document) {
        ObjectNode json = mapper.valueToTree(document);
        json.put(MailIndexSchema.HAS_ATTACHMENT, document.hasAttachment());
        json.set(MailIndexSchema.SENT_DATE_OR_ARRIVAL,
            mapper.valueToTree(document.sentDate().orElse(document.internalDate())));
        json.set(MailIndexSchema.FLAGS_LOWERCASE,
            mapper.valueToTree(document.flags().stream().map(flag -> flag.toLowerCase(Locale.ENGLISH)).toList()));
        return json;
    }

    @JsonIgnoreProperties({MailIndexSchema.HAS_ATTACHMENT, MailIndexSchema.SENT_DATE_OR_ARRIVAL, MailIndexSchema.FLAGS_LOWERCASE})
    private abstract static class WithoutDerivedFields {
    }
}
