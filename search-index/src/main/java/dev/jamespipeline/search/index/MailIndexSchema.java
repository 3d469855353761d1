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
 * ({@link #HAS_ATTACHMENT}, {@link #SENT_DATE_OR_ARRIVAL}, {@link #FLAGS_LOWERCASE}). Searches use
 * the {@code scan.*} fields: text as James's scanning search compares it, in {@code wildcard}
 * fields (trigram-indexed, matched exactly), so a substring test is exact and case is handled by
 * storing and searching text in the case James compares in.
 *
 * <p>The mapping carries {@link #SCHEMA_VERSION} in its {@code _meta}: an index made by an older
 * version lacks fields the searches need, and is refused rather than searched.
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
    static final String INDEXED_AT = "indexedAt";
    /** Derived: the flags lower-cased as javax.mail compares user flags ({@code Locale.ENGLISH}). */
    static final String FLAGS_LOWERCASE = "flagsLowercase";
    static final String SCAN_TEXT = "scan.text";
    static final String SCAN_BODY = "scan.body";
    static final String SCAN_TEXT_COMPLETE = "scan.textComplete";
    static final String SCAN_TEXT_FAILS = "scan.textFails";
    /** {@code name:value} of each field: a wildcard field verifies against the source, which nested fields break. */
    static final String SCAN_HEADERS = "scan.headers";
    /** Followed by the address field's name: {@code scan.from}, ... */
    static final String SCAN_ADDRESS_PREFIX = "scan.";
    static final String SCAN_DATE = "scan.date";
    static final String SCAN_DATE_UNCERTAIN = "scan.dateUncertain";
    static final String SCAN_DATE_FAILS = "scan.dateFails";
    /** The version of the mapping, in its {@code _meta}; raise it with every change searches depend on. */
    static final int SCHEMA_VERSION = 2;
    static final String SCHEMA_VERSION_KEY = "schemaVersion";
    /** Derived: whether the message has attachments. */
    static final String HAS_ATTACHMENT = "hasAttachment";
    /** Derived: the sent date, or the internal date when the message has none: James's sent-date sort key. */
    static final String SENT_DATE_OR_ARRIVAL = "sentDateOrArrival";

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
