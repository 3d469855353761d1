package dev.jamespipeline.server.mailbox;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import org.apache.james.mailbox.model.ParsedAttachment;
import org.apache.james.mailbox.store.mail.model.impl.MessageParser;
import org.apache.james.mime4j.dom.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James's attachment parser, made safe for MIME nested thousands deep. James walks the parsed
 * tree recursively on every mailbox append (and disposes it recursively); at 5,000 levels that
 * throws StackOverflowError on a Reactor worker, which Reactor rethrows as JVM-fatal: the append
 * never completes and the delivering thread waits forever. Here such a message is stored with
 * no attachment metadata, as a message whose attachments cannot be parsed already is.
 */
public class StackSafeMessageParser extends MessageParser {
    private static final Logger LOGGER = LoggerFactory.getLogger(StackSafeMessageParser.class);

    @Override
    public ParsingResult retrieveAttachments(InputStream fullContent) throws IOException {
        ParsingResult parsed = super.retrieveAttachments(fullContent);
        return new ParsingResult(parsed.getAttachments(), () -> disposeQuietly(parsed));
    }

    @Override
    public List<ParsedAttachment> retrieveAttachments(Message message) throws IOException {
        try {
            return super.retrieveAttachments(message);
        } catch (StackOverflowError e) {
            LOGGER.warn("Message nested too deep to list its attachments: stored without attachment metadata");
            return List.of();
        }
    }

    private static void disposeQuietly(ParsingResult parsed) {
        try {
            parsed.dispose();
        } catch (StackOverflowError e) {
            // The tree holds memory only (no temporary files below the stack-overflowing depth): the GC frees it.
            LOGGER.debug("Message nested too deep to dispose of its parsed tree; left to the garbage collector");
        }
    }
}
