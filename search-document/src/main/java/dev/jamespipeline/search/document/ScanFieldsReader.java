package dev.jamespipeline.search.document;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TimeZone;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.datetime.DateTime;
import org.apache.james.mime4j.field.LenientFieldParser;
import org.apache.james.mime4j.field.address.AddressFormatter;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.field.datetime.parser.DateTimeParser;
import org.apache.james.mime4j.field.datetime.parser.ParseException;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.message.DefaultBodyDescriptorBuilder;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RecursionMode;
import org.apache.james.mime4j.util.ByteSequence;
import org.apache.james.mime4j.util.ContentUtil;
import org.apache.james.mime4j.util.MimeUtil;
import org.apache.james.util.io.BodyOffsetInputStream;
import org.apache.james.util.io.UnsynchronizedBufferedInputStream;

import dev.jamespipeline.search.document.MessageDocument.Header;
import dev.jamespipeline.search.document.MessageDocument.ScanFields;

/**
 * Computes {@link ScanFields}: what James 3.8.1's scanning search ({@code MessageSearches})
 * compares a message's criteria against, computed with the same mime4j calls, so that a search of
 * the index gives exactly the scan's answer. Each step names the James code it follows; the
 * differential test ({@code ScanSemanticsIT}) holds them to it.
 */
public final class ScanFieldsReader {
    /** What {@code MessageMatcher} (mime4j james-utils 0.8.9) parses with: no line or header length limit. */
    private static final MimeConfig MATCHER_CONFIG = MimeConfig.custom().setMaxLineLen(-1).setMaxHeaderLen(-1).build();
    private static final String DATE = "Date";
    /** Dates from this one on have five-digit years: James compares dates as text, which orders them wrongly. */
    private static final Instant FIVE_DIGIT_YEARS = Instant.parse("+10000-01-01T00:00:00Z");

    private ScanFieldsReader() {
    }

    /** @param maxChars characters kept of each text stream; beyond them the fields say the streams are incomplete */
    public static ScanFields read(byte[] message, int maxChars) throws IOException {
        List<Header> rawHeaders = jamesHeaders(message);
        Streams streams = new Streams(maxChars);
        streams.read(message);
        List<String> headers = rawHeaders.stream()
            .map(header -> ScanFields.headerLine(ScanFields.foldName(header.name()),
                ScanFields.headerCase(MimeUtil.unscrambleHeaderValue(header.value()))))
            .toList();
        DateValue date = date(rawHeaders);
        return new ScanFields(streams.text.toString(), streams.body.toString(), streams.complete, streams.fails, headers,
            addressTexts(rawHeaders, "From"), addressTexts(rawHeaders, "To"), addressTexts(rawHeaders, "Cc"),
            addressTexts(rawHeaders, "Bcc"), date.instant(), date.uncertain(), date.fails());
    }

    /**
     * Where James's append ({@code StoreMessageManager}) finds the body to start: after the first
     * CRLF CRLF its header parse reads, else 0, when James stores no header section at all (a
     * message without a blank line, or with bare line feeds).
     */
    private static int bodyStartOctet(byte[] message) throws IOException {
        try (BodyOffsetInputStream in = new BodyOffsetInputStream(
                new UnsynchronizedBufferedInputStream(new ByteArrayInputStream(message)))) {
            MimeTokenStream parser = new MimeTokenStream(MimeConfig.PERMISSIVE,
                new DefaultBodyDescriptorBuilder(null, new LenientFieldParser(), DecodeMonitor.SILENT));
            parser.setRecursionMode(RecursionMode.M_NO_RECURSE);
            parser.parse(in);
            EntityState next = parser.next();
            while (next != EntityState.T_BODY && next != EntityState.T_END_OF_STREAM && next != EntityState.T_START_MULTIPART) {
                next = parser.next();
            }
            return (int) Math.max(0, in.getBodyStartOffset());
        } catch (MimeException e) {
            throw new IOException("Unable to parse the header section as James does", e);
        }
    }

    /**
     * As {@code ResultUtils.createHeaders} on the header section James stores: the top-level
     * fields, values raw (not unfolded, not decoded).
     */
    private static List<Header> jamesHeaders(byte[] message) throws IOException {
        List<Header> results = new ArrayList<>();
        MimeStreamParser parser = new MimeStreamParser(MimeConfig.PERMISSIVE);
        parser.setContentHandler(new AbstractContentHandler() {
            @Override
            public void endHeader() {
                parser.stop();
            }

            @Override
            public void field(Field field) {
                String value;
                if (field instanceof RawField rawField) {
                    ByteSequence raw = field.getRaw();
                    int length = raw.length();
                    int offset = rawField.getDelimiterIdx() + 1;
                    if (length > offset + 1 && (raw.byteAt(offset) & 0xff) == 0x20) {
                        offset++;
                    }
                    value = ContentUtil.decode(raw, offset, length - offset);
                } else {
                    value = field.getBody();
                }
                if (value.endsWith("\r\f")) {
                    value = value.substring(0, value.length() - 2);
                }
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                results.add(new Header(field.getName(), value));
            }
        });
        try {
            parser.parse(new ByteArrayInputStream(message, 0, bodyStartOctet(message)));
        } catch (MimeException e) {
            throw new IOException("Unable to parse the headers as James does", e);
        }
        return results;
    }

    /**
     * As {@code MessageSearches.matchesAddress}: only the first field of that name counts; its
     * addresses (group members included) as mime4j formats them, decoded, then its raw value.
     * Upper-cased as James compares them; empty when the message has no such field.
     */
    private static List<String> addressTexts(List<Header> headers, String fieldName) {
        Optional<Header> first = headers.stream().filter(header -> fieldName.equalsIgnoreCase(header.name())).findFirst();
        if (first.isEmpty()) {
            return List.of();
        }
        String value = first.get().value();
        List<String> texts = new ArrayList<>();
        for (Address address : LenientAddressParser.DEFAULT.parseAddressList(value)) {
            if (address instanceof Mailbox mailbox) {
                texts.add(mailboxText(mailbox));
            } else if (address instanceof Group group) {
                group.getMailboxes().forEach(mailbox -> texts.add(mailboxText(mailbox)));
            }
        }
        texts.add(ScanFields.headerCase(value));
        return texts;
    }

    private static String mailboxText(Mailbox mailbox) {
        return ScanFields.headerCase(MimeUtil.unscrambleHeaderValue(AddressFormatter.DEFAULT.encode(mailbox)));
    }

    /**
     * As {@code MessageSearches.toISODate} on the first Date field. Uncertain when James would
     * compare it wrongly (a five-digit year) or fail on it in a way the index cannot mirror (the
     * date grammar's tokenizer throws an Error on some input).
     */
    private static DateValue date(List<Header> headers) {
        Optional<Header> first = headers.stream().filter(header -> DATE.equalsIgnoreCase(header.name())).findFirst();
        if (first.isEmpty()) {
            return new DateValue(Optional.empty(), false, false);
        }
        String value = MimeUtil.unscrambleHeaderValue(first.get().value());
        try {
            DateTime dateTime = new DateTimeParser(new StringReader(value)).parseAll();
            Calendar calendar = Calendar.getInstance(
                TimeZone.getTimeZone(String.format("GMT%+04d", dateTime.getTimeZone())), Locale.ENGLISH);
            calendar.set(dateTime.getYear(), dateTime.getMonth() - 1, dateTime.getDay(), dateTime.getHour(),
                dateTime.getMinute(), dateTime.getSecond());
            calendar.set(Calendar.MILLISECOND, 0);
            Instant instant = calendar.getTime().toInstant();
            // Not kept at all then: the index could not hold it either.
            return instant.isBefore(FIVE_DIGIT_YEARS) ? new DateValue(Optional.of(instant), false, false)
                : new DateValue(Optional.empty(), true, false);
        } catch (ParseException notADate) {
            return new DateValue(Optional.empty(), false, false);
        } catch (RuntimeException | Error tokenizerFailure) {
            return new DateValue(Optional.empty(), true, true);
        }
    }

    private record DateValue(Optional<Instant> instant, boolean uncertain, boolean fails) {
    }

    /**
     * The text {@code MessageMatcher} reads for TEXT (every field value and every body, in order)
     * and for BODY (the bodies), each character upper-cased as it compares them. Its search state
     * carries from one field or body to the next, so it searches the concatenation.
     */
    private static final class Streams {
        private final int maxChars;
        private final StringBuilder text = new StringBuilder();
        private final StringBuilder body = new StringBuilder();

        Streams(int maxChars) {
            this.maxChars = maxChars;
        }

        /** Not cut at the limit, and read to the end. */
        private boolean complete;
        /** James's matcher throws on this message where reading stopped. */
        private boolean fails;

        void read(byte[] message) {
            complete = readAll(message);
        }

        private boolean readAll(byte[] message) {
            try {
                MimeTokenStream parser = new MimeTokenStream(MATCHER_CONFIG);
                parser.parse(new ByteArrayInputStream(message));
                while (parser.next() != EntityState.T_END_OF_STREAM) {
                    switch (parser.getState()) {
                        case T_PREAMBLE, T_EPILOGUE, T_BODY -> {
                            try (Reader reader = parser.getReader()) {
                                if (!append(reader)) {
                                    return false;
                                }
                            }
                        }
                        case T_FIELD -> {
                            if (!append(parser.getField().getBody(), text)) {
                                return false;
                            }
                        }
                        default -> {
                            // structure only
                        }
                    }
                }
                return true;
            } catch (IllegalCharsetNameException | UnsupportedCharsetException | IllegalStateException e) {
                // The matcher stops here and answers "not found": the index cannot tell that from a later match.
                return false;
            } catch (IOException | MimeException e) {
                // James's scan fails on this message, unless it found the text before: it leaves the message out.
                fails = true;
                return false;
            }
        }

        private boolean append(Reader reader) throws IOException {
            int read;
            while ((read = reader.read()) != -1) {
                char upper = ScanFields.textCase((char) read);
                if (text.length() >= maxChars || body.length() >= maxChars) {
                    return false;
                }
                text.append(upper);
                body.append(upper);
            }
            return true;
        }

        private boolean append(String fieldBody, StringBuilder target) {
            for (int i = 0; i < fieldBody.length(); i++) {
                if (target.length() >= maxChars) {
                    return false;
                }
                target.append(ScanFields.textCase(fieldBody.charAt(i)));
            }
            return true;
        }
    }
}
