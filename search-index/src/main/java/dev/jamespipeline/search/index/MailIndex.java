package dev.jamespipeline.search.index;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch._types.SortOptions;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.VersionType;
import org.opensearch.client.opensearch._types.mapping.TypeMapping;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.MgetResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.TransportOptions;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.search.document.MessageDocument;

/**
 * The mail index in OpenSearch, and the only code that talks to it.
 *
 * <p>Writes are idempotent and ordered by the message's mod-sequence: a document is written with
 * external versioning ({@code external_gte}, version = modSeq), so replaying a write, or a write
 * overtaken by a newer one, changes nothing. A delete leaves a tombstone whose version is above
 * any mod-sequence, so a late write of an expunged message cannot bring it back (for as long as
 * OpenSearch keeps tombstones: {@link MailIndexSchema#TOMBSTONE_RETENTION}).
 *
 * <p>Every search is confined to the mailbox ids its caller passes: the filter is built here, from
 * those ids only, and the translated query can narrow it but never widen it.
 *
 * <p>Every method that asks OpenSearch throws {@link IndexUnavailableException} when it cannot be
 * asked or refuses the request as a whole.
 */
public final class MailIndex implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailIndex.class);

    /** OpenSearch's largest version: a delete with it outranks every write of the same document. */
    static final long TOMBSTONE_VERSION = Long.MAX_VALUE;
    private static final int CONFLICT = 409;
    /** Documents per delete batch. */
    private static final int PAGE_SIZE = 1000;
    /**
     * Hits per search request: OpenSearch's default index.max_result_window (an index with a
     * smaller one refuses the search, which then falls back to James's scan), so a 10,000-message
     * answer is one request. Hits carry their sort values only, a few bytes each.
     */
    private static final int SEARCH_PAGE_SIZE = 10_000;

    private static final List<String> NO_STORED_FIELDS = List.of("_none_");

    private final OpenSearchSettings settings;
    private final DocumentJson documentJson;
    private final OpenSearchTransport transport;
    private final OpenSearchClient client;
    /** Set once the index is known to have this version's mapping; until then every search checks. */
    private volatile boolean schemaChecked;

    private MailIndex(OpenSearchSettings settings, DocumentJson documentJson, OpenSearchTransport transport) {
        this.settings = settings;
        this.documentJson = documentJson;
        this.transport = transport;
        this.client = new OpenSearchClient(transport);
    }

    /** A client for the index; it connects lazily, so OpenSearch need not be up yet. */
    public static MailIndex connect(OpenSearchSettings settings) {
        DocumentJson documentJson = new DocumentJson();
        HttpHost host = new HttpHost(settings.url().getScheme(), settings.url().getHost(), port(settings));
        Timeout timeout = Timeout.of(settings.requestTimeout());
        OpenSearchTransport transport = ApacheHttpClient5TransportBuilder.builder(host)
            .setMapper(new JacksonJsonpMapper(documentJson.mapper()))
            .setRequestConfigCallback(config -> config.setConnectTimeout(timeout).setResponseTimeout(timeout))
            .setHttpClientConfigCallback(client -> {
                if (settings.user().isPresent()) {
                    BasicCredentialsProvider credentials = new BasicCredentialsProvider();
                    credentials.setCredentials(new AuthScope(host),
                        new UsernamePasswordCredentials(settings.user().get(), settings.password().orElseThrow().toCharArray()));
                    client.setDefaultCredentialsProvider(credentials);
                }
                return client;
            })
            .build();
        return new MailIndex(settings, documentJson, transport);
    }

    private static int port(OpenSearchSettings settings) {
        if (settings.url().getPort() != -1) {
            return settings.url().getPort();
        }
        return "https".equals(settings.url().getScheme()) ? 443 : 80;
    }

    public String indexName() {
        return settings.indexName();
    }

    /**
     * Creates the index with its mapping unless it exists; safe to call from several nodes at once.
     * The mapping is also registered as an index template for this name, so an index deleted while
     * James runs is recreated with it by the next bulk write, not with a guessed mapping.
     *
     * @return whether this call created it (empty)
     */
    public boolean ensureIndex() throws IndexUnavailableException {
        return call("create index " + indexName(), () -> {
            client.indices().putIndexTemplate(template -> template.name(indexName() + "-mapping")
                .indexPatterns(indexName())
                .template(mapping -> mapping.settings(MailIndexSchema.settings(settings))
                    .mappings(MailIndexSchema.mapping(transport.jsonpMapper()))));
            if (client.indices().exists(exists -> exists.index(indexName())).value()) {
                return false;
            }
            try {
                client.indices().create(create -> create.index(indexName())
                    .settings(MailIndexSchema.settings(settings))
                    .mappings(MailIndexSchema.mapping(transport.jsonpMapper())));
                LOGGER.info("Created the search index {}", indexName());
                return true;
            } catch (OpenSearchException e) {
                if (!"resource_already_exists_exception".equals(e.error().type())) {
                    throw e;
                }
                return false;
            }
        });
    }

    /** Whether the index exists (an index deleted while James runs is recreated, empty, by the next write). */
    public boolean exists() throws IndexUnavailableException {
        return call("look up index " + indexName(), () -> client.indices().exists(exists -> exists.index(indexName())).value());
    }

    /** When searches see a write. */
    public enum Visibility {
        /** At OpenSearch's next periodic refresh, after the write has returned. */
        EVENTUALLY(Refresh.False),
        /** Before the write returns, at the next periodic refresh ({@code refresh=wait_for}): no extra refresh. */
        BEFORE_RETURN(Refresh.WaitFor),
        /** At once: the write refreshes the index itself ({@code refresh=true}), for a search waiting on it. */
        IMMEDIATELY(Refresh.True);

        private final Refresh refresh;

        Visibility(Refresh refresh) {
            this.refresh = refresh;
        }
    }

    /** Applies the operations in one bulk request; see {@link WriteOutcome} for what a failure is. */
    public WriteOutcome write(List<IndexOperation> operations) throws IndexUnavailableException {
        return write(operations, Visibility.EVENTUALLY);
    }

    /** As {@link #write(List)}, visible to searches as {@code visibility} says. */
    public WriteOutcome write(List<IndexOperation> operations, Visibility visibility) throws IndexUnavailableException {
        if (operations.isEmpty()) {
            return new WriteOutcome(Map.of());
        }
        List<BulkOperation> bulk = operations.stream().map(this::toBulkOperation).toList();
        BulkResponse response = call("bulk write of " + operations.size() + " operations",
            () -> client.bulk(request -> request.index(indexName()).operations(bulk).refresh(visibility.refresh)));
        Map<Integer, String> failures = new HashMap<>();
        List<BulkResponseItem> items = response.items();
        for (int i = 0; i < items.size(); i++) {
            BulkResponseItem item = items.get(i);
            // A version conflict means a newer write (or a delete) is already there: the goal is reached.
            if (item.error() != null && item.status() != CONFLICT) {
                failures.put(i, item.status() + " " + item.error().type() + ": " + item.error().reason());
            }
        }
        return new WriteOutcome(failures);
    }

    private BulkOperation toBulkOperation(IndexOperation operation) {
        if (operation instanceof IndexOperation.Upsert upsert) {
            MessageDocument document = upsert.document();
            return BulkOperation.of(op -> op.index(index -> index
                .id(document.documentId())
                .document(documentJson.toJson(document))
                .versionType(VersionType.ExternalGte)
                .version(document.modSeq())));
        }
        return BulkOperation.of(op -> op.delete(delete -> delete
            .id(operation.documentId())
            .versionType(VersionType.External)
            .version(TOMBSTONE_VERSION)));
    }

    /** The indexed documents among these ids; ids not indexed are absent from the map. */
    public Map<String, MessageDocument> getDocuments(Collection<String> ids) throws IndexUnavailableException {
        if (ids.isEmpty()) {
            return Map.of();
        }
        List<String> idList = List.copyOf(ids);
        MgetResponse<MessageDocument> response = call("get " + ids.size() + " documents",
            () -> client.mget(mget -> mget.index(indexName()).ids(idList), MessageDocument.class));
        Map<String, MessageDocument> documents = new HashMap<>();
        response.docs().stream()
            .filter(item -> item.isResult() && item.result().found())
            .forEach(item -> documents.put(item.result().id(), item.result().source()));
        return documents;
    }

    /**
     * Deletes every document of the mailbox, each leaving a tombstone.
     *
     * @return how many documents were deleted
     */
    public long deleteMailbox(String mailboxId) throws IndexUnavailableException {
        // Searches see what the last refresh made visible: refresh first so that documents written
        // just before the mailbox was deleted are not left behind.
        refresh();
        return deleteMatching(Queries.term(MailIndexSchema.MAILBOX_ID, mailboxId), "mailbox " + mailboxId);
    }

    /**
     * The user's documents written before the cutoff, as searches see them now. After a re-index
     * that started at the cutoff, they are the documents of messages that no longer exist, and of
     * messages whose document was last written by a write built before it (same version, older
     * time): only the mailbox can tell which.
     */
    public List<DocumentKey> userDocumentsIndexedBefore(String user, Instant cutoff) throws IndexUnavailableException {
        Query older = Queries.allOf(List.of(
            Queries.term(MailIndexSchema.USER, user),
            Query.of(q -> q.range(range -> range.field(MailIndexSchema.INDEXED_AT).lt(Queries.json(cutoff.toString()))))));
        List<DocumentKey> keys = new ArrayList<>();
        scan(older, List.of(), PAGE_SIZE, Reading.DOCUMENT_IDS, hit -> {
            keys.add(new DocumentKey(hit.mailboxId(), hit.uid()));
            return true;
        });
        return keys;
    }

    /** A document's message: its mailbox and uid. */
    public record DocumentKey(String mailboxId, long uid) {
    }

    private long deleteMatching(Query filter, String what) throws IndexUnavailableException {
        List<IndexOperation> batch = new ArrayList<>();
        long[] deleted = {0};
        scan(filter, List.of(), PAGE_SIZE, Reading.DOCUMENT_IDS, hit -> {
            batch.add(IndexOperation.delete(hit.mailboxId(), hit.uid()));
            if (batch.size() == PAGE_SIZE) {
                deleted[0] += deleteBatch(batch, what);
            }
            return true;
        });
        deleted[0] += deleteBatch(batch, what);
        return deleted[0];
    }

    private long deleteBatch(List<IndexOperation> batch, String what) throws IndexUnavailableException {
        WriteOutcome outcome = write(batch);
        if (!outcome.isComplete()) {
            throw new IndexUnavailableException("OpenSearch refused " + outcome.failures().size() + " of " + batch.size()
                + " deletes of " + what + ", e.g. " + outcome.failures().values().iterator().next());
        }
        long count = batch.size();
        batch.clear();
        return count;
    }

    public MailboxCounters counters(String mailboxId) throws IndexUnavailableException {
        Query inMailbox = Queries.term(MailIndexSchema.MAILBOX_ID, mailboxId);
        Query unseen = Queries.allOf(List.of(inMailbox, Queries.not(Queries.term(MailIndexSchema.FLAGS, IndexedFlags.SEEN))));
        return new MailboxCounters(count(inMailbox), count(unseen));
    }

    private long count(Query query) throws IndexUnavailableException {
        return call("count", () -> client.count(count -> count.index(indexName()).query(query)).count());
    }

    /**
     * The uids of the mailbox's messages the query certainly matches ({@link TranslatedQuery#matches()}),
     * all of them, in the query's order (uid ascending for James's default sort).
     */
    public List<Long> searchUids(String mailboxId, TranslatedQuery query) throws IndexUnavailableException {
        List<Long> uids = new ArrayList<>();
        scan(inMailboxes(List.of(mailboxId), query.matches()), query.sorts(), SEARCH_PAGE_SIZE, Reading.UIDS, hit -> {
            uids.add(hit.uid());
            return true;
        });
        return uids;
    }

    /**
     * The uids of the mailbox's messages the index cannot decide for this query: only James's
     * scan of those messages can. None, without asking OpenSearch, for an exact query.
     */
    public List<Long> undecidedUids(String mailboxId, TranslatedQuery query) throws IndexUnavailableException {
        if (query.exact()) {
            return List.of();
        }
        List<Long> uids = new ArrayList<>();
        scan(inMailboxes(List.of(mailboxId), query.undecided()), List.of(), SEARCH_PAGE_SIZE, Reading.UIDS, hit -> {
            uids.add(hit.uid());
            return true;
        });
        return uids;
    }

    /** Whether the index cannot decide the query for some message of these mailboxes. */
    public boolean anyUndecided(Collection<String> mailboxIds, TranslatedQuery query) throws IndexUnavailableException {
        if (query.exact() || mailboxIds.isEmpty()) {
            return false;
        }
        requireSchema();
        return count(inMailboxes(mailboxIds, query.undecided())) > 0;
    }

    /**
     * The James message ids of the messages the query certainly matches in these mailboxes, in
     * the query's order, each once (a message in two mailboxes counts once), at most {@code limit}.
     */
    public List<String> searchMessageIds(Collection<String> mailboxIds, TranslatedQuery query, long limit)
            throws IndexUnavailableException {
        if (mailboxIds.isEmpty() || limit <= 0) {
            return List.of();
        }
        Set<String> messageIds = new LinkedHashSet<>();
        int pageSize = (int) Math.min(SEARCH_PAGE_SIZE, limit);
        scan(inMailboxes(mailboxIds, query.matches()), query.sorts(), pageSize, Reading.MESSAGE_IDS, hit -> {
            messageIds.add(hit.messageId());
            return messageIds.size() < limit;
        });
        return List.copyOf(messageIds);
    }

    /** The query, confined to these mailboxes. */
    private static Query inMailboxes(Collection<String> mailboxIds, Query query) {
        Query mailboxFilter = Query.of(q -> q.terms(terms -> terms.field(MailIndexSchema.MAILBOX_ID)
            .terms(values -> values.value(mailboxIds.stream().map(FieldValue::of).toList()))));
        return Queries.allOf(List.of(mailboxFilter, query));
    }

    /**
     * Visits every hit of the filter in the given order, page by page with search_after (so never
     * limited by index.max_result_window), until the visitor says stop. Hits are read from their
     * sort values (the tie-breakers: the uid, preceded by the mailbox id unless the search is in
     * one mailbox) and, when asked, the message id's doc value: no stored fields, no source, and
     * the response filtered down to those values.
     */
    private void scan(Query filter, List<SortOption> sorts, int pageSize, Reading reading, HitVisitor visitor)
            throws IndexUnavailableException {
        requireSchema();
        List<SortOptions> sort = new ArrayList<>();
        sorts.forEach(option -> sort.add(fieldSort(option.field().indexField(), option.descending())));
        // Tie-breakers make the order total, which search_after needs.
        if (reading != Reading.UIDS) {
            sort.add(fieldSort(MailIndexSchema.MAILBOX_ID, false));
        }
        sort.add(fieldSort(MailIndexSchema.UID, false));
        OpenSearchClient filtered = client.withTransportOptions(reading.responseFilter);
        List<FieldValue> after = List.of();
        while (true) {
            List<FieldValue> searchAfter = after;
            SearchResponse<Void> page = call("search", () -> filtered.search(search -> {
                search.index(indexName())
                    .query(filter)
                    .sort(sort)
                    .size(pageSize)
                    .trackTotalHits(track -> track.enabled(false))
                    .source(source -> source.fetch(false))
                    .storedFields(NO_STORED_FIELDS);
                if (reading == Reading.MESSAGE_IDS) {
                    search.docvalueFields(field -> field.field(MailIndexSchema.MESSAGE_ID));
                }
                if (!searchAfter.isEmpty()) {
                    search.searchAfterVals(searchAfter);
                }
                return search;
            }, Void.class));
            List<Hit<Void>> hits = page.hits().hits();
            for (Hit<Void> hit : hits) {
                if (!visitor.visit(IndexHit.of(hit, reading))) {
                    return;
                }
            }
            if (hits.size() < pageSize) {
                return;
            }
            after = hits.get(hits.size() - 1).sortVals();
        }
    }

    /** What a scan reads of each hit. */
    private enum Reading {
        /** Uids, in one mailbox. */
        UIDS("took,timed_out,_shards,hits.hits.sort"),
        /** Mailbox ids and uids. */
        DOCUMENT_IDS("took,timed_out,_shards,hits.hits.sort"),
        /** Mailbox ids, uids and message ids. */
        MESSAGE_IDS("took,timed_out,_shards,hits.hits.sort,hits.hits.fields");

        /** What the response keeps (filter_path): a 10,000-hit answer is a fraction of the unfiltered one. */
        private final TransportOptions responseFilter;

        Reading(String responseFields) {
            this.responseFilter = TransportOptions.builder().setParameter("filter_path", responseFields).build();
        }
    }

    /**
     * Refuses an index made by an older version, whose mapping lacks fields the searches need
     * (they would find nothing, not fail): the caller's fallback, James's scan, answers instead.
     */
    private void requireSchema() throws IndexUnavailableException {
        if (schemaChecked) {
            return;
        }
        Integer version = call("read the mapping", () -> {
            TypeMapping mapping = client.indices().getMapping(get -> get.index(indexName())).result()
                .values().iterator().next().mappings();
            JsonData value = mapping.meta().get(MailIndexSchema.SCHEMA_VERSION_KEY);
            return value == null ? null : value.to(Integer.class);
        });
        if (version == null || version != MailIndexSchema.SCHEMA_VERSION) {
            throw new IndexUnavailableException("The index " + indexName() + " has mapping version " + version
                + ", this version needs " + MailIndexSchema.SCHEMA_VERSION + ": set search.index.name to a new index"
                + " (the default is " + OpenSearchSettings.DEFAULT_INDEX_NAME + ") and run POST /pipeline/search?action=reindex");
        }
        schemaChecked = true;
    }

    private static SortOptions fieldSort(String field, boolean descending) {
        return SortOptions.of(sort -> sort.field(f -> f.field(field).order(descending ? SortOrder.Desc : SortOrder.Asc)));
    }

    /** Makes every write so far visible to searches and counts (tests, benchmarks, mailbox deletion). */
    public void refresh() throws IndexUnavailableException {
        call("refresh", () -> client.indices().refresh(refresh -> refresh.index(indexName())));
    }

    /** Whether OpenSearch answers at all: for health checks, never throws. */
    public boolean ping() {
        try {
            return client.ping().value();
        } catch (IOException | OpenSearchException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }

    private <T> T call(String what, OpenSearchCall<T> call) throws IndexUnavailableException {
        try {
            return call.run();
        } catch (IOException | OpenSearchException e) {
            throw new IndexUnavailableException("OpenSearch " + what + " on " + indexName() + " failed: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface OpenSearchCall<T> {
        T run() throws IOException;
    }

    @FunctionalInterface
    private interface HitVisitor {
        /** @return whether to go on */
        boolean visit(IndexHit hit) throws IndexUnavailableException;
    }

    /** The fields a search reads from each hit, as far as it reads them (else null). */
    record IndexHit(String mailboxId, long uid, String messageId) {
        static IndexHit of(Hit<Void> hit, Reading reading) {
            List<FieldValue> sortValues = hit.sortVals();
            long uid = sortValues.get(sortValues.size() - 1).longValue();
            String mailboxId = reading == Reading.UIDS ? null : sortValues.get(sortValues.size() - 2).stringValue();
            String messageId = reading == Reading.MESSAGE_IDS
                ? hit.fields().get(MailIndexSchema.MESSAGE_ID).toJson().asJsonArray().getString(0)
                : null;
            return new IndexHit(mailboxId, uid, messageId);
        }
    }
}
