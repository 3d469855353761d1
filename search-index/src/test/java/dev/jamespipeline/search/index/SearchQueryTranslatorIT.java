package dev.jamespipeline.search.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.stream.Collectors;

import javax.mail.Flags;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.inmemory.InMemoryMessageId;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.model.SearchQuery.AddressType;
import org.apache.james.mailbox.model.SearchQuery.Criterion;
import org.apache.james.mailbox.model.SearchQuery.DateResolution;
import org.apache.james.mailbox.model.SearchQuery.Sort;
import org.apache.james.mailbox.model.SearchQuery.Sort.Order;
import org.apache.james.mailbox.model.SearchQuery.Sort.SortClause;
import org.apache.james.mailbox.model.SearchQuery.UidRange;
import org.apache.james.mailbox.model.ThreadId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each family of James search criteria, translated and run on a small real index: exactly the
 * expected uids come back.
 */
class SearchQueryTranslatorIT {
    private static final String MAILBOX = "fixture";
    private static final InMemoryMessageId INVOICE_ID = InMemoryMessageId.of(101);
    private static final ThreadId INVOICE_THREAD = ThreadId.fromBaseMessageId(INVOICE_ID);

    private static TestIndex test;
    private final SearchQueryTranslator translator = new SearchQueryTranslator();

    @BeforeAll
    static void indexFixture() throws Exception {
        test = TestIndex.create();
        test.write(List.of(
            IndexOperation.upsert(TestDocuments.message(MAILBOX, 1)
                .messageId(INVOICE_ID.serialize()).threadId(INVOICE_THREAD.serialize())
                .from("Alice Liddell", "alice@example.com").to("Bob", "bob@example.com")
                .subject("Quarterly invoice 2024").mimeMessageId("<inv-1@example.com>").header("x-priority", "1")
                .body("Please find the invoice attached.").attachment("invoice.pdf", "Total amount due: 1200 EUR")
                .flags("\\Seen").size(1000)
                .internalDate("2024-03-10T10:00:00Z").sentDate("2024-03-10T09:00:00Z")
                .build()),
            IndexOperation.upsert(TestDocuments.message(MAILBOX, 2)
                .from("Carol", "carol@example.org").to("Bob", "bob@example.com").cc("Dave", "dave@example.net")
                .subject("Lunch tomorrow?").body("Shall we meet at noon?")
                .flags("\\Flagged", "Work").size(2500)
                .internalDate("2024-03-11T23:30:00Z").noSentDate()
                .build()),
            IndexOperation.upsert(TestDocuments.message(MAILBOX, 3)
                .threadId(INVOICE_THREAD.serialize())
                .from("Bob Builder", "bob@builder.test").to("Alice", "alice@example.com")
                .subject("Re: Quarterly invoice 2024").body("Thanks, paid.")
                .flags("\\Seen", "\\Answered").size(500)
                .internalDate("2024-03-12T00:30:00Z").sentDate("2024-03-11T23:59:59Z")
                .build()),
            IndexOperation.upsert(TestDocuments.message(MAILBOX, 4)
                .from("", "zed@example.net").to("", "notes@example.net").subject("Draft notes").body("Nothing yet.")
                .flags("\\Deleted", "\\Draft").size(1000)
                .internalDate("2023-12-31T23:59:59Z").sentDate("2023-12-31T12:00:00Z")
                .build()),
            IndexOperation.upsert(TestDocuments.message(MAILBOX, 5)
                .from("Jürgen Müller", "juergen@example.de").to("Buchhaltung", "kasse@example.de")
                .subject("Überweisung erhalten").body("Die Überweisung ist eingegangen.")
                .size(3000)
                .internalDate("2024-04-01T08:00:00Z").sentDate("2024-04-01T07:00:00Z")
                .build()),
            IndexOperation.upsert(TestDocuments.message("another-mailbox", 1).subject("Quarterly invoice 2024").build())));
        test.index.refresh();
    }

    @AfterAll
    static void deleteIndex() throws Exception {
        test.close();
    }

    @Test
    void allAndUidRanges() throws Exception {
        assertThat(uids(SearchQuery.all())).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(uids(SearchQuery.uid(new UidRange(MessageUid.of(1), MessageUid.of(2)), new UidRange(MessageUid.of(4)))))
            .containsExactly(1L, 2L, 4L);
        assertThat(uids(SearchQuery.uid(new UidRange(MessageUid.of(4), MessageUid.MAX_VALUE)))).containsExactly(4L, 5L);
        assertThat(uids(SearchQuery.uid(new UidRange[0]))).isEmpty();
    }

    @Test
    void systemFlags() throws Exception {
        assertThat(uids(SearchQuery.flagIsSet(Flags.Flag.SEEN))).containsExactly(1L, 3L);
        assertThat(uids(SearchQuery.flagIsUnSet(Flags.Flag.SEEN))).containsExactly(2L, 4L, 5L);
        assertThat(uids(SearchQuery.flagIsSet(Flags.Flag.ANSWERED))).containsExactly(3L);
        assertThat(uids(SearchQuery.flagIsSet(Flags.Flag.FLAGGED))).containsExactly(2L);
        assertThat(uids(SearchQuery.flagIsSet(Flags.Flag.DELETED))).containsExactly(4L);
        assertThat(uids(SearchQuery.flagIsSet(Flags.Flag.DRAFT))).containsExactly(4L);
    }

    @Test
    void userFlagsIgnoringCase() throws Exception {
        assertThat(uids(SearchQuery.flagIsSet("work"))).containsExactly(2L);
        assertThat(uids(SearchQuery.flagIsSet("WORK"))).containsExactly(2L);
        assertThat(uids(SearchQuery.flagIsUnSet("Work"))).containsExactly(1L, 3L, 4L, 5L);
    }

    @Test
    void size() throws Exception {
        assertThat(uids(SearchQuery.sizeLessThan(1000))).containsExactly(3L);
        assertThat(uids(SearchQuery.sizeGreaterThan(1000))).containsExactly(2L, 5L);
        assertThat(uids(SearchQuery.sizeEquals(1000))).containsExactly(1L, 4L);
    }

    @Test
    void internalDateAtEachResolutionInUtc() throws Exception {
        assertThat(uids(SearchQuery.internalDateOn(date("2024-03-11T05:00:00Z"), DateResolution.Day))).containsExactly(2L);
        assertThat(uids(SearchQuery.internalDateBefore(date("2024-03-11T05:00:00Z"), DateResolution.Day))).containsExactly(1L, 4L);
        assertThat(uids(SearchQuery.internalDateAfter(date("2024-03-11T05:00:00Z"), DateResolution.Day))).containsExactly(3L, 5L);
        assertThat(uids(SearchQuery.internalDateOn(date("2024-03-31T23:00:00Z"), DateResolution.Month))).containsExactly(1L, 2L, 3L);
        assertThat(uids(SearchQuery.internalDateBefore(date("2024-06-30T00:00:00Z"), DateResolution.Year))).containsExactly(4L);
        assertThat(uids(SearchQuery.internalDateOn(date("2024-03-12T00:59:00Z"), DateResolution.Hour))).containsExactly(3L);
        assertThat(uids(SearchQuery.internalDateOn(date("2024-03-11T23:30:00Z"), DateResolution.Second))).containsExactly(2L);
    }

    @Test
    void sentDateFromTheDateHeaderNeverMatchesAMessageWithoutOne() throws Exception {
        assertThat(uids(SearchQuery.sentDateOn(date("2024-03-11T00:00:00Z"), DateResolution.Day))).containsExactly(3L);
        assertThat(uids(SearchQuery.sentDateBefore(date("2024-03-11T00:00:00Z"), DateResolution.Day))).containsExactly(1L, 4L);
        assertThat(uids(SearchQuery.sentDateAfter(date("2024-03-11T00:00:00Z"), DateResolution.Day))).containsExactly(5L);
        assertThat(uids(SearchQuery.not(SearchQuery.sentDateBefore(date("2024-03-11T00:00:00Z"), DateResolution.Day))))
            .containsExactly(2L, 3L, 5L);
    }

    @Test
    void headersExistAndContainIgnoringCase() throws Exception {
        assertThat(uids(SearchQuery.headerExists("X-Priority"))).containsExactly(1L);
        assertThat(uids(SearchQuery.headerContains("X-PRIORITY", "1"))).containsExactly(1L);
        assertThat(uids(SearchQuery.headerContains("Subject", "INVOICE 20"))).containsExactly(1L, 3L);
        assertThat(uids(SearchQuery.headerContains("Subject", "no such text"))).isEmpty();
        assertThat(uids(SearchQuery.subject("lunch"))).containsExactly(2L);
        assertThat(uids(SearchQuery.subject("überweisung"))).containsExactly(5L);
        assertThat(uids(SearchQuery.subject("ÜBERWEISUNG ERH"))).containsExactly(5L);
        assertThat(uids(SearchQuery.mimeMessageID("inv-1@EXAMPLE"))).containsExactly(1L);
    }

    @Test
    void addressesByNameAddressOrHeaderText() throws Exception {
        assertThat(uids(SearchQuery.address(AddressType.From, "alice"))).containsExactly(1L);
        assertThat(uids(SearchQuery.address(AddressType.From, "LIDDELL"))).containsExactly(1L);
        assertThat(uids(SearchQuery.address(AddressType.From, "MÜLLER"))).containsExactly(5L);
        assertThat(uids(SearchQuery.address(AddressType.From, "ZED@example"))).containsExactly(4L);
        assertThat(uids(SearchQuery.address(AddressType.From, "Builder <bob@"))).containsExactly(3L);
        assertThat(uids(SearchQuery.address(AddressType.To, "bob@example.com"))).containsExactly(1L, 2L);
        assertThat(uids(SearchQuery.address(AddressType.Cc, "dave"))).containsExactly(2L);
        assertThat(uids(SearchQuery.address(AddressType.Bcc, "bob"))).isEmpty();
    }

    @Test
    void textAndBodyMatchSubstringsIgnoringCaseAsJamesMatcherDoes() throws Exception {
        assertThat(uids(SearchQuery.mailContains("invoice"))).containsExactly(1L, 3L);
        assertThat(uids(SearchQuery.mailContains("VOIC"))).containsExactly(1L, 3L);
        assertThat(uids(SearchQuery.mailContains("ly invoice 20"))).containsExactly(1L, 3L);
        assertThat(uids(SearchQuery.mailContains("2024 QUARTERLY"))).isEmpty();
        assertThat(uids(SearchQuery.mailContains("carol@example.org"))).containsExactly(2L);
        // TEXT reads header fields as written: message 5's encoded words (=?UTF-8?Q?...?=) hold question marks.
        assertThat(uids(SearchQuery.mailContains("?"))).containsExactly(2L, 5L);
        assertThat(uids(SearchQuery.bodyContains("invoice"))).containsExactly(1L);
        assertThat(uids(SearchQuery.bodyContains("noon?"))).containsExactly(2L);
        assertThat(uids(SearchQuery.bodyContains("überweisung"))).containsExactly(5L);
        assertThat(uids(SearchQuery.bodyContains("Quarterly"))).isEmpty();
    }

    @Test
    void messageAndThreadIds() throws Exception {
        assertThat(uids(SearchQuery.hasMessageId(INVOICE_ID))).containsExactly(1L);
        assertThat(uids(SearchQuery.threadId(INVOICE_THREAD))).containsExactly(1L, 3L);
    }

    @Test
    void conjunctions() throws Exception {
        assertThat(uids(SearchQuery.and(SearchQuery.flagIsSet(Flags.Flag.SEEN), SearchQuery.address(AddressType.From, "alice"))))
            .containsExactly(1L);
        assertThat(uids(SearchQuery.or(SearchQuery.flagIsSet(Flags.Flag.FLAGGED), SearchQuery.flagIsSet(Flags.Flag.DRAFT))))
            .containsExactly(2L, 4L);
        assertThat(uids(SearchQuery.not(SearchQuery.flagIsSet(Flags.Flag.SEEN)))).containsExactly(2L, 4L, 5L);
        assertThat(uids(SearchQuery.not(SearchQuery.or(SearchQuery.sizeLessThan(1000), SearchQuery.sizeGreaterThan(2000)))))
            .containsExactly(1L, 4L);
        assertThat(uids(SearchQuery.or(List.of()))).isEmpty();
        assertThat(uids(SearchQuery.and(List.of()))).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(uids(SearchQuery.not(List.of()))).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void sortsWithUidAsTieBreaker() throws Exception {
        assertThat(sorted(new Sort(SortClause.Arrival, Order.REVERSE))).containsExactly(5L, 3L, 2L, 1L, 4L);
        // Message 2 has no Date header: James sorts it by its arrival date.
        assertThat(sorted(new Sort(SortClause.SentDate))).containsExactly(4L, 1L, 2L, 3L, 5L);
        assertThat(sorted(new Sort(SortClause.Size))).containsExactly(3L, 1L, 4L, 2L, 5L);
        assertThat(sorted(new Sort(SortClause.Size, Order.REVERSE), new Sort(SortClause.Uid, Order.REVERSE)))
            .containsExactly(5L, 2L, 4L, 1L, 3L);
    }

    private List<Long> uids(Criterion criterion) throws IndexUnavailableException {
        TranslatedQuery query = translator.translate(SearchQuery.of(criterion)).orElseThrow();
        return test.index.searchUids(MAILBOX, query).stream().sorted().collect(Collectors.toList());
    }

    private List<Long> sorted(Sort... sorts) throws IndexUnavailableException {
        return test.index.searchUids(MAILBOX, translator.translate(SearchQuery.allSortedWith(sorts)).orElseThrow());
    }

    private static Date date(String iso) {
        return Date.from(Instant.parse(iso));
    }
}
