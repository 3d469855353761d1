package dev.jamespipeline.bench;

import java.util.List;

/**
 * Counts stock James's deliveries through WebAdmin: the sum of the users' INBOX message counts
 * (each benchmark message has one recipient, and the mailboxes start empty), and its spool's size
 * as the queue view. Stock James publishes no delivery events.
 */
final class StockJamesProbe implements DeliveryProbe {
    private final WebAdmin webAdmin;
    private final List<String> users;

    StockJamesProbe(int webAdminPort, List<String> users) {
        this.webAdmin = new WebAdmin(webAdminPort);
        this.users = users;
    }

    @Override
    public long delivered() {
        return webAdmin.inboxCountSum(users);
    }

    @Override
    public long queued() throws Exception {
        return webAdmin.mailQueueSize("spool");
    }

    @Override
    public String howCounted() {
        return "delivered = sum of GET /users/{u}/mailboxes/INBOX/messageCount over " + users.size()
            + " users (WebAdmin, once a second); queued = GET /mailQueues/spool size";
    }

    @Override
    public void close() {
        // nothing held open
    }
}
