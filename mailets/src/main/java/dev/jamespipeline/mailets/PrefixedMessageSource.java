package dev.jamespipeline.mailets;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

import org.apache.james.server.core.MimeMessageSource;

/**
 * A message as raw header lines followed by another message's bytes, untouched. Wrapped in a
 * fresh {@code MimeMessageWrapper}, James streams it as it is (no parse, no re-encoding).
 */
final class PrefixedMessageSource implements MimeMessageSource {
    private final byte[] prefix;
    private final MimeMessageSource rest;

    PrefixedMessageSource(byte[] prefix, MimeMessageSource rest) {
        this.prefix = prefix.clone();
        this.rest = rest;
    }

    @Override
    public String getSourceId() {
        return "prefixed:" + rest.getSourceId();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return new SequenceInputStream(new ByteArrayInputStream(prefix), rest.getInputStream());
    }

    @Override
    public long getMessageSize() throws IOException {
        return prefix.length + rest.getMessageSize();
    }
}
