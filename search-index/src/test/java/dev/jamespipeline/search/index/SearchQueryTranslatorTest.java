package dev.jamespipeline.search.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import java.util.List;

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
import org.junit.jupiter.api.Test;

/** Which James searches the index answers, and which it leaves to James's scan. */
class SearchQueryTranslatorTest {
    private static final Date DATE = Date.from(Instant.parse("2024-03-10T10:00:00Z"));

    private final SearchQueryTranslator translator = new SearchQueryTranslator();

    @Test
    void answersTheCriteriaItCanAnswerExactly() {
        List<Criterion> supported = List.of(
            SearchQuery.all(),
            SearchQuery.uid(new UidRange(MessageUid.of(1), MessageUid.of(9))),
            SearchQuery.flagIsSet(Flags.Flag.SEEN),
            SearchQuery.flagIsUnSet(Flags.Flag.ANSWERED),
            SearchQuery.flagIsSet(Flags.Flag.FLAGGED),
            SearchQuery.flagIsSet(Flags.Flag.DELETED),
            SearchQuery.flagIsSet(Flags.Flag.DRAFT),
            SearchQuery.flagIsSet("work"),
            SearchQuery.sizeLessThan(10),
            SearchQuery.sizeGreaterThan(10),
            SearchQuery.sizeEquals(10),
            SearchQuery.internalDateBefore(DATE, DateResolution.Day),
            SearchQuery.internalDateOn(DATE, DateResolution.Second),
            SearchQuery.sentDateAfter(DATE, DateResolution.Year),
            SearchQuery.headerExists("X-Mailer"),
            SearchQuery.headerContains("Subject", "hello"),
            SearchQuery.address(AddressType.Bcc, "bob"),
            SearchQuery.subject("hello"),
            SearchQuery.mimeMessageID("<a@b>"),
            SearchQuery.mailContains("hello"),
            SearchQuery.mailContains("--"),
            SearchQuery.bodyContains(""),
            SearchQuery.bodyContains("hello"),
            SearchQuery.hasMessageId(InMemoryMessageId.of(1)),
            SearchQuery.threadId(ThreadId.fromBaseMessageId(InMemoryMessageId.of(1))),
            SearchQuery.or(SearchQuery.not(SearchQuery.flagIsSet(Flags.Flag.SEEN)), SearchQuery.and(List.of())));

        for (Criterion criterion : supported) {
            assertThat(translator.translate(SearchQuery.of(criterion))).as(criterion.toString()).isPresent();
        }
    }

    @Test
    void leavesToJamesWhatTheIndexCannotAnswerExactly() {
        List<Criterion> unsupported = List.of(
            SearchQuery.flagIsSet(Flags.Flag.RECENT),
            SearchQuery.flagIsSet("\\Seen"),
            SearchQuery.modSeqGreaterThan(3),
            SearchQuery.saveDateBefore(DATE, DateResolution.Day),
            SearchQuery.headerDateBefore("Resent-Date", DATE, DateResolution.Day),
            // James formats hours 1-24: the hour after midnight sorts last.
            SearchQuery.internalDateBefore(DATE, DateResolution.Hour),
            SearchQuery.sentDateAfter(DATE, DateResolution.Second),
            // James's calendar is Julian before 1582; five-digit years compare wrongly as text.
            SearchQuery.internalDateOn(Date.from(Instant.parse("1500-01-01T00:00:00Z")), DateResolution.Day),
            SearchQuery.internalDateOn(Date.from(Instant.parse("+10000-01-01T00:00:00Z")), DateResolution.Day),
            // James reads attachments with its own extractor and records.
            SearchQuery.attachmentContains("hello"),
            SearchQuery.attachmentFileName("a.pdf"),
            SearchQuery.hasAttachment());

        for (Criterion criterion : unsupported) {
            assertThat(translator.translate(SearchQuery.of(criterion))).as(criterion.toString()).isEmpty();
            assertThat(translator.translate(SearchQuery.of(SearchQuery.all(), SearchQuery.or(SearchQuery.all(), criterion))))
                .as("%s inside a conjunction", criterion).isEmpty();
            assertThat(translator.translate(SearchQuery.of(SearchQuery.not(criterion))))
                .as("not %s", criterion).isEmpty();
        }
    }

    @Test
    void answersUidArrivalSentDateAndSizeSortsOnly() {
        assertThat(translator.translate(SearchQuery.allSortedWith(
                new Sort(SortClause.Arrival, Order.REVERSE), new Sort(SortClause.SentDate), new Sort(SortClause.Size),
                new Sort(SortClause.Uid))).orElseThrow().sorts())
            .containsExactly(
                new SortOption(SortOption.Field.ARRIVAL, true),
                SortOption.ascending(SortOption.Field.SENT_DATE),
                SortOption.ascending(SortOption.Field.SIZE),
                SortOption.ascending(SortOption.Field.UID));
        assertThat(translator.translate(SearchQuery.matchAll()).orElseThrow().sorts())
            .containsExactly(SortOption.ascending(SortOption.Field.UID));

        for (SortClause clause : List.of(SortClause.BaseSubject, SortClause.MailboxFrom, SortClause.MailboxTo,
                SortClause.MailboxCc, SortClause.Id)) {
            assertThat(translator.translate(SearchQuery.allSortedWith(new Sort(SortClause.Uid), new Sort(clause))))
                .as(clause.name()).isEmpty();
        }
    }

    @Test
    void theMatcherCanMissATextOnlyInsideATrapBuiltFromItsRecurringFirstCharacter() {
        assertThat(SearchQueryTranslator.matcherTraps("QUOKKA")).isEmpty();
        // The last character does not count: a partial match up to it cannot fail past an occurrence's start.
        assertThat(SearchQueryTranslator.matcherTraps("THAT")).isEmpty();
        assertThat(SearchQueryTranslator.matcherTraps("INVOICE")).containsExactly("INVOINVOICE");
        assertThat(SearchQueryTranslator.matcherTraps("AAB")).containsExactly("AAAB");
        assertThat(SearchQueryTranslator.matcherTraps("ABAC")).containsExactly("ABABAC");
    }

    @Test
    void wildcardCharactersOfSearchTextAreEscaped() {
        assertThat(SearchQueryTranslator.escapeWildcard("a*b?c\\d \") OR user:*"))
            .isEqualTo("a\\*b\\?c\\\\d \") OR user:\\*");
    }
}
