package dev.jamespipeline.security.virus;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import dev.jamespipeline.security.scanner.ScannerUnavailableException;

/**
 * ClamAV's clamd over TCP: one connection per message, {@code zINSTREAM}, the message in chunks (a 4-byte
 * big-endian length, then the bytes), a zero-length chunk to end, then one NUL-terminated reply. Every step has
 * a bound: the connect timeout, a read timeout for each wait on the reply, a deadline for the whole exchange
 * (a clamd that stops reading blocks a write, which has no timeout of its own), and a reply size.
 * <p>
 * Written here rather than taken from Maven Central: the Java client there (xyz.capybara:clamav-client 2.1.2)
 * has no connect or read timeout, reads replies without a bound, stops sending at the first short read of the
 * message (a partial scan taken as a whole one) and would bring the Kotlin runtime into the shaded jar.
 */
public class ClamdClient {
    /** Longer than any real reply ("stream: " + a signature name + " FOUND"); more is not clamd. */
    static final int MAX_REPLY_BYTES = 4_096;
    private static final byte[] INSTREAM = "zINSTREAM\0".getBytes(StandardCharsets.US_ASCII);
    private static final int TERMINATOR = 0;
    // One thread for every client's deadlines: it only closes sockets.
    private static final ScheduledExecutorService DEADLINES = deadlines();

    private final String host;
    private final int port;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration scanTimeout;
    private final int chunkBytes;

    public ClamdClient(VirusSettings settings) {
        this.host = settings.clamdHost();
        this.port = settings.clamdPort();
        this.connectTimeout = settings.connectTimeout();
        this.readTimeout = settings.readTimeout();
        this.scanTimeout = settings.scanTimeout();
        this.chunkBytes = settings.chunkBytes();
    }

    /**
     * Streams {@code message} to clamd and returns its verdict.
     *
     * @throws ScannerUnavailableException no verdict: clamd refused, dropped, stalled or answered an error or nonsense
     * @throws IOException                 reading {@code message} failed (not clamd's doing)
     */
    public ScanResult scan(InputStream message) throws ScannerUnavailableException, IOException {
        Socket socket = new Socket();
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            expired.set(true);
            closeQuietly(socket);
        }, scanTimeout.toMillis(), TimeUnit.MILLISECONDS);
        try (socket) {
            socket.setSoTimeout(millis(readTimeout));
            connect(socket);
            IOException sendFailure = null;
            try {
                send(message, socket.getOutputStream());
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } catch (IOException e) {
                // clamd may have refused the stream and answered why (its size limit): read that reply.
                sendFailure = e;
            }
            ScanResult result = ClamdReply.parse(readReply(socket.getInputStream(), sendFailure));
            if (sendFailure != null && result instanceof ScanResult.Clean) {
                throw new ScannerUnavailableException(where() + " answered OK before it had the whole message: "
                    + sendFailure.getMessage(), sendFailure);
            }
            return result;
        } catch (SocketTimeoutException e) {
            throw new ScannerUnavailableException(where() + " did not answer within " + readTimeout.toMillis() + " ms", e);
        } catch (ConnectException e) {
            throw new ScannerUnavailableException(where() + " refused the connection", e);
        } catch (MessageReadException e) {
            throw e;
        } catch (IOException e) {
            if (expired.get()) {
                throw new ScannerUnavailableException(where() + " gave no result within " + scanTimeout.toMillis() + " ms", e);
            }
            throw new ScannerUnavailableException(where() + ": " + e.getMessage(), e);
        } finally {
            deadline.cancel(false);
        }
    }

    private void connect(Socket socket) throws IOException, ScannerUnavailableException {
        try {
            socket.connect(new InetSocketAddress(host, port), millis(connectTimeout));
        } catch (SocketTimeoutException e) {
            throw new ScannerUnavailableException(where() + " did not accept a connection within "
                + connectTimeout.toMillis() + " ms", e);
        }
    }

    private void send(InputStream message, OutputStream socket) throws IOException {
        OutputStream out = new BufferedOutputStream(socket, chunkBytes + Integer.BYTES);
        out.write(INSTREAM);
        byte[] chunk = new byte[chunkBytes];
        int length;
        while ((length = readChunk(message, chunk)) > 0) {
            out.write(ByteBuffer.allocate(Integer.BYTES).putInt(length).array());
            out.write(chunk, 0, length);
        }
        out.write(new byte[Integer.BYTES]);
        out.flush();
    }

    /** Fills {@code chunk} but at the message's end: a short read is not the end. */
    private static int readChunk(InputStream message, byte[] chunk) {
        try {
            return message.readNBytes(chunk, 0, chunk.length);
        } catch (IOException e) {
            throw new UncheckedIOException(new MessageReadException(e));
        }
    }

    private String readReply(InputStream in, IOException sendFailure) throws IOException, ScannerUnavailableException {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        int b;
        try {
            while ((b = in.read()) != TERMINATOR) {
                if (b < 0) {
                    throw new ScannerUnavailableException(where() + (reply.size() == 0
                        ? " closed the connection without a reply" : " closed the connection in the middle of its reply: "
                        + text(reply)) + (sendFailure == null ? "" : ", after sending failed: " + sendFailure.getMessage()), sendFailure);
                }
                if (reply.size() == MAX_REPLY_BYTES) {
                    throw new ScannerUnavailableException(where() + " sent a reply longer than " + MAX_REPLY_BYTES
                        + " bytes: " + text(reply));
                }
                reply.write(b);
            }
        } catch (IOException e) {
            throw sendFailure != null && !(e instanceof SocketTimeoutException) ? sendFailure : e;
        }
        return text(reply);
    }

    /** Byte for byte (ISO-8859-1), so nothing is hidden by decoding; what is kept is sanitised later. */
    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    /** A socket timeout: the settings have no upper bound, the socket takes an int. */
    private static int millis(Duration timeout) {
        return (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    }

    private String where() {
        return "clamd at " + host + ":" + port;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing to end a stalled exchange: the scan reports it
        }
    }

    private static ScheduledExecutorService deadlines() {
        ScheduledThreadPoolExecutor executor = (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1, task -> {
            Thread thread = new Thread(task, "clamd-scan-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** Reading the message to scan failed: the message store's problem, reported as it is. */
    static final class MessageReadException extends IOException {
        MessageReadException(IOException cause) {
            super("cannot read the message to scan: " + cause.getMessage(), cause);
        }
    }
}
