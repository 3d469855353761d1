package dev.jamespipeline.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many messages Postfix's smtp-sink has received: it runs with {@code -c} and its output in a file, where it
 * writes {@code sess=N quit=N mesg=N} and a carriage return after every message and session; the last complete
 * record's {@code mesg} is the count of messages that reached the final "." (the sink accepts all).
 */
final class SinkArrivals {
    private static final Pattern RECORD = Pattern.compile("mesg=(\\d+)\r");
    private static final int TAIL_BYTES = 256;

    private final Path counterFile;

    SinkArrivals(Path counterFile) {
        this.counterFile = counterFile;
    }

    long count() throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(counterFile.toFile(), "r")) {
            long length = file.length();
            int size = (int) Math.min(TAIL_BYTES, length);
            byte[] tail = new byte[size];
            file.seek(length - size);
            file.readFully(tail);
            Matcher record = RECORD.matcher(new String(tail, StandardCharsets.US_ASCII));
            long last = 0;
            while (record.find()) {
                last = Long.parseLong(record.group(1));
            }
            return last;
        }
    }
}
