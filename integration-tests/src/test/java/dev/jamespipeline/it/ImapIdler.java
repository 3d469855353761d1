package dev.jamespipeline.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A real IMAP client in IDLE on a user's INBOX (RFC 2177), over a plain socket: what a mail client left
 * open does. Commons Net's client has no IDLE, hence this one.
 */
final class ImapIdler implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private ImapIdler(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        this.out = socket.getOutputStream();
    }

    /** Logs in, selects INBOX and enters IDLE; returns once the server confirms it. */
    static ImapIdler idleOnInbox(int port, String user, String password) throws IOException {
        ImapIdler idler = new ImapIdler(new Socket("127.0.0.1", port));
        idler.socket.setSoTimeout(30_000);
        idler.in.readLine(); // greeting
        idler.command("a1", "LOGIN \"" + user + "\" \"" + password + "\"");
        idler.command("a2", "SELECT INBOX");
        idler.send("a3 IDLE");
        idler.awaitLine(line -> line.startsWith("+"), Duration.ofSeconds(30));
        return idler;
    }

    /** The first untagged line the server pushes that contains {@code text}; fails after {@code timeout}. */
    String awaitUpdate(String text, Duration timeout) throws IOException {
        return awaitLine(line -> line.contains(text), timeout);
    }

    private void command(String tag, String command) throws IOException {
        send(tag + " " + command);
        String done = awaitLine(line -> line.startsWith(tag + " "), Duration.ofSeconds(30));
        if (!done.startsWith(tag + " OK")) {
            throw new IOException(command.split(" ")[0] + " failed: " + done);
        }
    }

    private void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private String awaitLine(java.util.function.Predicate<String> wanted, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                String line = in.readLine();
                if (line == null) {
                    throw new IOException("the server closed the connection");
                }
                if (wanted.test(line)) {
                    return line;
                }
            } catch (SocketTimeoutException e) {
                // keep waiting until the deadline
            }
        }
        throw new IOException("no such line within " + timeout);
    }

    @Override
    public void close() throws IOException {
        try {
            send("DONE");
            send("a4 LOGOUT");
        } finally {
            socket.close();
        }
    }
}
