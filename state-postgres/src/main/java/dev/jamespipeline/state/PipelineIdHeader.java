package dev.jamespipeline.state;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;

import dev.jamespipeline.core.PipelineHeaders;
import dev.jamespipeline.core.PipelineIds;

/**
 * Reads the pipeline id a delivered message carries: the first {@link PipelineHeaders#PIPELINE_ID}
 * field, which local delivery prepends, so a field of that name the sender wrote further down is never
 * taken. A value that is no valid pipeline id means "not a pipeline delivery". The header was already
 * accepted into a mailbox, so mime4j reads it without line or count limits (it stops at the first match).
 */
final class PipelineIdHeader {
    private static final MimeConfig UNLIMITED = new MimeConfig.Builder()
        .setMaxLineLen(-1)
        .setMaxHeaderCount(-1)
        .setMaxHeaderLen(-1)
        .build();

    private PipelineIdHeader() {
    }

    static Optional<String> read(InputStream header) throws IOException {
        MimeTokenStream stream = new MimeTokenStream(UNLIMITED);
        stream.parse(header);
        try {
            for (EntityState state = stream.getState(); state != EntityState.T_END_OF_STREAM
                     && state != EntityState.T_END_HEADER; state = stream.next()) {
                if (state == EntityState.T_FIELD) {
                    Field field = stream.getField();
                    if (field.getName().equalsIgnoreCase(PipelineHeaders.PIPELINE_ID)) {
                        return Optional.ofNullable(field.getBody()).map(String::trim).filter(PipelineIds::isValid);
                    }
                }
            }
        } catch (MimeException e) {
            throw new IOException("unreadable message header: " + e.getMessage(), e);
        }
        return Optional.empty();
    }
}
