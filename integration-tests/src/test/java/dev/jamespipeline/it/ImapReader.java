package dev.jamespipeline.it;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.net.imap.IMAPClient;

/** A real IMAP client (Apache Commons Net) reading, searching and changing a user's INBOX. */
final class ImapReader {
    private static final Pattern EXISTS = Pattern.compile("\\* (\\d+) EXISTS");
    private static final Pattern SEARCH = Pattern.compile("\\* SEARCH([ 0-9]*)");

    private final int port;

    ImapReader(int port) {
        this.port = port;
    }

    int inboxCount(String user, String password) throws IOException {
        return withInbox(user, password, client -> {
            Matcher matcher = EXISTS.matcher(client.getReplyString());
            return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
        });
    }

    /** Full RFC 822 text of every message in INBOX, in UID order. */
    List<String> inboxMessages(String user, String password) throws IOException {
        return withInbox(user, password, client -> {
            List<String> messages = new ArrayList<>();
            Matcher matcher = EXISTS.matcher(client.getReplyString());
            int count = matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
            for (int i = 1; i <= count; i++) {
                if (!client.fetch(String.valueOf(i), "BODY.PEEK[]")) {
                    throw new IOException("FETCH failed: " + client.getReplyString());
                }
                messages.add(client.getReplyString());
            }
            return messages;
        });
    }

    /** {@code UID SEARCH <criteria>} in INBOX: the matching UIDs, ascending. */
    List<Long> uidSearch(String user, String password, String criteria) throws IOException {
        return withInbox(user, password, client -> {
            if (!client.uid("SEARCH", criteria)) {
                throw new IOException("UID SEARCH " + criteria + " failed: " + client.getReplyString());
            }
            List<Long> uids = new ArrayList<>();
            Matcher matcher = SEARCH.matcher(client.getReplyString());
            if (matcher.find() && !matcher.group(1).isBlank()) {
                for (String uid : matcher.group(1).trim().split(" ")) {
                    uids.add(Long.parseLong(uid));
                }
            }
            uids.sort(null);
            return uids;
        });
    }

    /** {@code UID STORE <uid> +FLAGS (<flags>)} in INBOX. */
    void addFlags(String user, String password, long uid, String flags) throws IOException {
        withInbox(user, password, client -> {
            if (!client.uid("STORE", uid + " +FLAGS (" + flags + ")")) {
                throw new IOException("UID STORE failed: " + client.getReplyString());
            }
            return null;
        });
    }

    /** Marks the message \Deleted and expunges INBOX. */
    void expunge(String user, String password, long uid) throws IOException {
        withInbox(user, password, client -> {
            if (!client.uid("STORE", uid + " +FLAGS (\\Deleted)") || !client.expunge()) {
                throw new IOException("Expunge failed: " + client.getReplyString());
            }
            return null;
        });
    }

    /** James may close the socket right after its BYE; the result is already read by then. */
    private static void logoutQuietly(IMAPClient client) {
        try {
            client.logout();
        } catch (IOException ignored) {
            // connection already closed by the server
        }
    }

    private interface InboxAction<T> {
        T apply(IMAPClient client) throws IOException;
    }

    private <T> T withInbox(String user, String password, InboxAction<T> action) throws IOException {
        IMAPClient client = new IMAPClient();
        client.setDefaultTimeout(30_000);
        client.connect("127.0.0.1", port);
        try {
            if (!client.login(user, password)) {
                throw new IOException("IMAP LOGIN failed: " + client.getReplyString());
            }
            if (!client.select("INBOX")) {
                throw new IOException("IMAP SELECT failed: " + client.getReplyString());
            }
            T result = action.apply(client);
            logoutQuietly(client);
            return result;
        } finally {
            client.disconnect();
        }
    }
}
