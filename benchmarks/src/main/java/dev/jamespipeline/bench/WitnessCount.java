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

import dev.jamespipeline.bench.MailboxWitness.Delivery;
import dev.jamespipeline.bench.MailboxWitness.Holdings;
import dev.jamespipeline.bench.MailboxWitness.Sent;
import dev.jamespipeline.core.PipelineHeaders;

/**
 * Counts what became of every message the server answered 250 to, with the mailboxes themselves as
 * the witness, read over IMAP as each user would ({@link MailboxWitness}: LOGIN per user, the
 * {@value PipelineHeaders#PIPELINE_ID} header of every INBOX message). That reads any mailbox backend:
 * <ul>
 *   <li><b>in_mailboxes</b>: answered 250 and in its recipient's INBOX under the pipeline id the 250
 *       named; <b>under_another_pipeline_id</b>: not so, but its Message-ID (kept when the client sends
 *       a message again) is there; <b>lost</b> = answered 250 and in neither way there;</li>
 *   <li><b>duplicates</b>: (pipeline id, user) pairs held twice or more in the user's INBOX (evidence
 *       on stderr);</li>
 *   <li><b>delivered_without_250</b>: messages in the INBOXes that the client never saw a 250 for (it
 *       resent them under a new pipeline id: the SMTP contract allows them);</li>
 *   <li><b>unreadable_mailboxes</b>: users who could not log in (their accepted messages count as lost);</li>
 *   <li><b>announced</b>: messages in a mailbox with a {@code mail.delivered} event, collected in a durable
 *       queue of ours bound before the load (evidence for the pipeline's events, not the pass condition).</li>
 * </ul>
 * With an OpenSearch URL and index (the server main's search index): <b>searchable</b> = messages in
 * the mailboxes whose document is in the index, found by the pipeline id header the document holds;
 * not searchable or in the index twice fails too. Exits 1 on any lost message or duplicate. The
 * longest gap between two 250 answers is how long clients saw the fault (time to recover).
 *
 * <p>Usage: {@code WitnessCount bind AMQP_URI MAIL_EVENTS_EXCHANGE QUEUE} before the load;
 * {@code WitnessCount await IMAP_PORT DOMAIN MAILBOXES ACCEPTED_FILE TIMEOUT_S} after it (exits 1 on a
 * timeout); then {@code WitnessCount count AMQP_URI QUEUE IMAP_PORT DOMAIN MAILBOXES ACCEPTED_FILE LABEL
 * DEAD_LETTER_QUEUE [OPENSEARCH_URL INDEX]} once the pipeline has drained. The users are
 * {@code user0..user(MAILBOXES-1)@DOMAIN}; ACCEPTED_FILE as FaultLoad writes it ("epoch-millis
 * pipeline-id recipient message-id" per 250). The dead-letter queue's messages are listed with their reasons,
 * and left where they are.
 */
public final class WitnessCount {
    private static final int MAX_DUPLICATES_SHOWN = 10;

    private WitnessCount() {
    }

    private record Accepted(long atMillis, String pipelineId, String recipient, String messageId) {
        Delivery delivery() {
            return new Delivery(pipelineId, recipient.toLowerCase());
        }

        Sent sent() {
            return new Sent(messageId, recipient.toLowerCase());
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("bind")) {
            bind(args[1], args[2], args[3]);
        } else if (args.length == 6 && args[0].equals("await")) {
            MailboxWitness mailboxes = witness(args[1], args[2], args[3]);
            System.exit(awaitInMailboxes(mailboxes, Path.of(args[4]), Long.parseLong(args[5])) ? 0 : 1);
        } else if ((args.length == 9 || args.length == 11) && args[0].equals("count")) {
            showDeadLetters(args[1], args[8], args[7]);
            Optional<SearchIndex> index = args.length == 11
                ? Optional.of(new SearchIndex(new OpenSearchHttp(URI.create(args[9])), args[10]))
                : Optional.empty();
            System.exit(count(args[1], args[2], witness(args[3], args[4], args[5]), Path.of(args[6]), args[7], index) ? 0 : 1);
        } else {
            System.err.println("usage: WitnessCount bind AMQP_URI MAIL_EVENTS_EXCHANGE QUEUE"
                + " | await IMAP_PORT DOMAIN MAILBOXES ACCEPTED_FILE TIMEOUT_S"
                + " | count AMQP_URI QUEUE IMAP_PORT DOMAIN MAILBOXES ACCEPTED_FILE LABEL DEAD_LETTER_QUEUE [OPENSEARCH_URL INDEX]");
            System.exit(2);
        }
    }

    private static MailboxWitness witness(String imapPort, String domain, String mailboxes) {
        return new MailboxWitness(Integer.parseInt(imapPort), SmtpAcceptLoad.users(domain, Integer.parseInt(mailboxes)));
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
     * Waits until every message answered 250 is in its recipient's INBOX, or the timeout passes. The
     * broker's queue counts cannot say when the pipeline is done: right after a restart a recovering
     * quorum queue is listed with 0 messages for a few seconds while it holds thousands.
     */
    private static boolean awaitInMailboxes(MailboxWitness mailboxes, Path acceptedFile, long timeoutSeconds) throws Exception {
        List<Accepted> accepted = readAccepted(acceptedFile);
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        long missing = accepted.size();
        while (System.nanoTime() < deadline) {
            Holdings holdings = mailboxes.read();
            missing = accepted.stream().filter(message -> !inMailbox(message, holdings)).count();
            if (missing == 0) {
                return true;
            }
            Thread.sleep(1000);
        }
        System.out.println("not all in their mailboxes within " + timeoutSeconds + " s: " + missing + " of " + accepted.size() + " missing");
        return false;
    }

    /** In its recipient's INBOX under the pipeline id its 250 named, or under another one (found by its Message-ID). */
    private static boolean inMailbox(Accepted message, Holdings holdings) {
        return holdings.copies().containsKey(message.delivery()) || holdings.sent().contains(message.sent());
    }

    private static List<Accepted> readAccepted(Path acceptedFile) throws Exception {
        return Files.readAllLines(acceptedFile).stream()
            .filter(line -> !line.isBlank())
            .map(line -> line.split(" ", 4))
            .map(fields -> new Accepted(Long.parseLong(fields[0]), fields[1], fields[2], fields[3]))
            .toList();
    }

    private static boolean count(String amqpUri, String queue, MailboxWitness mailboxes, Path acceptedFile, String label,
                                 Optional<SearchIndex> index) throws Exception {
        List<Accepted> accepted = readAccepted(acceptedFile);
        Set<Delivery> announced = announcedDeliveries(amqpUri, queue);
        Holdings holdings = mailboxes.read();
        Map<Delivery, Integer> copies = holdings.copies();

        long inMailboxes = accepted.stream().filter(message -> copies.containsKey(message.delivery())).count();
        // Not under the pipeline id its 250 named, but its Message-ID is there: delivered under another pipeline id.
        List<Accepted> underAnotherId = accepted.stream().filter(message -> !copies.containsKey(message.delivery()))
            .filter(message -> holdings.sent().contains(message.sent())).toList();
        underAnotherId.stream().limit(MAX_DUPLICATES_SHOWN).forEach(message -> System.err.println(label
            + " in the mailbox under another pipeline id: answered 250 as " + message.pipelineId() + ", Message-ID " + message.messageId()
            + " user=" + message.recipient()));
        long announcedCount = accepted.stream().filter(message -> copies.containsKey(message.delivery()))
            .filter(message -> announced.contains(message.delivery())).count();
        long lost = accepted.size() - inMailboxes - underAnotherId.size();
        long duplicates = copies.values().stream().filter(held -> held > 1).count();
        // The evidence for a few of them, on stderr (the summary line stays one line).
        copies.entrySet().stream().filter(entry -> entry.getValue() > 1).limit(MAX_DUPLICATES_SHOWN)
            .forEach(entry -> System.err.println(label + " duplicate: pipelineId=" + entry.getKey().pipelineId() + " user="
                + entry.getKey().user() + " copies=" + entry.getValue()));
        Set<Delivery> acceptedDeliveries = new HashSet<>();
        accepted.forEach(message -> acceptedDeliveries.add(message.delivery()));
        long deliveredWithout250 = copies.keySet().stream().filter(delivery -> !acceptedDeliveries.contains(delivery)).count();

        System.out.printf("%-18s accepted_250=%d in_mailboxes=%d under_another_pipeline_id=%d lost=%d duplicates=%d unreadable_mailboxes=%d"
                + " announced=%d in_mailbox_not_announced=%d delivered_without_250=%d longest_gap_between_250s_ms=%d",
            label, accepted.size(), inMailboxes, underAnotherId.size(), lost, duplicates, holdings.unreadable().size(), announcedCount,
            inMailboxes - announcedCount, deliveredWithout250, longestGapMillis(accepted));
        boolean indexRight = true;
        if (index.isPresent()) {
            Map<Delivery, Integer> documents = indexedDocuments(index.get());
            long searchable = accepted.stream()
                .filter(message -> copies.containsKey(message.delivery()))
                .filter(message -> documents.containsKey(message.delivery()))
                .count();
            long indexDuplicates = documents.values().stream().filter(documentCount -> documentCount > 1).count();
            System.out.printf(" searchable=%d not_searchable=%d index_duplicates=%d", searchable, inMailboxes - searchable, indexDuplicates);
            indexRight = searchable == inMailboxes && indexDuplicates == 0;
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

    /** Drains our queue: the (pipeline id, user) pairs that a mail.delivered event announced. */
    private static Set<Delivery> announcedDeliveries(String amqpUri, String queue) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Set<Delivery> announced = new HashSet<>();
        try (Connection connection = connect(amqpUri); Channel channel = connection.createChannel()) {
            for (GetResponse event = channel.basicGet(queue, true); event != null; event = channel.basicGet(queue, true)) {
                JsonNode delivered = json.readTree(event.getBody());
                if (delivered.path("pipelineId").isTextual()) {
                    announced.add(new Delivery(delivered.get("pipelineId").asText(), delivered.get("user").asText().toLowerCase()));
                }
            }
            channel.queueDelete(queue);
        }
        return announced;
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
