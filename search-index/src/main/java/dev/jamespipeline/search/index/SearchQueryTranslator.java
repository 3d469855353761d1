package dev.jamespipeline.search.index;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.mail.Flags;

import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.model.SearchQuery.AddressOperator;
import org.apache.james.mailbox.model.SearchQuery.ConjunctionCriterion;
import org.apache.james.mailbox.model.SearchQuery.ContainsOperator;
import org.apache.james.mailbox.model.SearchQuery.Criterion;
import org.apache.james.mailbox.model.SearchQuery.DateOperator;
import org.apache.james.mailbox.model.SearchQuery.ExistsOperator;
import org.apache.james.mailbox.model.SearchQuery.HeaderCriterion;
import org.apache.james.mailbox.model.SearchQuery.NumericOperator;
import org.apache.james.mailbox.model.SearchQuery.TextCriterion;
import org.apache.james.mailbox.model.SearchQuery.UidRange;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.query_dsl.ChildScoreMode;
import org.opensearch.client.opensearch._types.query_dsl.Operator;
import org.opensearch.client.opensearch._types.query_dsl.Query;

/**
 * Turns a James {@link SearchQuery} into a query on the mail index, or into nothing when any part
 * of it (a criterion or a sort) cannot be answered exactly from the index; the caller then lets
 * James scan the mailbox. The meaning of each criterion is the one James's own scan gives it
 * ({@code MessageSearches} in James 3.8.1), with these deliberate differences:
 * <ul>
 *   <li>Text (TEXT, BODY, attachment content) is matched word by word: every word of the searched
 *       text must occur in the message (standard analyzer, case-insensitive), not the text as a
 *       substring. "invoice 2024" finds "the 2024 invoice"; "voic" does not find "invoice". A
 *       search with no letter or digit in it is left to James.</li>
 *   <li>Header, subject, Message-ID and address criteria are case-insensitive substring matches,
 *       as in James, but on decoded header values (James compares the raw, possibly RFC 2047
 *       encoded text). Values longer than 8191 characters are not searchable this way.</li>
 *   <li>Dates are compared at the criterion's resolution in UTC, as in James; James formats hours
 *       as 1-24, which puts the hour after midnight after the rest of its day; here it comes
 *       first.</li>
 * </ul>
 * Not answered from the index: \Recent (session state), mod-sequences (the index may lag
 * behind the mailbox), save dates (not indexed), dates of headers other than Date, and sorts
 * other than uid, arrival, sent date and size.
 */
public class SearchQueryTranslator {
    private static final Set<String> ADDRESS_HEADERS = Set.of("from", "to", "cc", "bcc");
    private static final String DATE_HEADER = "date";

    public Optional<TranslatedQuery> translate(SearchQuery searchQuery) {
        Optional<Query> query = allOf(searchQuery.getCriteria());
        List<SortOption> sorts = new ArrayList<>();
        for (SearchQuery.Sort sort : searchQuery.getSorts()) {
            Optional<SortOption> option = sort(sort);
            if (option.isEmpty()) {
                return Optional.empty();
            }
            sorts.add(option.get());
        }
        return query.map(q -> new TranslatedQuery(q, sorts));
    }

    private Optional<SortOption> sort(SearchQuery.Sort sort) {
        Optional<SortOption.Field> field = switch (sort.getSortClause()) {
            case Uid -> Optional.of(SortOption.Field.UID);
            case Arrival -> Optional.of(SortOption.Field.ARRIVAL);
            case SentDate -> Optional.of(SortOption.Field.SENT_DATE);
            case Size -> Optional.of(SortOption.Field.SIZE);
            default -> Optional.empty();
        };
        return field.map(f -> new SortOption(f, sort.isReverse()));
    }

    private Optional<Query> allOf(List<Criterion> criteria) {
        return translateAll(criteria).map(Queries::allOf);
    }

    private Optional<List<Query>> translateAll(List<Criterion> criteria) {
        List<Query> queries = new ArrayList<>();
        for (Criterion criterion : criteria) {
            Optional<Query> query = criterion(criterion);
            if (query.isEmpty()) {
                return Optional.empty();
            }
            queries.add(query.get());
        }
        return Optional.of(queries);
    }

    private Optional<Query> criterion(Criterion criterion) {
        if (criterion instanceof SearchQuery.AllCriterion) {
            return Optional.of(Queries.matchAll());
        } else if (criterion instanceof ConjunctionCriterion conjunction) {
            return conjunction(conjunction);
        } else if (criterion instanceof SearchQuery.UidCriterion uids) {
            return Optional.of(uids(uids.getOperator().getRange()));
        } else if (criterion instanceof SearchQuery.FlagCriterion flag) {
            return systemFlag(flag);
        } else if (criterion instanceof SearchQuery.CustomFlagCriterion flag) {
            return userFlag(flag);
        } else if (criterion instanceof SearchQuery.SizeCriterion size) {
            return Optional.of(size(size.getOperator()));
        } else if (criterion instanceof SearchQuery.InternalDateCriterion date) {
            return Optional.of(date(MailIndexSchema.INTERNAL_DATE, date.getOperator()));
        } else if (criterion instanceof HeaderCriterion header) {
            return header(header);
        } else if (criterion instanceof SearchQuery.SubjectCriterion subject) {
            return header(subject.asHeaderCriterion());
        } else if (criterion instanceof SearchQuery.MimeMessageIDCriterion messageId) {
            return header(messageId.asHeaderCriterion());
        } else if (criterion instanceof TextCriterion text) {
            return text(text);
        } else if (criterion instanceof SearchQuery.AttachmentCriterion attachment) {
            return Optional.of(Queries.term(MailIndexSchema.HAS_ATTACHMENT, attachment.getOperator().isSet()));
        } else if (criterion instanceof SearchQuery.MessageIdCriterion messageId) {
            return Optional.of(Queries.term(MailIndexSchema.MESSAGE_ID, messageId.getMessageId().serialize()));
        } else if (criterion instanceof SearchQuery.ThreadIdCriterion threadId) {
            return Optional.of(Queries.term(MailIndexSchema.THREAD_ID, threadId.getThreadId().serialize()));
        }
        // ModSeqCriterion, SaveDateCriterion, and whatever James adds later.
        return Optional.empty();
    }

    private Optional<Query> conjunction(ConjunctionCriterion conjunction) {
        return translateAll(conjunction.getCriteria()).map(queries -> switch (conjunction.getType()) {
            case AND -> Queries.allOf(queries);
            case OR -> Queries.anyOf(queries);
            case NOR -> Queries.noneOf(queries);
        });
    }

    /** Inclusive ranges; no range at all matches nothing, as in James's scan. */
    private Query uids(UidRange[] ranges) {
        List<Query> queries = new ArrayList<>();
        for (UidRange range : ranges) {
            queries.add(Query.of(q -> q.range(r -> r.field(MailIndexSchema.UID)
                .gte(Queries.json(range.getLowValue().asLong()))
                .lte(Queries.json(range.getHighValue().asLong())))));
        }
        return Queries.anyOf(queries);
    }

    private Optional<Query> systemFlag(SearchQuery.FlagCriterion flag) {
        // \Recent belongs to the IMAP session: what the index holds of it is stale.
        if (flag.getFlag() == Flags.Flag.RECENT) {
            return Optional.empty();
        }
        return IndexedFlags.name(flag.getFlag())
            .map(name -> flag(Queries.term(MailIndexSchema.FLAGS, name), flag.getOperator().isSet()));
    }

    private Optional<Query> userFlag(SearchQuery.CustomFlagCriterion flag) {
        // The index keeps system and user flags together; a backslash name would match a system flag,
        // which James's user-flag test never does.
        if (flag.getFlag().startsWith("\\")) {
            return Optional.empty();
        }
        // James (javax.mail.Flags) compares user flags ignoring case.
        Query hasFlag = Query.of(q -> q.term(term -> term.field(MailIndexSchema.FLAGS)
            .value(FieldValue.of(flag.getFlag())).caseInsensitive(true)));
        return Optional.of(flag(hasFlag, flag.getOperator().isSet()));
    }

    private static Query flag(Query hasFlag, boolean set) {
        return set ? hasFlag : Queries.not(hasFlag);
    }

    private Query size(NumericOperator operator) {
        long value = operator.getValue();
        return switch (operator.getType()) {
            case LESS_THAN -> Query.of(q -> q.range(r -> r.field(MailIndexSchema.SIZE).lt(Queries.json(value))));
            case GREATER_THAN -> Query.of(q -> q.range(r -> r.field(MailIndexSchema.SIZE).gt(Queries.json(value))));
            case EQUALS -> Query.of(q -> q.term(t -> t.field(MailIndexSchema.SIZE).value(FieldValue.of(value))));
        };
    }

    /**
     * James truncates both dates to the resolution in UTC and compares: ON is the resolution unit
     * holding the date, BEFORE is before that unit starts, AFTER is from the next unit on.
     */
    private Query date(String field, DateOperator operator) {
        SearchQuery.DateResolution resolution = operator.getDateResultion();
        ZonedDateTime start = truncate(operator.getDate().toInstant().atZone(ZoneOffset.UTC), resolution);
        String from = start.toInstant().toString();
        String until = start.plus(1, unit(resolution)).toInstant().toString();
        return switch (operator.getType()) {
            case BEFORE -> Query.of(q -> q.range(r -> r.field(field).lt(Queries.json(from))));
            case AFTER -> Query.of(q -> q.range(r -> r.field(field).gte(Queries.json(until))));
            case ON -> Query.of(q -> q.range(r -> r.field(field).gte(Queries.json(from)).lt(Queries.json(until))));
        };
    }

    private static ZonedDateTime truncate(ZonedDateTime date, SearchQuery.DateResolution resolution) {
        return switch (resolution) {
            case Year -> date.truncatedTo(ChronoUnit.DAYS).withDayOfYear(1);
            case Month -> date.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
            default -> date.truncatedTo(unit(resolution));
        };
    }

    private static ChronoUnit unit(SearchQuery.DateResolution resolution) {
        return switch (resolution) {
            case Year -> ChronoUnit.YEARS;
            case Month -> ChronoUnit.MONTHS;
            case Day -> ChronoUnit.DAYS;
            case Hour -> ChronoUnit.HOURS;
            case Minute -> ChronoUnit.MINUTES;
            case Second -> ChronoUnit.SECONDS;
        };
    }

    private Optional<Query> header(HeaderCriterion criterion) {
        String name = criterion.getHeaderName().toLowerCase(Locale.US);
        SearchQuery.HeaderOperator operator = criterion.getOperator();
        if (operator instanceof ExistsOperator) {
            return Optional.of(inHeaders(Queries.term(MailIndexSchema.HEADER_NAME, name)));
        } else if (operator instanceof ContainsOperator contains) {
            return Optional.of(headerContains(name, contains.getValue()));
        } else if (operator instanceof AddressOperator address && ADDRESS_HEADERS.contains(name)) {
            return Optional.of(addressContains(name, address.getAddress()));
        } else if (operator instanceof DateOperator date && DATE_HEADER.equals(name)) {
            return Optional.of(date(MailIndexSchema.SENT_DATE, date));
        }
        return Optional.empty();
    }

    private static Query headerContains(String name, String value) {
        return inHeaders(Queries.allOf(List.of(
            Queries.term(MailIndexSchema.HEADER_NAME, name),
            containsIgnoringCase(MailIndexSchema.HEADER_VALUE_LOWERCASE, value))));
    }

    /**
     * As James: an address of that field whose name or address contains the text, or the raw
     * header containing it.
     */
    private static Query addressContains(String field, String value) {
        return Queries.anyOf(List.of(
            containsIgnoringCase(field + ".address", value),
            containsIgnoringCase(field + ".name.lowercase", value),
            headerContains(field, value)));
    }

    private static Query inHeaders(Query query) {
        return Query.of(q -> q.nested(nested -> nested.path(MailIndexSchema.HEADERS).query(query)
            .scoreMode(ChildScoreMode.None)));
    }

    /**
     * A substring test on a lower-casing keyword field (which lower-cases the pattern too); the
     * user's text is escaped, so it is only ever literal.
     */
    private static Query containsIgnoringCase(String lowercaseField, String value) {
        String pattern = "*" + escapeWildcard(value) + "*";
        return Query.of(q -> q.wildcard(w -> w.field(lowercaseField).value(pattern)));
    }

    static String escapeWildcard(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '\\' || c == '*' || c == '?') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    private Optional<Query> text(TextCriterion criterion) {
        String value = criterion.getOperator().getValue();
        return switch (criterion.getType()) {
            case FULL -> words(MailIndexSchema.SEARCH_TEXT, value);
            case BODY -> words(MailIndexSchema.SEARCH_BODY_TEXT, value);
            case ATTACHMENTS -> words(MailIndexSchema.ATTACHMENT_TEXT, value);
            // James: an attachment whose file name is exactly this.
            case ATTACHMENT_FILE_NAME -> Optional.of(Queries.term(MailIndexSchema.ATTACHMENT_FILE_NAME, value));
        };
    }

    /** Every word of the text occurs in the field. */
    private static Optional<Query> words(String field, String text) {
        if (text.codePoints().noneMatch(Character::isLetterOrDigit)) {
            // The analyzer would keep no word of it: only James's substring scan can answer.
            return Optional.empty();
        }
        return Optional.of(Query.of(q -> q.match(match -> match.field(field)
            .query(FieldValue.of(text)).operator(Operator.And))));
    }
}
