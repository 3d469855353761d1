package dev.jamespipeline.outbound.security.mtasts;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The {@code _mta-sts.<domain>} TXT record (RFC 8461 section 3.1): {@code v=STSv1; id=<1-32 letters or digits>},
 * which says the domain has a policy and which version of it is current.
 */
public final class MtaStsRecord {
    private static final Pattern VERSION = Pattern.compile("v[ \t]*=[ \t]*STSv1");
    private static final Pattern ID = Pattern.compile("id[ \t]*=[ \t]*([A-Za-z0-9]{1,32})");
    /** sts-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."), sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E). */
    private static final Pattern EXTENSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}[ \t]*=[ \t]*[\\x21-\\x3A\\x3C\\x3E-\\x7E]+");

    private MtaStsRecord() {
    }

    /**
     * The policy id, or empty when the domain has no usable record: none, several, or one that does not parse.
     *
     * @param txtRecords the TXT records as James's {@code DNSService.findTXTRecords} returns them (its dnsjava
     *                   implementation gives DNS presentation format: each string quoted, escapes in it)
     */
    public static Optional<String> policyId(Collection<String> txtRecords) {
        List<String> candidates = new ArrayList<>();
        for (String txt : txtRecords) {
            String text = joinedStrings(txt);
            if (text.startsWith("v=STSv1;")) {
                candidates.add(text);
            }
        }
        if (candidates.size() != 1) {
            return Optional.empty();
        }
        return parse(candidates.get(0));
    }

    /** One record's text: v=STSv1 first, an id, extensions allowed, fields separated by ';' and optional blanks. */
    static Optional<String> parse(String text) {
        String[] fields = text.split(";", -1);
        if (!VERSION.matcher(fields[0].strip()).matches()) {
            return Optional.empty();
        }
        String id = null;
        for (int i = 1; i < fields.length; i++) {
            String field = fields[i].strip();
            if (field.isEmpty() && i == fields.length - 1) {
                continue; // a trailing separator
            }
            var idMatch = ID.matcher(field);
            if (idMatch.matches() && id == null) {
                id = idMatch.group(1);
            } else if (field.startsWith("id") && field.substring(2).strip().startsWith("=")) {
                return Optional.empty(); // a second id, or an id that is not 1-32 letters or digits
            } else if (!EXTENSION.matcher(field).matches()) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(id);
    }

    /** A TXT record's strings concatenated without spaces (RFC 8461 section 3.1), its presentation format decoded by dnsjava. */
    private static String joinedStrings(String presentation) {
        if (!presentation.startsWith("\"")) {
            return presentation; // a DNSService that already returns the text (James's in-memory test DNS)
        }
        try {
            Record record = Record.fromString(Name.root, Type.TXT, DClass.IN, 0, presentation, Name.root);
            return String.join("", ((TXTRecord) record).getStrings());
        } catch (IOException e) {
            return "";
        }
    }
}
