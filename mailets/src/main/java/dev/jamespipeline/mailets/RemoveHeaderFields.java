package dev.jamespipeline.mailets;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

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
        HeaderFieldEdits.remove(mail, field -> names.contains(field.lowerCaseName()));
        for (var recipient : ImmutableList.copyOf(mail.getPerRecipientSpecificHeaders().getRecipientsWithSpecificHeaders())) {
            mail.getPerRecipientSpecificHeaders().getHeadersForRecipient(recipient)
                .removeIf(header -> names.contains(header.getName().toLowerCase(Locale.ROOT)));
        }
    }

    @Override
    public String getMailetInfo() {
        return "Removes header fields from the raw message bytes";
    }
}
