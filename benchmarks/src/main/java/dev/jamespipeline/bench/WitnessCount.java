package dev.jamespipeline.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.PipelineHeaders;
import dev.jamespipeline.core.ledger.FileDeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;

/**
 * Counts what the pipeline did with every message it answered 250 to, by two durable witnesses
 * that survive a James crash (the memory app forgets its mailboxes when it restarts):
 * <ul>
 *   <li><b>delivered</b>: the delivery ledger on disk has the message's DELIVERED marker for its
 *       recipient (written during the mailbox append, before {@code mail.delivered});</li>
 *   <li><b>duplicates</b>: the {@code mail.delivered} events, collected in a durable queue of ours
 *       bound before the load, name one (pipeline id, user) with two different mailbox copies
 *       (mailbox id, message id, uid). One copy announced twice is not a duplicate.</li>
 * </ul>
 * With an OpenSearch URL and index (the server main's search index): <b>searchable</b> = delivered
 * messages whose document is in the index, found by the pipeline id header the document holds;
 * not searchable or in the index twice fails too.
 * Lost: answered 250, no DELIVERED marker. Exits 1 on any lost message or duplicate. The longest
 * gap between two 250 answers is how long clients saw the fault (time to recover).
 *
 * <p>Usage: {@code WitnessCount bind AMQP_URI MAIL_EVENTS_EXCHANGE QUEUE} before the load;
 * {@code WitnessCount await LEDGER_DIR ACCEPTED_FILE TIMEOUT_S} after it (exits 1 on a timeout); then
 * {@code WitnessCount count AMQP_URI QUEUE LEDGER_DIR ACCEPTED_FILE LABEL DEAD_LETTER_QUEUE [OPENSEARCH_URL INDEX]} after it
 * has drained (ACCEPTED_FILE as FaultLoad writes it: "epoch-millis pipeline-id recipient" per 250).
 * The dead-letter queue's messages are listed with their reasons, and left where they are.
 */
public final class WitnessCount {
    private static final int MAX_DUPLICATES_SHOWN = 10;
    private WitnessCount() {
    }

    private record Accepted(long atMillis, String pipelineId, String recipient) {
    }

    /** One message for one user: what must be delivered exactly once. */
    private record Delivery(String pipelineId, String user) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("bind")) {
            bind(args[1], args[2], args[3]);
        } else if (args.length == 4 && args[0].equals("await")) {
            System.exit(awaitDelivered(Path.of(args[1]), Path.of(args[2]), Long.parseLong(args[3])) ? 0 : 1);
        } else if ((args.length == 7 || args.length == 9) && args[0].equals("count")) {
            showDeadLetters(args[1], args[6], args[5]);
            Optional<SearchIndex> index = args.length == 9
                ? Optional.of(new SearchIndex(new OpenSearchHttp(URI.create(args[7])), args[8]))
                : Optional.empty();
            System.exit(count(args[1], args[2], Path.of(args[3]), Path.of(args[4]), args[5], index) ? 0 : 1);
        } else {
            System.err.println("usage: WitnessCount bind AMQP_URI MAIL_EVENTS_EXCHANGE QUEUE | await LEDGER_DIR ACCEPTED_FILE TIMEOUT_S"
                + " | count AMQP_URI QUEUE LEDGER_DIR ACCEPTED_FILE LABEL DEAD_LETTER_QUEUE [OPENSEARCH_URL INDEX]");
            System.exit(2);
        }
    }

    private static void bind(String amqpUri, String exchange, String queue) throws Exception {
        try (Connection connection = connect(amqpUri); Channel channel = connection.createChannel()) {
            // Quorum: the witness must survive the broker restart it witnesses.
            channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
            channel.queueBind(queue, exchange, "mail.delivered");
        }
    }

    /** The search index the server main writes, when the scenario checks it. */
    private record SearchIndex(OpenSearchHttp openSearch, String name) {
    }

    /**
     * Waits until the ledger has a DELIVERED marker for every message answered 250, or the timeout
     * passes. The broker's queue counts cannot say when the pipeline is done: right after a restart
     * a recovering quorum queue is listed with 0 messages for a few seconds while it holds
     * thousands, and the harness once counted there.
     */
    private static boolean awaitDelivered(Path ledgerDir, Path acceptedFile, long timeoutSeconds) throws Exception {
        List<Accepted> accepted = readAccepted(acceptedFile);
        FileDeliveryLedger ledger = new FileDeliveryLedger(ledgerDir);
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        long missing = accepted.size();
        while (System.nanoTime() < deadline) {
            missing = 0;
            for (Accepted message : accepted) {
                missing += ledger.contains(message.pipelineId(), LedgerEntry.delivered(message.recipient())) ? 0 : 1;
            }
            if (missing == 0) {
                return true;
            }
            Thread.sleep(1000);
        }
        System.out.println("not all delivered within " + timeoutSeconds + " s: " + missing + " of " + accepted.size() + " missing");
        return false;
    }

    private static List<Accepted> readAccepted(Path acceptedFile) throws Exception {
        return Files.readAllLines(acceptedFile).stream()
            .filter(line -> !line.isBlank())
            .map(line -> line.split(" ", 3))
            .map(fields -> new Accepted(Long.parseLong(fields[0]), fields[1], fields[2]))
            .toList();
    }

    private static boolean count(String amqpUri, String queue, Path ledgerDir, Path acceptedFile, String label,
                                 Optional<SearchIndex> index) throws Exception {
        List<Accepted> accepted = readAccepted(acceptedFile);
        Map<Delivery, Set<String>> copies = announcedCopies(amqpUri, queue);

        FileDeliveryLedger ledger = new FileDeliveryLedger(ledgerDir);
        long delivered = 0;
        long announced = 0;
        long deliveredNotAnnounced = 0;
        for (Accepted message : accepted) {
            boolean inLedger = ledger.contains(message.pipelineId(), LedgerEntry.delivered(message.recipient()));
            boolean inEvents = copies.containsKey(new Delivery(message.pipelineId(), message.recipient().toLowerCase()));
            delivered += inLedger ? 1 : 0;
            announced += inEvents ? 1 : 0;
            deliveredNotAnnounced += inLedger && !inEvents ? 1 : 0;
        }
        long lost = accepted.size() - delivered;
        long duplicates = copies.values().stream().filter(mailboxCopies -> mailboxCopies.size() > 1).count();
        // The evidence for a few of them, on stderr (the summary line stays one line).
        copies.entrySet().stream().filter(entry -> entry.getValue().size() > 1).limit(MAX_DUPLICATES_SHOWN)
            .forEach(entry -> System.err.println(label + " duplicate: pipelineId=" + entry.getKey().pipelineId() + " user="
                + entry.getKey().user() + " copies (mailboxId/messageId/uid)=" + entry.getValue()));
        Set<String> acceptedIds = new HashSet<>();
        accepted.forEach(message -> acceptedIds.add(message.pipelineId()));
        long deliveredWithout250 = copies.keySet().stream().filter(delivery -> !acceptedIds.contains(delivery.pipelineId())).count();

        System.out.printf("%-18s accepted_250=%d delivered=%d lost=%d duplicates=%d announced=%d delivered_not_announced=%d"
                + " delivered_without_250=%d longest_gap_between_250s_ms=%d",
            label, accepted.size(), delivered, lost, duplicates, announced, deliveredNotAnnounced, deliveredWithout250,
            longestGapMillis(accepted));
        boolean indexRight = true;
        if (index.isPresent()) {
            Map<Delivery, Integer> documents = indexedDocuments(index.get());
            long searchable = accepted.stream()
                .filter(message -> ledger.contains(message.pipelineId(), LedgerEntry.delivered(message.recipient())))
                .filter(message -> documents.containsKey(new Delivery(message.pipelineId(), message.recipient().toLowerCase())))
                .count();
            long indexDuplicates = documents.values().stream().filter(documentCount -> documentCount > 1).count();
            System.out.printf(" searchable=%d not_searchable=%d index_duplicates=%d", searchable, delivered - searchable, indexDuplicates);
            indexRight = searchable == delivered && indexDuplicates == 0;
        }
        System.out.println();
        return lost == 0 && duplicates == 0 && indexRight;
    }

    /**
     * The index's documents per (pipeline id, user), read from each document's own copy of the
     * message's {@value PipelineHeaders#PIPELINE_ID} header: what IMAP SEARCH would find.
     */
    private static Map<Delivery, Integer> indexedDocuments(SearchIndex index) throws Exception {
        ObjectMapper json = index.openSearch().json();
        index.openSearch().refresh(index.name());
        ObjectNode all = json.createObjectNode();
        all.putObject("match_all");
        Map<Delivery, Integer> documents = new HashMap<>();
        index.openSearch().scan(index.name(), all, List.of("user", "headers"), document -> {
            for (JsonNode header : document.path("headers")) {
                if (header.path("name").asText().equalsIgnoreCase(PipelineHeaders.PIPELINE_ID)) {
                    documents.merge(new Delivery(header.path("value").asText().trim(), document.path("user").asText().toLowerCase()),
                        1, Integer::sum);
                }
            }
        });
        return documents;
    }

    /** Drains our queue: for each (pipeline id, user), the distinct mailbox copies its events name. */
    private static Map<Delivery, Set<String>> announcedCopies(String amqpUri, String queue) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<Delivery, Set<String>> copies = new HashMap<>();
        try (Connection connection = connect(amqpUri); Channel channel = connection.createChannel()) {
            for (GetResponse event = channel.basicGet(queue, true); event != null; event = channel.basicGet(queue, true)) {
                JsonNode delivered = json.readTree(event.getBody());
                if (delivered.path("pipelineId").isTextual()) {
                    copies.computeIfAbsent(new Delivery(delivered.get("pipelineId").asText(), delivered.get("user").asText().toLowerCase()),
                            key -> new HashSet<>())
                        .add(delivered.get("mailboxId").asText() + "/" + delivered.get("messageId").asText() + "/" + delivered.get("uid").asText());
                }
            }
            channel.queueDelete(queue);
        }
        return copies;
    }

    /** On stderr: each dead letter's pipeline id and reason; they are requeued, not consumed. */
    private static void showDeadLetters(String amqpUri, String deadLetterQueue, String label) throws Exception {
        try (Connection connection = connect(amqpUri); Channel channel = connection.createChannel()) {
            long count = channel.queueDeclarePassive(deadLetterQueue).getMessageCount();
            for (long i = 0; i < count; i++) {
                GetResponse dead = channel.basicGet(deadLetterQueue, false);
                if (dead == null) {
                    break;
                }
                Object reason = dead.getProps().getHeaders() == null ? null
                    : dead.getProps().getHeaders().get("x-pipeline-dead-letter-reason");
                System.err.println(label + " dead letter: " + dead.getProps().getMessageId() + " reason=" + reason);
            }
            // Closing the channel returns the unacknowledged dead letters to their queue.
        }
    }

    private static long longestGapMillis(List<Accepted> accepted) {
        long[] times = accepted.stream().mapToLong(Accepted::atMillis).sorted().toArray();
        long longest = 0;
        for (int i = 1; i < times.length; i++) {
            longest = Math.max(longest, times[i] - times[i - 1]);
        }
        return longest;
    }

    private static Connection connect(String amqpUri) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(amqpUri);
        return factory.newConnection("fault-harness-witness");
    }
}
