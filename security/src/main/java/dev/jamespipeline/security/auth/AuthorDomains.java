package dev.jamespipeline.security.auth;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.field.MailboxListField;
import org.apache.james.mime4j.field.DefaultFieldParser;

import dev.jamespipeline.mailets.HeaderFieldEdits.HeaderSection;
import dev.jamespipeline.mailets.HeaderFieldEdits.RawField;

/**
 * The author domains DMARC evaluates (RFC 7489 section 6.6.1): the domain of every address of every From
 * field. A From field mime4j cannot parse, or an address without a domain, gives "" (evaluated as permerror).
 */
public final class AuthorDomains {
    private AuthorDomains() {
    }

    public static List<String> of(HeaderSection header) {
        List<String> domains = new ArrayList<>();
        for (RawField from : header.fields("From")) {
            domains.addAll(domains(from));
        }
        return domains;
    }

    private static List<String> domains(RawField from) {
        String raw = new String(from.bytes(), StandardCharsets.ISO_8859_1).replaceAll("\r?\n$", "");
        try {
            if (DefaultFieldParser.parse(raw) instanceof MailboxListField field && field.isValidField()
                    && !field.getMailboxList().isEmpty()) {
                List<String> domains = new ArrayList<>();
                for (Mailbox mailbox : field.getMailboxList()) {
                    domains.add(mailbox.getDomain() == null ? "" : mailbox.getDomain().toLowerCase(Locale.ROOT));
                }
                return domains;
            }
        } catch (MimeException | RuntimeException unparseable) {
            return List.of("");
        }
        return List.of("");
    }
}
