package dev.jamespipeline.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Checks the thread ids James guessed for the threaded series ({@link SearchBenchMessages#threaded}),
 * as the index holds them: waits until the user's documents are all searchable, reads each one's
 * subject and thread id, and counts the threads that are right: all
 * {@value SearchBenchMessages#THREAD_LENGTH} messages of "topic K" share one thread id, and no
 * other topic has it. Prints "threads right: X of Y", writes the result as JSON and exits 1 unless
 * every thread is right.
 *
 * <p>Usage: {@code ThreadIdCheck OPENSEARCH_URL INDEX USER MESSAGES TIMEOUT_S OUT_JSON}
 */
public final class ThreadIdCheck {
    private static final int EXAMPLES = 5;

    /**
     * @param stray         documents of the user whose subject names no topic
     * @param wrongExamples a few wrong threads, described
     */
    public record Result(String user, long expectedMessages, long indexedMessages, long threads, long threadsRight,
                         long stray, List<String> wrongExamples) {
        boolean allRight() {
            return threadsRight == threads && indexedMessages == expectedMessages && stray == 0;
        }
    }

    private ThreadIdCheck() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: OPENSEARCH_URL INDEX USER MESSAGES TIMEOUT_S OUT_JSON");
            System.exit(2);
        }
        OpenSearchHttp openSearch = new OpenSearchHttp(URI.create(args[0]));
        String index = args[1];
        String user = args[2];
        long messages = Long.parseLong(args[3]);
        long deadline = System.currentTimeMillis() + Long.parseLong(args[4]) * 1000;
        ObjectMapper json = openSearch.json();
        ObjectNode ofUser = json.createObjectNode();
        ofUser.putObject("term").put("user", user);

        long indexed = openSearch.count(index, ofUser);
        while (indexed < messages && System.currentTimeMillis() < deadline) {
            Thread.sleep(1000);
            indexed = openSearch.count(index, ofUser);
        }
        Map<Long, List<String>> threadIdsByTopic = new HashMap<>();
        long[] stray = {0};
        openSearch.scan(index, ofUser, List.of("subject", "threadId"), hit -> {
            Optional<Long> topic = SearchBenchMessages.topicOf(hit.path("subject").asText(null));
            if (topic.isPresent()) {
                threadIdsByTopic.computeIfAbsent(topic.get(), t -> new ArrayList<>()).add(hit.path("threadId").asText());
            } else {
                stray[0]++;
            }
        });
        Result result = judge(user, messages, indexed, threadIdsByTopic, stray[0]);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(Path.of(args[5]).toFile(), result);
        System.out.printf("threads right: %d of %d (%d of %d messages indexed, %d without a topic)%n",
            result.threadsRight(), result.threads(), indexed, messages, result.stray());
        result.wrongExamples().forEach(example -> System.out.println("  wrong: " + example));
        System.exit(result.allRight() ? 0 : 1);
    }

    private static Result judge(String user, long messages, long indexed, Map<Long, List<String>> threadIdsByTopic, long stray) {
        Map<String, Set<Long>> topicsByThreadId = new HashMap<>();
        threadIdsByTopic.forEach((topic, ids) -> ids.forEach(id -> topicsByThreadId.computeIfAbsent(id, i -> new TreeSet<>()).add(topic)));
        long threads = messages / SearchBenchMessages.THREAD_LENGTH;
        long right = 0;
        List<String> wrong = new ArrayList<>();
        for (long topic = 0; topic < threads; topic++) {
            List<String> ids = threadIdsByTopic.getOrDefault(topic, List.of());
            Set<String> distinct = new HashSet<>(ids);
            Set<Long> sharing = distinct.size() == 1 ? topicsByThreadId.get(distinct.iterator().next()) : Set.of();
            if (ids.size() == SearchBenchMessages.THREAD_LENGTH && distinct.size() == 1 && sharing.size() == 1) {
                right++;
            } else if (wrong.size() < EXAMPLES) {
                wrong.add("topic " + topic + ": " + ids.size() + " messages indexed, thread ids " + distinct
                    + (sharing.size() > 1 ? ", shared with topics " + sharing : ""));
            }
        }
        return new Result(user, messages, indexed, threads, right, stray, wrong);
    }
}
