package dev.jamespipeline.it;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.net.imap.IMAPClient;
import org.apache.commons.net.imap.IMAPReply;

/** A real IMAP client (Apache Commons Net) reading, searching and changing a user's INBOX. */
final class ImapReader {
    private static final Pattern EXISTS = Pattern.compile("\\* (\\d+) EXISTS");
    private static final Pattern APPENDUID = Pattern.compile("\\[APPENDUID \\d+ (\\d+)]");
    private static final Pattern SEARCH = Pattern.compile("\\* SEARCH([ 0-9]*)");
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)}$");

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
        return messages(user, password, "INBOX");
    }

    /** Every message of {@code folder}, whole ({@code BODY.PEEK[]}); fails when the folder does not exist. */
    List<String> messages(String user, String password, String folder) throws IOException {
        return withFolder(user, password, folder, client -> {
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

    /** Whether the user has {@code folder} (IMAP LIST): a folder is made when something is first filed in it. */
    boolean hasFolder(String user, String password, String folder) throws IOException {
        return withInbox(user, password, client -> {
            if (!client.list("", folder)) {
                throw new IOException("LIST failed: " + client.getReplyString());
            }
            return client.getReplyString().contains("* LIST ");
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

    /** {@code APPEND} to INBOX over IMAP: the new message's uid (from James's APPENDUID). */
    long append(String user, String password, String message) throws IOException {
        return withInbox(user, password, client -> {
            if (!client.append("INBOX", null, null, message)) {
                throw new IOException("APPEND failed: " + client.getReplyString());
            }
            Matcher matcher = APPENDUID.matcher(client.getReplyString());
            if (!matcher.find()) {
                throw new IOException("APPEND answered without APPENDUID: " + client.getReplyString());
            }
            return Long.parseLong(matcher.group(1));
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
    /** The untagged replies to {@code GETQUOTAROOT INBOX} (RFC 2087): the root, its usage and limits. */
    String inboxQuota(String user, String password) throws IOException {
        return withInbox(user, password, client -> {
            if (!IMAPReply.isSuccess(client.sendCommand("GETQUOTAROOT", "INBOX"))) {
                throw new IOException("IMAP GETQUOTAROOT failed: " + client.getReplyString());
            }
            return client.getReplyString();
        });
    }

    void expunge(String user, String password, long uid) throws IOException {
        withInbox(user, password, client -> {
            if (!client.uid("STORE", uid + " +FLAGS (\\Deleted)") || !client.expunge()) {
                throw new IOException("Expunge failed: " + client.getReplyString());
            }
            return null;
        });
    }

    /**
     * {@code FETCH <sequence> BODY.PEEK[]} in INBOX over a plain socket, the literal's bytes copied to
     * {@code sink} as they are: commons-net reads replies as text lines, which turns a bare CR into a line end.
     */
    void fetchRaw(String user, String password, int sequence, OutputStream sink) throws IOException {
        fetchRaw(user, password, String.valueOf(sequence), "BODY.PEEK[]", sink);
    }

    /** {@code FETCH <sequenceSet> <item>} in INBOX over a plain socket: every literal's bytes, in order, to {@code sink}. */
    void fetchRaw(String user, String password, String sequenceSet, String item, OutputStream sink) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            readLine(in);
            command(in, out, "a1", "LOGIN " + user + " " + password);
            command(in, out, "a2", "SELECT INBOX");
            out.write(("a3 FETCH " + sequenceSet + " " + item + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (String line = readLine(in); !isTagged(line, "a3"); line = readLine(in)) {
                Matcher literal = LITERAL.matcher(line);
                if (literal.find()) {
                    copy(in, Long.parseLong(literal.group(1)), sink);
                }
            }
            command(in, out, "a4", "LOGOUT");
        }
    }

    private static void copy(InputStream in, long length, OutputStream sink) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        for (long remaining = length; remaining > 0; ) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (read < 0) {
                throw new IOException("connection closed inside a FETCH literal");
            }
            sink.write(buffer, 0, read);
            remaining -= read;
        }
    }

    private static void command(InputStream in, OutputStream out, String tag, String command) throws IOException {
        out.write((tag + " " + command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        awaitTagged(in, tag);
    }

    private static void awaitTagged(InputStream in, String tag) throws IOException {
        for (String line = readLine(in); !isTagged(line, tag); line = readLine(in)) {
            // untagged data this reader does not need
        }
    }

    private static boolean isTagged(String line, String tag) throws IOException {
        if (!line.startsWith(tag + " ")) {
            return false;
        }
        if (!line.startsWith(tag + " OK")) {
            throw new IOException("IMAP command failed: " + line);
        }
        return true;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("IMAP connection closed after: " + line);
            }
            line.append((char) b);
        }
        return line.toString().strip();
    }

    /** James may close the socket right after its BYE; the result is already read by then. */
    private static void logoutQuietly(IMAPClient client) {
        try {
            client.logout();
        } catch (IOException ignored) {
            // connection already closed by the server
        }
    }

    /**
     * {@code UID SEARCH <criteria>} in a session that selected INBOX before {@code meanwhile} ran (so that
     * the search itself meets what it did): whether the server answered OK.
     */
    boolean uidSearchAnswersAfter(String user, String password, String criteria, Meanwhile meanwhile) throws IOException {
        return withInbox(user, password, client -> {
            meanwhile.run();
            return client.uid("SEARCH", criteria);
        });
    }

    interface Meanwhile {
        void run() throws IOException;
    }

    private interface InboxAction<T> {
        T apply(IMAPClient client) throws IOException;
    }

    private <T> T withInbox(String user, String password, InboxAction<T> action) throws IOException {
        return withFolder(user, password, "INBOX", action);
    }

    private <T> T withFolder(String user, String password, String folder, InboxAction<T> action) throws IOException {
        IMAPClient client = new IMAPClient();
        client.setDefaultTimeout(30_000);
        client.connect("127.0.0.1", port);
        try {
            if (!client.login(user, password)) {
                throw new IOException("IMAP LOGIN failed: " + client.getReplyString());
            }
            if (!client.select(folder)) {
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
