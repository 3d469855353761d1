package dev.jamespipeline.search.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.james.mime4j.codec.EncoderUtil;

import dev.jamespipeline.search.document.MessageDocument;
import dev.jamespipeline.search.document.MessageDocument.Address;
import dev.jamespipeline.search.document.MessageDocument.Attachment;
import dev.jamespipeline.search.document.MessageDocument.Header;
import dev.jamespipeline.search.document.MessageDocument.ScanFields;
import dev.jamespipeline.search.document.ScanFieldsReader;

/** Message documents for tests: sensible defaults, change what the test is about. */
final class TestDocuments {
    private TestDocuments() {
    }

    static Builder message(String mailboxId, long uid) {
        return new Builder(mailboxId, uid);
    }

    static final class Builder {
        private String user = "bob@example.com";
        private final String mailboxId;
        private final long uid;
        private String messageId;
        private String threadId;
        private long modSeq = 1;
        private List<String> flags = List.of();
        private Instant internalDate = Instant.parse("2024-03-10T10:00:00Z");
        private Optional<Instant> sentDate = Optional.of(Instant.parse("2024-03-10T09:00:00Z"));
        private long size = 1000;
        private final List<Header> extraHeaders = new ArrayList<>();
        private List<Address> from = List.of(new Address("Alice", "alice@example.com"));
        private List<Address> to = List.of(new Address("Bob", "bob@example.com"));
        private List<Address> cc = List.of();
        private String subject = "Hello";
        private Optional<String> mimeMessageId = Optional.empty();
        private String bodyText = "Hello Bob";
        private List<Attachment> attachments = List.of();
        private Instant indexedAt = Instant.parse("2024-03-10T10:00:01Z");

        private Builder(String mailboxId, long uid) {
            this.mailboxId = mailboxId;
            this.uid = uid;
            this.messageId = "message-" + mailboxId + "-" + uid;
            this.threadId = messageId;
        }

        Builder user(String value) {
            user = value;
            return this;
        }

        Builder messageId(String value) {
            messageId = value;
            return this;
        }

        Builder threadId(String value) {
            threadId = value;
            return this;
        }

        Builder modSeq(long value) {
            modSeq = value;
            return this;
        }

        Builder flags(String... values) {
            flags = List.of(values);
            return this;
        }

        Builder internalDate(String iso) {
            internalDate = Instant.parse(iso);
            return this;
        }

        Builder sentDate(String iso) {
            sentDate = Optional.of(Instant.parse(iso));
            return this;
        }

        Builder noSentDate() {
            sentDate = Optional.empty();
            return this;
        }

        Builder size(long value) {
            size = value;
            return this;
        }

        Builder header(String name, String value) {
            extraHeaders.add(new Header(name, value));
            return this;
        }

        Builder from(String name, String address) {
            from = List.of(new Address(name, address));
            return this;
        }

        Builder to(String name, String address) {
            to = List.of(new Address(name, address));
            return this;
        }

        Builder cc(String name, String address) {
            cc = List.of(new Address(name, address));
            return this;
        }

        Builder subject(String value) {
            subject = value;
            return this;
        }

        Builder mimeMessageId(String value) {
            mimeMessageId = Optional.of(value);
            return this;
        }

        Builder body(String value) {
            bodyText = value;
            return this;
        }

        Builder attachment(String fileName, String text) {
            attachments = List.of(new Attachment(fileName, "application/pdf", 2048, text, Optional.empty()));
            return this;
        }

        Builder indexedAt(String iso) {
            indexedAt = Instant.parse(iso);
            return this;
        }

        /** The headers follow the fields, as the document builder writes them. */
        MessageDocument build() {
            List<Header> headers = new ArrayList<>();
            headers.add(new Header("from", formatted(from)));
            headers.add(new Header("to", formatted(to)));
            if (!cc.isEmpty()) {
                headers.add(new Header("cc", formatted(cc)));
            }
            headers.add(new Header("subject", subject));
            mimeMessageId.ifPresent(id -> headers.add(new Header("message-id", id)));
            sentDate.ifPresent(date -> headers.add(new Header("date", DateTimeFormatter.RFC_1123_DATE_TIME.format(date.atZone(ZoneOffset.UTC)))));
            headers.addAll(extraHeaders);
            return new MessageDocument(user, mailboxId, uid, messageId, threadId, modSeq, flags, internalDate, sentDate,
                size, headers, from, to, cc, List.of(), subject, mimeMessageId, bodyText, attachments, scan(headers), indexedAt);
        }

        /**
         * What James's scan sees of the message these fields describe, written out as a mailer
         * would: non-ASCII header text in encoded words, the body in UTF-8, declared.
         */
        private ScanFields scan(List<Header> headers) {
            String raw = headers.stream()
                .map(header -> header.name() + ": " + encoded(header) + "\r\n")
                .collect(Collectors.joining())
                + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + bodyText + "\r\n";
            try {
                return ScanFieldsReader.read(raw.getBytes(StandardCharsets.UTF_8), 1_000_000);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private String encoded(Header header) {
            List<Address> addresses = switch (header.name()) {
                case "from" -> from;
                case "to" -> to;
                case "cc" -> cc;
                default -> null;
            };
            if (addresses == null) {
                return EncoderUtil.encodeIfNecessary(header.value(), EncoderUtil.Usage.TEXT_TOKEN, header.name().length() + 2);
            }
            return addresses.stream()
                .map(address -> address.name().isEmpty() ? address.address()
                    : EncoderUtil.encodeAddressDisplayName(address.name()) + " <" + address.address() + ">")
                .collect(Collectors.joining(", "));
        }

        private static String formatted(List<Address> addresses) {
            return addresses.stream()
                .map(address -> address.name().isEmpty() ? address.address() : "\"" + address.name() + "\" <" + address.address() + ">")
                .collect(Collectors.joining(", "));
        }
    }
}
