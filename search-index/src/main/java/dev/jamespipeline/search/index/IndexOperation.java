package dev.jamespipeline.search.index;

import java.util.Objects;

import dev.jamespipeline.search.document.MessageDocument;

/** One write to the mail index: a message's document as it is now, or the message gone. */
public sealed interface IndexOperation {

    static IndexOperation upsert(MessageDocument document) {
        return new Upsert(document);
    }

    static IndexOperation delete(String mailboxId, long uid) {
        return new Delete(mailboxId, uid);
    }

    /** The id of the document this operation writes. */
    String documentId();

    /** Written only if no write with a higher mod-sequence, and no delete, came first. */
    record Upsert(MessageDocument document) implements IndexOperation {
        public Upsert {
            Objects.requireNonNull(document, "document");
        }

        @Override
        public String documentId() {
            return document.documentId();
        }
    }

    /** The message was expunged (or its mailbox deleted): it leaves the index and stays out. */
    record Delete(String mailboxId, long uid) implements IndexOperation {
        public Delete {
            Objects.requireNonNull(mailboxId, "mailboxId");
        }

        @Override
        public String documentId() {
            return MessageDocument.documentId(mailboxId, uid);
        }
    }
}
