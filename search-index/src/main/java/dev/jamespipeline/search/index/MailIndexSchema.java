package dev.jamespipeline.search.index;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.opensearch._types.mapping.TypeMapping;
import org.opensearch.client.opensearch.indices.IndexSettings;

import jakarta.json.stream.JsonParser;

/**
 * The mail index's layout: its mapping ({@code mail-index-mapping.json}, next to this class),
 * its settings, and the names of the fields the code queries.
 *
 * <p>Document fields carry the names of {@link dev.jamespipeline.search.document.MessageDocument}'s
 * components. Besides them the index holds fields derived when a document is written
 * ({@link #HAS_ATTACHMENT}, {@link #SENT_DATE_OR_ARRIVAL}) and two copy_to fields that exist only
 * in the index ({@link #SEARCH_TEXT}, {@link #SEARCH_BODY_TEXT}). Text fields use the
 * {@code standard} analyzer, and the keyword fields searched for substrings the built-in
 * {@code lowercase} normalizer (a wildcard query's case_insensitive flag folds ASCII only): the
 * distribution used in tests has no analysis-common module, so nothing beyond core is used.
 */
final class MailIndexSchema {
    static final String USER = "user";
    static final String MAILBOX_ID = "mailboxId";
    static final String UID = "uid";
    static final String MESSAGE_ID = "messageId";
    static final String THREAD_ID = "threadId";
    static final String FLAGS = "flags";
    static final String INTERNAL_DATE = "internalDate";
    static final String SENT_DATE = "sentDate";
    static final String SIZE = "size";
    static final String HEADERS = "headers";
    static final String HEADER_NAME = "headers.name";
    static final String HEADER_VALUE_LOWERCASE = "headers.value.lowercase";
    static final String ATTACHMENT_FILE_NAME = "attachments.fileName";
    static final String ATTACHMENT_TEXT = "attachments.text";
    static final String INDEXED_AT = "indexedAt";
    /** Derived: whether the message has attachments. */
    static final String HAS_ATTACHMENT = "hasAttachment";
    /** Derived: the sent date, or the internal date when the message has none: James's sent-date sort key. */
    static final String SENT_DATE_OR_ARRIVAL = "sentDateOrArrival";
    /** Index only: every header value, the body text and the attachments' text. */
    static final String SEARCH_TEXT = "searchText";
    /** Index only: the body text and the attachments' text. */
    static final String SEARCH_BODY_TEXT = "searchBodyText";

    /**
     * How long OpenSearch remembers a deleted document's version. A write older than its delete is
     * refused only while the delete is remembered (OpenSearch's default is 60 s); an hour covers the
     * indexer's retries with room to spare, for a few hundred bytes of memory per recent delete.
     */
    static final String TOMBSTONE_RETENTION = "1h";

    private static final String MAPPING_RESOURCE = "mail-index-mapping.json";

    private MailIndexSchema() {
    }

    static TypeMapping mapping(JsonpMapper mapper) {
        try (InputStream json = MailIndexSchema.class.getResourceAsStream(MAPPING_RESOURCE)) {
            if (json == null) {
                throw new IllegalStateException(MAPPING_RESOURCE + " is missing from the class path");
            }
            try (JsonParser parser = mapper.jsonProvider().createParser(json)) {
                return TypeMapping._DESERIALIZER.deserialize(parser, mapper);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + MAPPING_RESOURCE, e);
        }
    }

    static IndexSettings settings(OpenSearchSettings settings) {
        return IndexSettings.of(index -> index
            .numberOfShards(Integer.toString(settings.shards()))
            .numberOfReplicas(Integer.toString(settings.replicas()))
            .gcDeletes(time -> time.time(TOMBSTONE_RETENTION)));
    }
}
