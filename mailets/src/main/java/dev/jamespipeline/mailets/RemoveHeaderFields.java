package dev.jamespipeline.mailets;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.GenericMailet;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;

/**
 * James's {@code RemoveMimeHeader} without the re-encoding: removes the header fields named in
 * {@code name} (comma separated, e.g. {@code bcc}) by dropping their lines from the raw bytes,
 * and leaves every other byte as it came. {@code RemoveMimeHeader} calls {@code saveChanges},
 * which parses the whole MIME tree (a ParseException on a bad Content-Type, a StackOverflowError
 * on deep nesting) and rewrites 8-bit headers as '?'.
 */
public class RemoveHeaderFields extends GenericMailet {
    private static final int LINE_FEED = '\n';

    private Set<String> names;

    @Override
    public void init() throws MailetException {
        String parameter = getInitParameter("name");
        if (parameter == null || parameter.isBlank()) {
            throw new MailetException(getClass().getSimpleName() + ": parameter 'name' is required (header field names, comma separated)");
        }
        names = Splitter.on(',').trimResults().omitEmptyStrings().splitToStream(parameter)
            .map(name -> name.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getMessage().getMatchingHeaderLines(names.toArray(String[]::new)).hasMoreElements()) {
            if (!(mail instanceof MailImpl impl)) {
                throw new MessagingException(getClass().getSimpleName() + " needs a James MailImpl, got " + mail.getClass().getName());
            }
            impl.setMessageContent(copyWithoutFields(mail));
        }
        for (var recipient : ImmutableList.copyOf(mail.getPerRecipientSpecificHeaders().getRecipientsWithSpecificHeaders())) {
            mail.getPerRecipientSpecificHeaders().getHeadersForRecipient(recipient)
                .removeIf(header -> names.contains(header.getName().toLowerCase(Locale.ROOT)));
        }
    }

    /** A copy, not a lazy view: setting the new content disposes the old message and its source. */
    private MimeMessageInputStreamSource copyWithoutFields(Mail mail) throws MessagingException {
        MimeMessageInputStreamSource copy = MimeMessageInputStreamSource.create("without-fields-" + UUID.randomUUID());
        try (InputStream in = new BufferedInputStream(new MailMessageSource(mail.getMessage(), mail.getName()).getInputStream());
             OutputStream out = copy.getWritableOutputStream()) {
            copyWithout(in, out, names);
        } catch (IOException e) {
            copy.dispose();
            throw new MessagingException("Cannot remove " + names + " from " + mail.getName() + ": " + e.getMessage(), e);
        }
        return copy;
    }

    /**
     * Copies a message, leaving out the header fields named in {@code lowerCaseNames} with their
     * folded continuation lines. Only LF ends a line, so bare CRs and 8-bit bytes pass unchanged.
     */
    static void copyWithout(InputStream in, OutputStream out, Set<String> lowerCaseNames) throws IOException {
        boolean dropping = false;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (readLine(in, line)) {
            byte[] bytes = line.toByteArray();
            if (isBlank(bytes)) {
                out.write(bytes);
                break;
            }
            boolean continuation = bytes[0] == ' ' || bytes[0] == '\t';
            if (!continuation) {
                dropping = lowerCaseNames.contains(fieldName(bytes));
            }
            if (!dropping) {
                out.write(bytes);
            }
        }
        in.transferTo(out);
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
        return colon < 0 ? "" : text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public String getMailetInfo() {
        return "Removes header fields from the raw message bytes";
    }
}
