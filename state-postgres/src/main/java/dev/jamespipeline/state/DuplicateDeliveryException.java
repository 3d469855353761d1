package dev.jamespipeline.state;

import java.sql.SQLException;

/** A pipeline message is already in this mailbox of this user: the second addition is rolled back. */
public final class DuplicateDeliveryException extends SQLException {
    /** SQLSTATE unique_violation: what the claim is. */
    private static final String UNIQUE_VIOLATION = "23505";

    DuplicateDeliveryException(String pipelineId, String user, String mailboxId) {
        super("pipeline message " + pipelineId + " is already in mailbox " + mailboxId + " of " + user
            + ": this second delivery is rolled back", UNIQUE_VIOLATION);
    }
}
