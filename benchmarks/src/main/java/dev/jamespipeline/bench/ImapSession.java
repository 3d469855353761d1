package dev.jamespipeline.bench;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.net.imap.IMAPClient;

/**
 * One logged-in IMAP connection on 127.0.0.1 (Commons Net), for the benchmarks and the fault harness:
 * the INBOX's message count, UID SEARCH, and the values of one header in every INBOX message. It
 * speaks only IMAP, so it reads any server's mailboxes, whatever their backend.
 */
final class ImapSession implements AutoCloseable {
    private static final Pattern MESSAGES = Pattern.compile("\\(MESSAGES (\\d+)\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern SEARCH = Pattern.compile("^\\* SEARCH(.*)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern FETCH = Pattern.compile("^\\* \\d+ FETCH ", Pattern.CASE_INSENSITIVE);
    private static final Pattern FIELD = Pattern.compile("^([A-Za-z0-9-]+):(.*)$");
    private static final Pattern APPEND_UID = Pattern.compile("\\[APPENDUID \\d+ (\\d+)\\]", Pattern.CASE_INSENSITIVE);

    private final IMAPClient client = new IMAPClient();

    /** The server answered LOGIN with NO or BAD: the account does not exist or the password is wrong. */
    static final class LoginRefused extends IOException {
        LoginRefused(String message) {
            super(message);
        }
    }

    ImapSession(int port, String user, String password) throws IOException {
        client.setDefaultTimeout(120_000);
        client.connect("127.0.0.1", port);
        client.setSoTimeout(120_000);
        if (!client.login(user, password)) {
            client.disconnect();
            throw new LoginRefused("IMAP LOGIN " + user + " refused: " + client.getReplyString().trim());
        }
    }

    /** STATUS INBOX (MESSAGES): what a client sees in the mailbox now. */
    long inboxMessages() throws IOException {
        if (!client.status("INBOX", new String[] {"MESSAGES"})) {
            throw new IOException("STATUS INBOX failed: " + client.getReplyString().trim());
        }
        Matcher count = MESSAGES.matcher(client.getReplyString());
        if (!count.find()) {
            throw new IOException("no MESSAGES in the STATUS reply: " + client.getReplyString().trim());
        }
        return Long.parseLong(count.group(1));
    }

    void selectInbox() throws IOException {
        if (!client.select("INBOX")) {
            throw new IOException("SELECT INBOX failed: " + client.getReplyString().trim());
        }
    }

    /** UID SEARCH with the given criteria on the selected mailbox: the uids found. */
    List<Long> uidSearch(String criteria) throws IOException {
        if (!client.uid("SEARCH", criteria)) {
            throw new IOException("UID SEARCH " + criteria + " failed: " + client.getReplyString().trim());
        }
        List<Long> uids = new ArrayList<>();
        for (String line : client.getReplyStrings()) {
            Matcher found = SEARCH.matcher(line.trim());
            if (found.matches()) {
                for (String uid : found.group(1).trim().split(" +")) {
                    if (!uid.isEmpty()) {
                        uids.add(Long.parseLong(uid));
                    }
                }
            }
        }
        return uids;
    }

    /**
     * APPEND of one message to the INBOX: the uid the server gave it (UIDPLUS's APPENDUID, which James
     * and Dovecot both answer). The message is sent as ISO-8859-1 text: it must be 7-bit.
     */
    long append(byte[] message) throws IOException {
        if (!client.append("INBOX", null, null, new String(message, StandardCharsets.ISO_8859_1))) {
            throw new IOException("APPEND failed: " + client.getReplyString().trim());
        }
        Matcher uid = APPEND_UID.matcher(client.getReplyString());
        if (!uid.find()) {
            throw new IOException("no APPENDUID in the APPEND reply: " + client.getReplyString().trim());
        }
        return Long.parseLong(uid.group(1));
    }

    /**
     * UID FETCH of these uids' FLAGS: the server's own lines ("* n FETCH (UID u FLAGS (...))"), to show
     * next to a wrong SEARCH answer what the mailbox holds.
     */
    List<String> uidFetchFlags(String uidSet) throws IOException {
        if (!client.uid("FETCH", uidSet + " (FLAGS)")) {
            throw new IOException("UID FETCH " + uidSet + " (FLAGS) failed: " + client.getReplyString().trim());
        }
        List<String> lines = new ArrayList<>();
        for (String line : client.getReplyStrings()) {
            if (FETCH.matcher(line).find()) {
                lines.add(line.trim());
            }
        }
        return lines;
    }

    /** UID STORE uid +FLAGS.SILENT (\Seen) on the selected mailbox. */
    void markSeen(long uid) throws IOException {
        if (!client.uid("STORE", uid + " +FLAGS.SILENT (\\Seen)")) {
            throw new IOException("UID STORE " + uid + " +FLAGS.SILENT (\\Seen) failed: " + client.getReplyString().trim());
        }
    }

    /**
     * The given header fields of every message in the INBOX, one map per message (lower-case field
     * name → value; UID FETCH 1:* of those fields only). A message whose pipeline id is listed twice is
     * a message held twice.
     */
    List<Map<String, String>> headerFields(List<String> names) throws IOException {
        selectInbox();
        if (!client.uid("FETCH", "1:* (BODY.PEEK[HEADER.FIELDS (" + String.join(" ", names) + ")])")) {
            throw new IOException("UID FETCH failed: " + client.getReplyString().trim());
        }
        List<Map<String, String>> messages = new ArrayList<>();
        Map<String, String> current = null;
        for (String line : client.getReplyStrings()) {
            if (FETCH.matcher(line).find()) {
                current = new HashMap<>();
                messages.add(current);
                continue;
            }
            Matcher field = FIELD.matcher(line.trim());
            if (current != null && field.matches() && names.stream().anyMatch(name -> name.equalsIgnoreCase(field.group(1)))) {
                current.put(field.group(1).toLowerCase(Locale.ROOT), field.group(2).trim());
            }
        }
        return messages;
    }

    /**
     * LOGOUT, then the connection closed. A server that closes before its tagged OK (James 3.8.1 now and
     * then does, with several connections) has still done everything asked before: that is no error.
     */
    @Override
    public void close() throws IOException {
        try {
            client.logout();
        } catch (EOFException closedBeforeItsAnswer) {
            // the work was done; the answer to LOGOUT tells nothing more
        } finally {
            client.disconnect();
        }
    }
}
