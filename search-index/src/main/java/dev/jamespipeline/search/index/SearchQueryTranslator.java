package dev.jamespipeline.search.index;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import javax.mail.Flags;

import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.model.SearchQuery.AddressOperator;
import org.apache.james.mailbox.model.SearchQuery.AddressType;
import org.apache.james.mailbox.model.SearchQuery.ConjunctionCriterion;
import org.apache.james.mailbox.model.SearchQuery.ContainsOperator;
import org.apache.james.mailbox.model.SearchQuery.Criterion;
import org.apache.james.mailbox.model.SearchQuery.DateOperator;
import org.apache.james.mailbox.model.SearchQuery.DateResolution;
import org.apache.james.mailbox.model.SearchQuery.ExistsOperator;
import org.apache.james.mailbox.model.SearchQuery.HeaderCriterion;
import org.apache.james.mailbox.model.SearchQuery.NumericOperator;
import org.apache.james.mailbox.model.SearchQuery.TextCriterion;
import org.apache.james.mailbox.model.SearchQuery.UidRange;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.query_dsl.Query;

import dev.jamespipeline.search.document.MessageDocument.ScanFields;

/**
 * Turns a James {@link SearchQuery} into a query on the mail index that gives exactly the answer
 * of James 3.8.1's own scan ({@code MessageSearches}), or into nothing when some part of it (a
 * criterion or a sort) cannot be answered that way; the caller then lets James scan the mailbox.
 *
 * <p>Each criterion is compared with the {@code scan.*} fields, which hold what James compares, in
 * the case it compares in (see {@link ScanFields}). Where the index cannot decide a document, the
 * criterion says so ({@link TranslatedQuery#mayMatch()} without {@link TranslatedQuery#matches()})
 * and James's scan of those messages decides:
 * <ul>
 *   <li>TEXT and BODY: James's matcher reads the text once and, after a partial match fails,
 *       retries only from the failing character, so it misses occurrences that overlap a failed
 *       partial match. A document holding such a trap for the searched text (only possible when
 *       its first character recurs inside it, and rare in real text) is undecided. The matcher
 *       also needs a character after the match, which the index query asks for. A document whose
 *       text was cut at the extraction limit, or that James's matcher stops reading part-way
 *       (unknown charset), is undecided unless the text is found in what was kept; one James's
 *       matcher fails on (an IO error) is undecided for the whole search, since James then leaves
 *       it out whatever the other criteria say.</li>
 *   <li>The Date header: a date with a five-digit year (James compares dates as text) or one
 *       James's date parser fails on with an error.</li>
 * </ul>
 * Not answered from the index: \Recent (session state), mod-sequences (the index may lag behind
 * the mailbox), save dates (not indexed), dates of headers other than Date, dates before 1583 or
 * after 9999 (James's calendar switches to Julian, or the text comparison breaks), BEFORE and
 * AFTER finer than a day (James formats hours 1-24, which puts the hour after midnight last),
 * attachment criteria (James looks at its own attachment records and text extractor), address
 * criteria on other fields than From, To, Cc and Bcc, and sorts other than uid, arrival, sent date
 * and size.
 */
public class SearchQueryTranslator {
    private static final Map<AddressType, String> ADDRESS_FIELDS = Map.of(
        AddressType.From, "from", AddressType.To, "to", AddressType.Cc, "cc", AddressType.Bcc, "bcc");
    private static final String DATE_HEADER = ScanFields.foldName("Date");
    /** James's calendar is Gregorian from here on, and years have four digits until the end. */
    private static final Instant FIRST_COMPARABLE_DATE = Instant.parse("1583-01-01T00:00:00Z");
    private static final Instant FIVE_DIGIT_YEARS = Instant.parse("+10000-01-01T00:00:00Z");

    public Optional<TranslatedQuery> translate(SearchQuery searchQuery) {
        Optional<Answer> answer = allOf(searchQuery.getCriteria());
        List<SortOption> sorts = new ArrayList<>();
        for (SearchQuery.Sort sort : searchQuery.getSorts()) {
            Optional<SortOption> option = sort(sort);
            if (option.isEmpty()) {
                return Optional.empty();
            }
            sorts.add(option.get());
        }
        return answer.map(a -> a.failures().isEmpty()
            ? new TranslatedQuery(a.matches(), a.mayMatch(), a.exact(), sorts)
            // James's scan throws on these messages while evaluating the search: only it can say what it makes of them.
            : new TranslatedQuery(Queries.allOf(List.of(a.matches(), Queries.noneOf(a.failures()))),
                Queries.anyOf(List.of(a.mayMatch(), Queries.anyOf(a.failures()))), false, sorts));
    }

    /**
     * A criterion in the index's terms: the documents it certainly matches, those it may match
     * (the others it certainly does not), and those on which James's scan may fail evaluating it.
     */
    private record Answer(Query matches, Query mayMatch, boolean exact, List<Query> failures) {
        static Answer exactly(Query query) {
            return new Answer(query, query, true, List.of());
        }

        static Answer combine(List<Answer> answers, Function<List<Query>, Query> combinator) {
            List<Query> matches = answers.stream().map(Answer::matches).toList();
            if (answers.stream().allMatch(Answer::exact)) {
                return exactly(combinator.apply(matches));
            }
            return new Answer(combinator.apply(matches), combinator.apply(answers.stream().map(Answer::mayMatch).toList()),
                false, failures(answers));
        }

        /** Certainly none matches when none may match; possibly none when not every one certainly does. */
        static Answer none(List<Answer> answers) {
            if (answers.stream().allMatch(Answer::exact)) {
                return exactly(Queries.noneOf(answers.stream().map(Answer::matches).toList()));
            }
            return new Answer(Queries.noneOf(answers.stream().map(Answer::mayMatch).toList()),
                Queries.noneOf(answers.stream().map(Answer::matches).toList()), false, failures(answers));
        }

        private static List<Query> failures(List<Answer> answers) {
            return answers.stream().flatMap(answer -> answer.failures().stream()).toList();
        }
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

    private Optional<Answer> allOf(List<Criterion> criteria) {
        return translateAll(criteria).map(answers -> Answer.combine(answers, Queries::allOf));
    }

    private Optional<List<Answer>> translateAll(List<Criterion> criteria) {
        List<Answer> answers = new ArrayList<>();
        for (Criterion criterion : criteria) {
            Optional<Answer> answer = criterion(criterion);
            if (answer.isEmpty()) {
                return Optional.empty();
            }
            answers.add(answer.get());
        }
        return Optional.of(answers);
    }

    private Optional<Answer> criterion(Criterion criterion) {
        if (criterion instanceof SearchQuery.AllCriterion) {
            return Optional.of(Answer.exactly(Queries.matchAll()));
        } else if (criterion instanceof ConjunctionCriterion conjunction) {
            return conjunction(conjunction);
        } else if (criterion instanceof SearchQuery.UidCriterion uids) {
            return Optional.of(Answer.exactly(uids(uids.getOperator().getRange())));
        } else if (criterion instanceof SearchQuery.FlagCriterion flag) {
            return systemFlag(flag).map(Answer::exactly);
        } else if (criterion instanceof SearchQuery.CustomFlagCriterion flag) {
            return userFlag(flag).map(Answer::exactly);
        } else if (criterion instanceof SearchQuery.SizeCriterion size) {
            return Optional.of(Answer.exactly(size(size.getOperator())));
        } else if (criterion instanceof SearchQuery.InternalDateCriterion date) {
            return date(MailIndexSchema.INTERNAL_DATE, date.getOperator()).map(Answer::exactly);
        } else if (criterion instanceof HeaderCriterion header) {
            return header(header);
        } else if (criterion instanceof SearchQuery.SubjectCriterion subject) {
            return header(subject.asHeaderCriterion());
        } else if (criterion instanceof SearchQuery.MimeMessageIDCriterion messageId) {
            return header(messageId.asHeaderCriterion());
        } else if (criterion instanceof TextCriterion text) {
            return text(text);
        } else if (criterion instanceof SearchQuery.MessageIdCriterion messageId) {
            return Optional.of(Answer.exactly(Queries.term(MailIndexSchema.MESSAGE_ID, messageId.getMessageId().serialize())));
        } else if (criterion instanceof SearchQuery.ThreadIdCriterion threadId) {
            return Optional.of(Answer.exactly(Queries.term(MailIndexSchema.THREAD_ID, threadId.getThreadId().serialize())));
        }
        // AttachmentCriterion, ModSeqCriterion, SaveDateCriterion, and whatever James adds later.
        return Optional.empty();
    }

    private Optional<Answer> conjunction(ConjunctionCriterion conjunction) {
        return translateAll(conjunction.getCriteria()).map(answers -> switch (conjunction.getType()) {
            case AND -> Answer.combine(answers, Queries::allOf);
            case OR -> Answer.combine(answers, Queries::anyOf);
            case NOR -> Answer.none(answers);
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
        // James asks javax.mail.Flags, which compares user flags lower-cased in Locale.ENGLISH.
        Query hasFlag = Queries.term(MailIndexSchema.FLAGS_LOWERCASE, flag.getFlag().toLowerCase(Locale.ENGLISH));
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
     * James formats both dates at the resolution in UTC and compares the texts: ON is the unit
     * holding the date, BEFORE is before that unit starts, AFTER is from the next unit on. That
     * is the order of the dates themselves only for days and coarser (hours are formatted 1-24)
     * and for four-digit Gregorian years; otherwise the index does not answer.
     */
    private Optional<Query> date(String field, DateOperator operator) {
        DateResolution resolution = operator.getDateResultion();
        Instant date = operator.getDate().toInstant();
        boolean finerThanDay = resolution == DateResolution.Hour || resolution == DateResolution.Minute
            || resolution == DateResolution.Second;
        if (date.isBefore(FIRST_COMPARABLE_DATE) || !date.isBefore(FIVE_DIGIT_YEARS)
                || (finerThanDay && operator.getType() != SearchQuery.DateComparator.ON)) {
            return Optional.empty();
        }
        ZonedDateTime start = truncate(date.atZone(ZoneOffset.UTC), resolution);
        String from = start.toInstant().toString();
        String until = start.plus(1, unit(resolution)).toInstant().toString();
        return Optional.of(switch (operator.getType()) {
            case BEFORE -> Query.of(q -> q.range(r -> r.field(field).lt(Queries.json(from))));
            case AFTER -> Query.of(q -> q.range(r -> r.field(field).gte(Queries.json(until))));
            case ON -> Query.of(q -> q.range(r -> r.field(field).gte(Queries.json(from)).lt(Queries.json(until))));
        });
    }

    private static ZonedDateTime truncate(ZonedDateTime date, DateResolution resolution) {
        return switch (resolution) {
            case Year -> date.truncatedTo(ChronoUnit.DAYS).withDayOfYear(1);
            case Month -> date.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
            default -> date.truncatedTo(unit(resolution));
        };
    }

    private static ChronoUnit unit(DateResolution resolution) {
        return switch (resolution) {
            case Year -> ChronoUnit.YEARS;
            case Month -> ChronoUnit.MONTHS;
            case Day -> ChronoUnit.DAYS;
            case Hour -> ChronoUnit.HOURS;
            case Minute -> ChronoUnit.MINUTES;
            case Second -> ChronoUnit.SECONDS;
        };
    }

    private Optional<Answer> header(HeaderCriterion criterion) {
        String name = ScanFields.foldName(criterion.getHeaderName());
        SearchQuery.HeaderOperator operator = criterion.getOperator();
        if (!ScanFields.searchable(name) || !searchable(operator)) {
            return Optional.empty();
        }
        if (operator instanceof ExistsOperator) {
            return Optional.of(Answer.exactly(field(name, "")));
        } else if (operator instanceof ContainsOperator contains) {
            return Optional.of(Answer.exactly(field(name, escapeWildcard(ScanFields.headerCase(contains.getValue())))));
        } else if (operator instanceof AddressOperator address) {
            return addressField(criterion.getHeaderName())
                .map(field -> Answer.exactly(contains(MailIndexSchema.SCAN_ADDRESS_PREFIX + field, address.getAddress())));
        } else if (operator instanceof DateOperator date && DATE_HEADER.equals(name)) {
            return date(MailIndexSchema.SCAN_DATE, date).map(matches -> new Answer(matches,
                Queries.anyOf(List.of(matches, Queries.term(MailIndexSchema.SCAN_DATE_UNCERTAIN, true))), false,
                List.of(Queries.term(MailIndexSchema.SCAN_DATE_FAILS, true))));
        }
        return Optional.empty();
    }

    /** As James: some field of that name (folded) whose value holds the escaped pattern text. */
    private static Query field(String foldedName, String escapedText) {
        return wildcard(MailIndexSchema.SCAN_HEADERS,
            escapeWildcard(ScanFields.headerLine(foldedName, "")) + "*" + escapedText + "*");
    }

    private static boolean searchable(SearchQuery.HeaderOperator operator) {
        if (operator instanceof ContainsOperator contains) {
            return ScanFields.searchable(contains.getValue());
        } else if (operator instanceof AddressOperator address) {
            return ScanFields.searchable(address.getAddress());
        }
        return true;
    }

    private static Optional<String> addressField(String headerName) {
        return ADDRESS_FIELDS.entrySet().stream()
            .filter(entry -> entry.getKey().name().equalsIgnoreCase(headerName))
            .map(Map.Entry::getValue)
            .findFirst();
    }

    /** Some value of the field contains the text, both in the case James compares header text in. */
    private static Query contains(String field, String value) {
        return wildcard(field, "*" + escapeWildcard(ScanFields.headerCase(value)) + "*");
    }

    private static Query wildcard(String field, String pattern) {
        return Query.of(q -> q.wildcard(w -> w.field(field).value(pattern)));
    }

    /** The user's text is escaped, so it is only ever literal. */
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

    private Optional<Answer> text(TextCriterion criterion) {
        String value = criterion.getOperator().getValue();
        if (!ScanFields.searchable(value)) {
            return Optional.empty();
        }
        return switch (criterion.getType()) {
            case FULL -> Optional.of(matcherFinds(MailIndexSchema.SCAN_TEXT, value));
            case BODY -> Optional.of(matcherFinds(MailIndexSchema.SCAN_BODY, value));
            // James extracts attachment text with its own extractor, and names them from its own records.
            case ATTACHMENTS, ATTACHMENT_FILE_NAME -> Optional.empty();
        };
    }

    /**
     * Whether mime4j's MessageMatcher, as James runs it, finds the text: the text followed by at
     * least one more character, in the case it compares in, unless the document holds one of the
     * traps where the matcher can miss it ({@link #matcherTraps}); see the class comment.
     */
    private static Answer matcherFinds(String field, String value) {
        String text = ScanFields.textCase(value);
        Query found = wildcard(field, "*" + escapeWildcard(text) + "?*");
        List<Query> traps = matcherTraps(text).stream().map(trap -> wildcard(field, "*" + escapeWildcard(trap) + "*")).toList();
        Query certainlyFound = traps.isEmpty() ? found : Queries.allOf(List.of(found, Queries.noneOf(traps)));
        Query maybeFound = Queries.anyOf(List.of(found, Queries.not(Queries.term(MailIndexSchema.SCAN_TEXT_COMPLETE, true))));
        return new Answer(certainlyFound, maybeFound, false, List.of(Queries.term(MailIndexSchema.SCAN_TEXT_FAILS, true)));
    }

    /**
     * The texts without which the matcher finds the first occurrence of the searched text. It
     * restarts a failed partial match at the failing character only, so it misses an occurrence
     * that starts inside a partial match: one of length p, followed by the text, where the text's
     * character at p is its first (1 &lt;= p &lt;= n-2). A document holding none of these is
     * decided by the index; one holding one (contrived text, such as INVOINVOICE) by James's scan.
     */
    static List<String> matcherTraps(String text) {
        List<String> traps = new ArrayList<>();
        for (int p = 1; p <= text.length() - 2; p++) {
            if (text.charAt(p) == text.charAt(0)) {
                traps.add(text.substring(0, p) + text);
            }
        }
        return traps;
    }
}
