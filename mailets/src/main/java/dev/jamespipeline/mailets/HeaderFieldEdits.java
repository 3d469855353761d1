package dev.jamespipeline.mailets;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Predicate;

import javax.mail.MessagingException;

import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.mailet.Mail;

/**
 * Header changes a stage makes without re-encoding the message: fields are added on top or dropped
 * from the raw bytes, and every other byte stays as it came (javax.mail's setHeader/saveChanges would
 * parse the whole MIME tree and rewrite 8-bit headers as '?').
 */
public final class HeaderFieldEdits {
    private static final int LINE_FEED = '\n';

    private HeaderFieldEdits() {
    }

    /** One header field as it came: its name and its raw lines, folded continuations included. */
    public record RawField(String name, byte[] bytes) {
        public String lowerCaseName() {
            return name.toLowerCase(Locale.ROOT);
        }

        /** The field's value with its folding undone (line breaks removed), as ISO-8859-1 text. */
        public String unfoldedValue() {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int colon = text.indexOf(':');
            return (colon < 0 ? "" : text.substring(colon + 1)).replaceAll("\r?\n", "").trim();
        }
    }

    /**
     * Puts {@code fields} (each "Name: value") above the message's own header, in the order given. A fold
     * (CRLF then a space or tab) is kept; any other line break inside a value is replaced by a space, so a
     * value cannot forge another field.
     */
    public static void prepend(Mail mail, List<String> fields) throws MessagingException {
        StringBuilder prefix = new StringBuilder();
        for (String field : fields) {
            prefix.append(field.replaceAll("\r\n(?![ \t])|\r(?!\n)|(?<!\r)\n", " ")).append("\r\n");
        }
        byte[] bytes = prefix.toString().getBytes(StandardCharsets.UTF_8);
        replaceContent(mail, "prepended", (in, out) -> {
            out.write(bytes);
            in.transferTo(out);
        });
    }

    /**
     * Drops the header fields {@code drop} selects (with their continuation lines); nothing else changes.
     * Only the header is read when no field is selected: the message is copied only when it changes.
     */
    public static void remove(Mail mail, Predicate<RawField> drop) throws MessagingException {
        if (readHeader(mail).fields().stream().anyMatch(drop)) {
            replaceContent(mail, "without-fields", (in, out) -> copyWithout(in, out, drop));
        }
    }

    /** The mail's header fields as they came, read without the body. */
    public static HeaderSection readHeader(Mail mail) throws MessagingException {
        try (InputStream in = new BufferedInputStream(new MailMessageSource(mail.getMessage(), mail.getName()).getInputStream())) {
            return readHeader(in);
        } catch (IOException e) {
            throw new MessagingException("Cannot read the header of " + mail.getName() + ": " + e.getMessage(), e);
        }
    }

    private interface Copy {
        void copy(InputStream in, OutputStream out) throws IOException;
    }

    /** A copy, not a lazy view: setting the new content disposes the old message and its source. */
    private static void replaceContent(Mail mail, String what, Copy copy) throws MessagingException {
        if (!(mail instanceof MailImpl impl)) {
            throw new MessagingException("Header edits need a James MailImpl, got " + mail.getClass().getName());
        }
        MimeMessageInputStreamSource result = MimeMessageInputStreamSource.create(what + "-" + UUID.randomUUID());
        try (InputStream in = new BufferedInputStream(new MailMessageSource(mail.getMessage(), mail.getName()).getInputStream());
             OutputStream out = result.getWritableOutputStream()) {
            copy.copy(in, out);
        } catch (IOException e) {
            result.dispose();
            throw new MessagingException("Cannot edit the header of " + mail.getName() + ": " + e.getMessage(), e);
        }
        impl.setMessageContent(result);
    }

    /**
     * Copies a message, leaving out the header fields {@code drop} selects. Only LF ends a line, so
     * bare CRs and 8-bit bytes pass unchanged; the body is copied as it is.
     */
    static void copyWithout(InputStream in, OutputStream out, Predicate<RawField> drop) throws IOException {
        HeaderSection header = readHeader(in);
        for (RawField field : header.fields()) {
            if (!drop.test(field)) {
                out.write(field.bytes());
            }
        }
        out.write(header.end());
        in.transferTo(out);
    }

    /**
     * A message's header as it came: its fields in order, and the blank line that ends it (empty when the
     * message ends without one).
     */
    public record HeaderSection(List<RawField> fields, byte[] end) {
        /** The fields named {@code name} (case-insensitive), top to bottom. */
        public List<RawField> fields(String name) {
            return fields.stream().filter(field -> field.name().equalsIgnoreCase(name)).toList();
        }
    }

    /**
     * Reads the header fields through the blank line that ends them; {@code in} is left at the body's first
     * byte. Only LF ends a line, so bare CRs and 8-bit bytes stay in the fields' bytes.
     */
    public static HeaderSection readHeader(InputStream in) throws IOException {
        List<RawField> fields = new ArrayList<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] end = new byte[0];
        while (readLine(in, line)) {
            byte[] bytes = line.toByteArray();
            boolean continuation = bytes[0] == ' ' || bytes[0] == '\t';
            if (!continuation) {
                flush(field, fields);
            }
            if (isBlank(bytes)) {
                end = bytes;
                break;
            }
            field.write(bytes);
        }
        flush(field, fields);
        return new HeaderSection(List.copyOf(fields), end);
    }

    private static void flush(ByteArrayOutputStream field, List<RawField> fields) {
        if (field.size() == 0) {
            return;
        }
        byte[] bytes = field.toByteArray();
        field.reset();
        fields.add(new RawField(fieldName(bytes), bytes));
    }

    private static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) != -1) {
            line.write(b);
            if (b == LINE_FEED) {
                return true;
            }
        }
        return line.size() > 0;
    }

    private static boolean isBlank(byte[] line) {
        return List.of("\r\n", "\n").contains(new String(line, StandardCharsets.ISO_8859_1));
    }

    private static String fieldName(byte[] line) {
        String text = new String(line, StandardCharsets.ISO_8859_1);
        int colon = text.indexOf(':');
        int end = text.indexOf('\n');
        return colon < 0 || (end >= 0 && end < colon) ? "" : text.substring(0, colon).trim();
    }
}
