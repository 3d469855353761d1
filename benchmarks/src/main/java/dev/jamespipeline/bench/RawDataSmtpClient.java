package dev.jamespipeline.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.HdrHistogram.Recorder;
import org.apache.commons.net.smtp.SMTPClient;
import org.apache.commons.net.smtp.SMTPReply;

/**
 * The load generators' SMTP client: Commons Net for the commands, DATA content written as prepared
 * bytes (the body is already dot-safe and CRLF-terminated), timing only the final "." to the reply.
 */
final class RawDataSmtpClient extends SMTPClient {
    private static final byte[] END_OF_DATA = ".\r\n".getBytes(StandardCharsets.US_ASCII);

    static RawDataSmtpClient connect(int port) throws IOException {
        RawDataSmtpClient client = new RawDataSmtpClient();
        client.setDefaultTimeout(60_000);
        client.connect("127.0.0.1", port);
        // Without it the final "." waits for the server's delayed ACK (40 ms on Linux) and every
        // latency measured is mostly that wait.
        client.setTcpNoDelay(true);
        client.login("load.local");
        return client;
    }

    /** MAIL, RCPT and DATA of one message; returns the reply to the end of DATA. */
    int send(String recipient, byte[] headers, byte[] body, Recorder recorder) throws IOException {
        if (!SMTPReply.isPositiveCompletion(mail("<load@load.local>")) || !SMTPReply.isPositiveCompletion(rcpt("<" + recipient + ">"))) {
            int code = getReplyCode();
            reset();
            return code;
        }
        return sendData(headers, body, recorder);
    }

    int sendData(byte[] headers, byte[] body, Recorder recorder) throws IOException {
        if (!SMTPReply.isPositiveIntermediate(data())) {
            return getReplyCode();
        }
        _output_.flush();
        OutputStream out = _socket_.getOutputStream();
        out.write(headers);
        out.write(body);
        out.flush();
        long endOfData = System.nanoTime();
        out.write(END_OF_DATA);
        out.flush();
        int reply = getReply();
        recorder.recordValue(System.nanoTime() - endOfData);
        return reply;
    }
}
