package dev.jamespipeline.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A sink for a delivered message that drops the header fields put in front of what the client
 * sent (the pipeline's pipeline id, Return-Path and Delivered-To, James's SMTP Received) and
 * passes every other byte on, so a test can compare the rest with what it sent, byte for byte.
 */
final class PrependedHeaders extends OutputStream {
    private static final List<String> PREPENDED = List.of("x-james-pipeline-id:", "return-path:", "delivered-to:", "received:");

    private final OutputStream rest;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final List<String> dropped = new ArrayList<>();
    private boolean inPrefix = true;

    PrependedHeaders(OutputStream rest) {
        this.rest = rest;
    }

    @Override
    public void write(int b) throws IOException {
        if (!inPrefix) {
            rest.write(b);
            return;
        }
        line.write(b);
        if (b == '\n') {
            String text = line.toString(StandardCharsets.ISO_8859_1);
            boolean folded = !dropped.isEmpty() && (text.startsWith(" ") || text.startsWith("\t"));
            if (folded || PREPENDED.stream().anyMatch(text.toLowerCase(Locale.ROOT)::startsWith)) {
                dropped.add(text.strip());
            } else {
                inPrefix = false;
                rest.write(line.toByteArray());
            }
            line.reset();
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (inPrefix) {
            for (int i = offset; i < offset + length; i++) {
                write(bytes[i]);
            }
        } else {
            rest.write(bytes, offset, length);
        }
    }

    /** The dropped header lines, in order. */
    List<String> dropped() {
        return dropped;
    }
}
