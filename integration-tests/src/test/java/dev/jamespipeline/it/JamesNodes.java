package dev.jamespipeline.it;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.google.inject.Module;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.search.indexer.SearchConfiguration;
import dev.jamespipeline.testing.PostgresTestDatabase;

/**
 * Several James nodes in this JVM, as {@code ./run.sh --node N} runs them on one machine: they share the
 * broker, the pipeline's topology (one name prefix), its message store, the search index and one PostgreSQL
 * database; each has its own ports, working directory and mailbox event bus id. Their mailbox event bus is James's RabbitMQ one
 * ({@code mailbox.event.bus=rabbitmq}) in a vhost of the test's own, deleted afterwards with everything
 * James declared there. Started before the class's {@code @BeforeAll} methods, stopped after its {@code @AfterAll}.
 */
final class JamesNodes implements BeforeAllCallback, AfterAllCallback {
    static final String DOMAIN = PipelineJamesExtension.DOMAIN;

    private final int count;
    private final List<String> users;
    private final Map<String, String> settings = new HashMap<>();
    private final List<Module> overrides = new ArrayList<>(List.of(EventBusProbe.MODULE));
    private final List<PipelineJames> nodes = new ArrayList<>();
    private final Set<Integer> stopped = new HashSet<>();
    private Path root;
    private PostgresTestDatabase database;
    private String eventBusVhost;
    private RabbitMQManagement management;

    private JamesNodes(int count, List<String> users) {
        this.count = count;
        this.users = users;
    }

    /** Users {@code <localPart>@example.test} on every node, password {@link PipelineJames#PASSWORD}. */
    static JamesNodes of(int count, String... localParts) {
        return new JamesNodes(count, List.of(localParts));
    }

    JamesNodes setting(String key, String value) {
        settings.put(key, value);
        return this;
    }

    /** Guice modules over every node's (for example a backend under test). */
    JamesNodes override(Module module) {
        overrides.add(module);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        root = Files.createTempDirectory("pipeline-nodes-it-");
        String testId = "it-" + UUID.randomUUID().toString().substring(0, 8);
        eventBusVhost = "pipeline-" + testId + "-events";
        management = new RabbitMQManagement(RabbitMQEndpoint.amqpUri(), RabbitMQEndpoint.managementUri());
        management.createVhost(eventBusVhost);
        // Dropped by the last node's close; the test itself opens few connections.
        database = PostgresTestDatabase.create(2);

        Map<String, String> shared = new HashMap<>(settings);
        shared.put(PipelineConfiguration.NAME_PREFIX, testId + ".");
        shared.put(SearchConfiguration.INDEX_NAME, testId + "-mail");
        shared.put(PipelineConfiguration.STORE_ROOT, root.resolve("pipeline-store").toString());
        shared.put("mailbox.event.bus", "rabbitmq");
        String rabbitmqProperties = rabbitmqProperties(RabbitMQEndpoint.amqpUri(), RabbitMQEndpoint.managementUri(), eventBusVhost);
        for (int node = 1; node <= count; node++) {
            UnaryOperator<String> jmxNames = node == 1 ? UnaryOperator.identity() : uniqueJmxNames("-node" + node);
            Map<String, UnaryOperator<String>> confEdits = Map.of(
                "imapserver.xml", text -> jmxNames.apply(PipelineJames.allowPlainImapLogin(text)),
                "smtpserver.xml", jmxNames,
                "mailetcontainer.xml", node == 1 ? UnaryOperator.identity() : JamesNodes::withoutMailetJmx,
                "rabbitmq.properties", ignored -> rabbitmqProperties);
            nodes.add(PipelineJames.start(root.resolve("node-" + node), RabbitMQEndpoint.amqpUri(), shared, confEdits,
                database, overrides.toArray(Module[]::new)));
        }
        // Users and domains are in the shared database.
        nodes.get(0).withUsers(DOMAIN, users.toArray(String[]::new));
    }

    /** Nodes in one JVM share its MBean server: the servers' MBeans need names of their own. */
    private static UnaryOperator<String> uniqueJmxNames(String suffix) {
        return text -> text.replaceAll("<jmxName>([^<]+)</jmxName>", "<jmxName>$1" + suffix + "</jmxName>");
    }

    /** The mailet container's MBeans are named by processor and mailet only: registered by the first node alone. */
    private static String withoutMailetJmx(String mailetContainerXml) {
        return mailetContainerXml.replace("enableJmx=\"true\"", "enableJmx=\"false\"")
            .replace("<processors>", "<processors enableJmx=\"false\">");
    }

    /** James's own rabbitmq.properties for the event bus: the test broker, in the given vhost. */
    static String rabbitmqProperties(String amqpUri, String managementUri, String vhost) {
        URI broker = URI.create(amqpUri);
        String[] credentials = broker.getUserInfo().split(":", 2);
        int port = broker.getPort() > 0 ? broker.getPort() : 5672;
        return "uri=amqp://" + broker.getRawUserInfo() + "@" + broker.getHost() + ":" + port + "/" + vhost + "\n"
            + "vhost=" + vhost + "\n"
            + "management.uri=" + managementUri + "\n"
            + "management.user=" + credentials[0] + "\n"
            + "management.password=" + credentials[1] + "\n";
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (root == null) {
            return;
        }
        // The shared topology and index are removed once, with the last node.
        for (int node = 0; node < nodes.size() - 1; node++) {
            if (!stopped.contains(node + 1)) {
                nodes.get(node).server().stop();
            }
        }
        if (!nodes.isEmpty()) {
            nodes.get(nodes.size() - 1).close();
        }
        management.deleteVhost(eventBusVhost);
        if (nodes.isEmpty()) {
            database.close();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /**
     * Stops node {@code number} while the others run (James's own stop: consumers first, unacknowledged
     * messages back to their queues). Not the last node, which removes the shared topology when the class ends.
     */
    void stop(int number) {
        if (number == nodes.size()) {
            throw new IllegalArgumentException("the last node stays up: it cleans up after the class");
        }
        stopped.add(number);
        nodes.get(number - 1).server().stop();
    }

    /** Node 1, 2, ... */
    PipelineJames node(int number) {
        return nodes.get(number - 1);
    }

    String eventBusVhost() {
        return eventBusVhost;
    }

    RabbitMQManagement management() {
        return management;
    }
}
