package dev.jamespipeline.search.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.inmemory.InMemoryId;
import org.apache.james.mailbox.inmemory.InMemoryMailboxManager;
import org.apache.james.mailbox.inmemory.manager.InMemoryIntegrationResources;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.model.SearchQuery.AddressType;
import org.apache.james.mailbox.model.SearchQuery.Criterion;
import org.apache.james.mailbox.model.SearchQuery.DateResolution;
import org.apache.james.mailbox.model.SearchQuery.UidRange;
import org.apache.james.mailbox.store.extractor.DefaultTextExtractor;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.search.MessageSearches;
import org.apache.james.mailbox.store.search.SimpleMessageSearchIndex;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.search.InMemoryIndexBacklog;
import dev.jamespipeline.search.document.AttachmentTextExtractor;
import dev.jamespipeline.search.document.ExtractionLimits;
import dev.jamespipeline.search.document.MessageDocument;
import dev.jamespipeline.search.document.MessageDocumentBuilder;
import dev.jamespipeline.search.index.IndexOperation;
import dev.jamespipeline.search.index.MailIndex;
import dev.jamespipeline.search.index.SearchQueryTranslator;
import dev.jamespipeline.search.indexer.IndexUpdater;
import dev.jamespipeline.search.indexer.MailboxReader;
import dev.jamespipeline.search.testing.ScratchIndex;

/**
 * The differential test: a corpus of awkward messages appended to James's in-memory mailbox, read
 * and indexed by our indexer's own path into a real OpenSearch, and many searches, each answered
 * both by {@link OpenSearchMessageSearchIndex} and by James 3.8.1's {@link MessageSearches} over
 * every message of the mailbox. For every search the index answers, the answers are equal.
 *
 * <p>The text streams are cut at 3,000 characters here, so long messages are undecided by the index
 * and decided by James's scan of just them, as in production with larger ones.
 */
class ScanSemanticsIT {
    private static final Username USER = Username.of("bob@example.com");
    private static final int MAX_CHARS = 3_000;
    private static final List<String> TEXTS = List.of(
        "invoice", "voic", "ice 20", "INVOICE", "Invoice 2024", "1200 eur!!", "!!", "--", "@", "=?", "=?UTF-8?Q?",
        "grüße", "GRÜSSE", "straße", "STRASSE", "münchen", "привет", "ДОБРЫЙ", "日本", "café", "CAFÉ", "€", "world",
        "hello <b>", "&amp;", "amp", "notes", "content-type", "charset", "base64", "aab", "abac", "dedicated", "ever",
        "eve", "", "e", "needle", "END", "x-no-such", "Überweisung", "juergen", "Jürgen", "team", "a@x.org", "ll",
        "\r\n", " ", "a", "zzzz-not-there", "inner", "continued", "soft line", "crème", "€100", "“quoted”",
        "=C3=BC", "Z3J", "bob@example.com", "<bob@", "alice liddell", "\"", "Builder\" <", "ss", "ı", "İ", "k",
        "\\", "h\\", "\\s", "ends\\", "\uE05C", "*", "?", "\\*");
    private static final Instant BASE = Instant.parse("2024-03-10T10:00:00Z");

    private static InMemoryIntegrationResources resources;
    private static InMemoryMailboxManager mailboxManager;
    private static MailboxSession session;
    private static MessageManager inbox;
    private static Mailbox mailbox;
    private static AttachmentTextExtractor extractor;
    private static MailIndex index;
    private static ScratchIndex scratch;
    private static OpenSearchMessageSearchIndex searchIndex;
    private static final SearchQueryTranslator TRANSLATOR = new SearchQueryTranslator();

    @BeforeAll
    static void appendAndIndexTheCorpus() throws Exception {
        resources = InMemoryIntegrationResources.defaultResources();
        mailboxManager = resources.getMailboxManager();
        session = mailboxManager.createSystemSession(USER);
        MailboxPath path = MailboxPath.inbox(session);
        mailboxManager.createMailbox(path, session);
        inbox = mailboxManager.getMailbox(path, session);
        mailbox = inbox.getMailboxEntity();

        List<Corpus.Message> corpus = Corpus.messages();
        for (Corpus.Message message : corpus) {
            inbox.appendMessage(MessageManager.AppendCommand.builder()
                .withInternalDate(Date.from(message.internalDate()))
                .withFlags(message.flags())
                .notRecent()
                .build(message.bytes()), session);
        }

        extractor = new AttachmentTextExtractor(new ExtractionLimits(1024 * 1024, MAX_CHARS, Duration.ofSeconds(10), 3, 50, 100), 2);
        MailboxReader reader = new MailboxReader(mailboxManager, new InMemoryId.Factory(),
            new MessageDocumentBuilder(extractor, Clock.systemUTC()));
        scratch = ScratchIndex.create("scan-semantics-test");
        index = scratch.index();
        List<IndexOperation> writes = new ArrayList<>();
        for (long uid = 1; uid <= corpus.size(); uid++) {
            MessageDocument document = reader.document(USER.asString(), mailbox.getMailboxId().serialize(), uid).orElseThrow();
            writes.add(IndexOperation.upsert(document));
        }
        assertThat(index.write(writes).isComplete()).isTrue();
        index.refresh();

        SimpleMessageSearchIndex scanning = (SimpleMessageSearchIndex) resources.getSearchIndex();
        // An empty backlog: every message is indexed above, so each answer comes from the index.
        InMemoryIndexBacklog backlog = new InMemoryIndexBacklog();
        IndexUpdater updater = new IndexUpdater(index, reader, backlog, () -> { }, Clock.systemUTC());
        searchIndex = new OpenSearchMessageSearchIndex(index, TRANSLATOR, scanning, backlog, () -> updater,
            resources.getMessageIdFactory());
    }

    @AfterAll
    static void deleteIndex() throws Exception {
        scratch.close();
        extractor.close();
    }

    @Test
    void everySearchTheIndexAnswersGivesJamesScanAnswer() throws Exception {
        List<Criterion> atoms = atoms();
        List<Criterion> queries = new ArrayList<>(atoms);
        Random random = new Random(11);
        for (int i = 0; i < 400; i++) {
            Criterion a = atoms.get(random.nextInt(atoms.size()));
            Criterion b = atoms.get(random.nextInt(atoms.size()));
            Criterion c = atoms.get(random.nextInt(atoms.size()));
            queries.add(switch (i % 5) {
                case 0 -> SearchQuery.or(a, b);
                case 1 -> SearchQuery.and(a, SearchQuery.not(b));
                case 2 -> SearchQuery.not(SearchQuery.or(a, b));
                case 3 -> SearchQuery.or(List.of(SearchQuery.and(a, b), SearchQuery.not(c)));
                default -> SearchQuery.not(a);
            });
        }

        Map<String, String> mismatches = new LinkedHashMap<>();
        int answeredByIndex = 0;
        int withUndecided = 0;
        for (Criterion criterion : queries) {
            SearchQuery query = SearchQuery.of(criterion);
            var translated = TRANSLATOR.translate(query);
            if (translated.isEmpty()) {
                continue;
            }
            answeredByIndex++;
            if (!index.undecidedUids(mailbox.getMailboxId().serialize(), translated.get()).isEmpty()) {
                withUndecided++;
            }
            List<Long> expected = jamesScan(query);
            List<Long> actual = searchIndex.search(session, mailbox, query).map(MessageUid::asLong).collectList().block();
            if (!expected.equals(actual)) {
                mismatches.put(criterion.toString(), "James " + expected + ", index " + actual);
            }
        }
        System.out.printf("ScanSemanticsIT: %d messages, %d searches, %d answered by the index (%d with undecided messages"
            + " decided by scanning them), %d left to James's scan%n",
            Corpus.messages().size(), queries.size(), answeredByIndex, withUndecided, queries.size() - answeredByIndex);
        assertThat(mismatches).isEmpty();
        assertThat(answeredByIndex).isGreaterThan(queries.size() * 3 / 4);
        assertThat(withUndecided).isPositive();
    }

    /** James's scan over every message of the mailbox, in uid order as its search index reads them. */
    private static List<Long> jamesScan(SearchQuery query) throws Exception {
        MessageMapper mapper = mailboxManager.getMapperFactory().getMessageMapper(session);
        Iterator<MailboxMessage> messages = mapper.findInMailbox(mailbox, MessageRange.all(), MessageMapper.FetchType.FULL, -1);
        List<Long> uids = new ArrayList<>();
        new MessageSearches(messages, query, new DefaultTextExtractor(), null, session)
            .forEach(result -> uids.add(result.getMessageUid().asLong()));
        return uids;
    }

    private static List<Criterion> atoms() {
        List<Criterion> atoms = new ArrayList<>();
        for (String text : TEXTS) {
            atoms.add(SearchQuery.mailContains(text));
            atoms.add(SearchQuery.bodyContains(text));
            atoms.add(SearchQuery.subject(text));
            atoms.add(SearchQuery.headerContains("X-Custom", text));
            for (AddressType type : AddressType.values()) {
                atoms.add(SearchQuery.address(type, text));
            }
        }
        for (String name : List.of("X-Priority", "x-custom", "Bcc", "Date", "Subject", "X-Empty", "Message-ID")) {
            atoms.add(SearchQuery.headerExists(name));
        }
        atoms.add(SearchQuery.mimeMessageID("inv-1@EXAMPLE"));
        atoms.add(SearchQuery.all());
        for (Flags.Flag flag : List.of(Flags.Flag.SEEN, Flags.Flag.FLAGGED, Flags.Flag.ANSWERED, Flags.Flag.DELETED, Flags.Flag.DRAFT)) {
            atoms.add(SearchQuery.flagIsSet(flag));
            atoms.add(SearchQuery.flagIsUnSet(flag));
        }
        for (String flag : List.of("work", "WORK", "$label1", "über", "ÜBER", "none")) {
            atoms.add(SearchQuery.flagIsSet(flag));
            atoms.add(SearchQuery.flagIsUnSet(flag));
        }
        for (long size : List.of(100L, 300L, 500L, 1000L, 5000L)) {
            atoms.add(SearchQuery.sizeLessThan(size));
            atoms.add(SearchQuery.sizeGreaterThan(size));
            atoms.add(SearchQuery.sizeEquals(size));
        }
        atoms.add(SearchQuery.sizeEquals(Corpus.messages().get(0).bytes().length));
        for (String iso : List.of("2024-03-10T00:30:00Z", "2024-03-11T12:00:00Z", "2024-02-28T23:59:59Z", "2023-12-31T23:00:00Z")) {
            Date date = Date.from(Instant.parse(iso));
            for (DateResolution resolution : DateResolution.values()) {
                atoms.add(SearchQuery.internalDateBefore(date, resolution));
                atoms.add(SearchQuery.internalDateOn(date, resolution));
                atoms.add(SearchQuery.internalDateAfter(date, resolution));
                atoms.add(SearchQuery.sentDateBefore(date, resolution));
                atoms.add(SearchQuery.sentDateOn(date, resolution));
                atoms.add(SearchQuery.sentDateAfter(date, resolution));
            }
        }
        atoms.add(SearchQuery.uid(new UidRange(MessageUid.of(1), MessageUid.of(3))));
        atoms.add(SearchQuery.uid(new UidRange(MessageUid.of(5)), new UidRange(MessageUid.of(9), MessageUid.MAX_VALUE)));
        atoms.add(SearchQuery.uid(new UidRange[0]));
        return atoms;
    }

    /** The messages: each is a case where searching the index could differ from James's scan. */
    static final class Corpus {
        record Message(byte[] bytes, Instant internalDate, Flags flags) {
        }

        private static List<Message> messages;

        static synchronized List<Message> messages() {
            if (messages == null) {
                messages = build();
            }
            return messages;
        }

        private static List<Message> build() {
            List<Message> list = new ArrayList<>();
            // 1 plain ASCII
            add(list, 0, flags("\\Seen"), ascii(
                "From: Alice Liddell <alice@example.com>", "To: Bob <bob@example.com>",
                "Subject: Quarterly invoice 2024", "Date: Sun, 10 Mar 2024 09:00:00 +0000",
                "Message-ID: <inv-1@example.com>", "X-Priority: 1", "X-Custom: alpha--beta",
                "", "Please find the invoice attached.", "Total: 1200 EUR!!", ""));
            // 2 quoted-printable UTF-8, soft line breaks
            add(list, 1, flags("Work"), ascii(
                "From: \"Bob Builder\" <bob@builder.test>", "To: alice@example.com", "Subject: Re: Quarterly invoice 2024",
                "Date: Mon, 11 Mar 2024 00:30:00 +0000", "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: quoted-printable", "",
                "Gr=C3=BC=C3=9Fe aus M=C3=BCnchen, stra=C3=9Fe and soft =", "line continued", ""));
            // 3 base64 UTF-8 (Cyrillic)
            add(list, 2, flags("\\Flagged", "$Label1"), concat(ascii(
                "From: =?UTF-8?B?0JjQstCw0L0=?= <ivan@example.ru>", "To: Team: a@x.org, b@y.org;",
                "Subject: =?UTF-8?B?0J/RgNC40LLQtdGC?=", "Date: Tue, 12 Mar 2024 23:59:59 -0330",
                "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64", "", ""),
                base64Lines("Привет, мир! Добрый день.\r\n".getBytes(StandardCharsets.UTF_8))));
            // 4 ISO-8859-1, 8 bit, encoded-word subject and From
            add(list, 3, flags("\\Answered"), bytes(Charset.forName("ISO-8859-1"),
                "From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <juergen@example.de>", "To: kasse@example.de",
                "Subject: =?UTF-8?Q?=C3=9Cberweisung_erhalten?=", "Date: 1 Jan 12024 00:00:00 +0000",
                "Content-Type: text/plain; charset=ISO-8859-1", "Content-Transfer-Encoding: 8bit", "",
                "Café crème brûlée, Straße", ""));
            // 5 windows-1252 with euro and smart quotes
            add(list, 4, flags(), bytes(Charset.forName("windows-1252"),
                "From: shop@example.com", "To: bob@example.com", "Cc: Carol <carol@example.org>, dave@example.net",
                "Subject: Price “quoted” €100", "Date: the day after tomorrow",
                "Content-Type: text/plain; charset=windows-1252", "", "It costs €100 “quoted”.", ""));
            // 6 KOI8-R
            add(list, 5, flags("ÜBER"), bytes(Charset.forName("KOI8-R"),
                "From: ivan@example.ru", "To: bob@example.com", "Subject: koi8", "Content-Type: text/plain; charset=koi8-r",
                "", "Привет ДОБРЫЙ день", ""));
            // 7 Shift_JIS
            add(list, 6, flags(), bytes(Charset.forName("Shift_JIS"),
                "From: taro@example.jp", "To: bob@example.com", "Subject: sjis", "Content-Type: text/plain; charset=Shift_JIS",
                "", "日本語のテキスト", ""));
            // 8 HTML only
            add(list, 7, flags("\\Deleted"), ascii(
                "From: news@example.com", "To: bob@example.com", "Subject: Hello World newsletter",
                "Content-Type: text/html; charset=us-ascii", "",
                "<html><body><p>Hello <b>World</b> &amp; friends</p></body></html>", ""));
            // 9 multipart/alternative
            add(list, 8, flags("\\Draft"), ascii(
                "From: alice@example.com", "To: bob@example.com", "Subject: alternative", "MIME-Version: 1.0",
                "Content-Type: multipart/alternative; boundary=\"b1\"", "", "preamble text", "--b1",
                "Content-Type: text/plain; charset=utf-8", "", "plain needle version", "--b1",
                "Content-Type: text/html; charset=utf-8", "", "<p>html <i>needle</i> version</p>", "--b1--", "epilogue END", ""));
            // 10 multipart/mixed with a binary and a text attachment
            add(list, 9, flags(), concat(ascii(
                "From: alice@example.com", "To: bob@example.com", "Bcc: secret@example.com", "Subject: attachments",
                "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"mixed\"", "", "--mixed",
                "Content-Type: text/plain", "", "See the attached notes.", "--mixed",
                "Content-Type: application/octet-stream; name=\"data.bin\"", "Content-Transfer-Encoding: base64",
                "Content-Disposition: attachment; filename=\"data.bin\"", "", ""),
                base64Lines(new byte[] {0, 1, 2, (byte) 0xff, 'a', 'a', 'b', 'Z', 'Z'}),
                ascii("--mixed", "Content-Type: text/plain; name=\"notes.txt\"", "Content-Disposition: attachment; filename=\"notes.txt\"",
                    "", "dedicated eve ever", "--mixed--", "")));
            // 11 an attached message
            add(list, 10, flags("\\Seen", "work"), ascii(
                "From: alice@example.com", "To: bob@example.com", "Subject: forward", "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"outer\"", "", "--outer", "Content-Type: text/plain", "",
                "outer text", "--outer", "Content-Type: message/rfc822", "",
                "From: inner@example.com", "Subject: inner subject", "", "inner body text", "--outer--", ""));
            // 12 folded headers, empty header, duplicated subject
            add(list, 11, flags(), ascii(
                "From: alice@example.com", "To: bob@example.com,", " carol@example.org", "Subject: first subject",
                "Subject: second subject", "X-Custom: folded value", "\tcontinued here", "X-Empty:",
                "", "body", ""));
            // 13 a long line: the needle past the cut, then at the very end without a line break
            add(list, 12, flags(), ascii(
                "From: long@example.com", "To: bob@example.com", "Subject: long line",
                "", "x".repeat(2_000) + " invoice " + "y".repeat(5_000) + " needle " + "z".repeat(100) + " END"));
            // 14 an unknown charset: James's matcher fails on this part
            add(list, 13, flags(), ascii(
                "From: odd@example.com", "To: bob@example.com", "Subject: odd charset world",
                "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"o\"", "", "--o", "Content-Type: text/plain", "",
                "before the bad part: café", "--o", "Content-Type: text/plain; charset=x-no-such-charset", "", "after needle",
                "--o--", ""));
            // 15 raw UTF-8 in headers, no Date
            add(list, 14, flags(), bytes(StandardCharsets.UTF_8,
                "From: Jürgen <juergen@example.de>", "To: bob@example.com", "Subject: Grüße aus München", "X-Custom: ıİk",
                "", "xaaab ababac invoinvoice", ""));
            // 16 bare line feeds
            list.add(new Message(("From: lf@example.com\nTo: bob@example.com\nSubject: bare lf invoice\n\nline one\nline two invoice\n")
                .getBytes(StandardCharsets.US_ASCII), BASE.plusSeconds(15 * 3600), flags()));
            // 17 headers only, no body
            add(list, 16, flags(), ascii("From: nobody@example.com", "To: bob@example.com", "Subject: no body world"));
            // 18 a body ending exactly with the searched text
            add(list, 17, flags(), ascii("From: a@example.com", "To: bob@example.com", "Subject: ends", "", "it ends with needle"));
            // 19 date just after midnight, and a group in Cc
            add(list, 18, flags("\\Seen", "\\Flagged"), ascii(
                "From: \"Liddell, Alice\" <alice@example.com>", "To: undisclosed-recipients:;", "Cc: Team: a@x.org;",
                "Subject: midnight", "Date: Sun, 10 Mar 2024 00:30:00 +0000", "", "sent at 00:30 UTC", ""));
            // 20 backslashes (OpenSearch's wildcard field needs them swapped), a private-use character, wildcard characters
            add(list, 19, flags(), bytes(StandardCharsets.UTF_8,
                "From: \"back\\slash\" <bs@example.com>", "To: bob@example.com", "Subject: path C:\\dir\\",
                "X-Custom: a\\b\\ *? \uE05C", "Content-Type: text/plain; charset=utf-8", "",
                "back\\slash ends\\", "star * and question ? and \uE05C private", ""));
            return list;
        }

        private static void add(List<Message> list, int hours, Flags flags, byte[] bytes) {
            list.add(new Message(bytes, BASE.plusSeconds(hours * 3_600L - 10L * 3_600), flags));
        }

        private static Flags flags(String... names) {
            Flags flags = new Flags();
            for (String name : names) {
                switch (name) {
                    case "\\Seen" -> flags.add(Flags.Flag.SEEN);
                    case "\\Flagged" -> flags.add(Flags.Flag.FLAGGED);
                    case "\\Answered" -> flags.add(Flags.Flag.ANSWERED);
                    case "\\Deleted" -> flags.add(Flags.Flag.DELETED);
                    case "\\Draft" -> flags.add(Flags.Flag.DRAFT);
                    default -> flags.add(name);
                }
            }
            return flags;
        }

        private static byte[] ascii(String... lines) {
            return bytes(StandardCharsets.US_ASCII, lines);
        }

        private static byte[] bytes(Charset charset, String... lines) {
            return String.join("\r\n", lines).getBytes(charset);
        }

        private static byte[] base64Lines(byte[] content) {
            return (Base64.getMimeEncoder().encodeToString(content) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        private static byte[] concat(byte[]... parts) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] part : parts) {
                out.writeBytes(part);
            }
            return out.toByteArray();
        }
    }
}
