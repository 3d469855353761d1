package dev.jamespipeline.it;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.google.inject.Module;

import dev.jamespipeline.search.indexer.SearchConfiguration;
import dev.jamespipeline.testing.PostgresTestDatabase;

/**
 * One James with the pipeline per test class: started before the class's {@code @BeforeAll}
 * methods, stopped (and its queues removed) after its {@code @AfterAll} methods. Its {@code @Nested}
 * classes, which JUnit calls the extension for too, share it.
 */
final class PipelineJamesExtension implements BeforeAllCallback, AfterAllCallback {
    static final String DOMAIN = "example.test";

    private final List<String> users;
    private final Map<String, String> settings = new HashMap<>();
    private final Map<String, UnaryOperator<String>> confEdits =
        new HashMap<>(Map.of("imapserver.xml", PipelineJames::allowPlainImapLogin));
    private final List<Module> overrides = new ArrayList<>();
    private Supplier<String> broker = RabbitMQEndpoint::amqpUri;
    private boolean throughProxy;
    private boolean brokerDownAtStart;
    private Path workDir;
    private TcpProxy proxy;
    private boolean openSearchThroughProxy;
    private TcpProxy openSearchProxy;
    private boolean postgresThroughProxy;
    private TcpProxy postgresProxy;
    private PipelineJames james;
    private BrokerTap tap;
    /** The test class that started James: the one whose end stops it. */
    private Class<?> owner;

    private PipelineJamesExtension(List<String> users) {
        this.users = users;
    }

    /** Users {@code <localPart>@example.test}, password {@link PipelineJames#PASSWORD}. */
    static PipelineJamesExtension withUsers(String... localParts) {
        return new PipelineJamesExtension(List.of(localParts));
    }

    PipelineJamesExtension setting(String key, String value) {
        settings.put(key, value);
        return this;
    }

    PipelineJamesExtension editMailetContainer(UnaryOperator<String> edit) {
        return editConf("mailetcontainer.xml", edit);
    }

    /**
     * Replaces the test's change to a shipped conf file (by default only imapserver.xml's, which allows
     * IMAP LOGIN without STARTTLS: {@code editConf("imapserver.xml", UnaryOperator.identity())} keeps
     * the shipped imapserver.xml).
     */
    PipelineJamesExtension editConf(String fileName, UnaryOperator<String> edit) {
        confEdits.put(fileName, edit);
        return this;
    }

    /** A Guice module over the server main's (a probe the test needs). */
    PipelineJamesExtension override(Module module) {
        overrides.add(module);
        return this;
    }

    /**
     * James uses the broker at this AMQP URI, asked for when the class starts (a {@link PrivateRabbitMQNode}
     * registered before this extension), instead of the shared one.
     */
    PipelineJamesExtension broker(Supplier<String> amqpUri) {
        broker = amqpUri;
        return this;
    }

    /** James reaches RabbitMQ through a {@link TcpProxy} the test can cut. */
    PipelineJamesExtension throughProxy() {
        throughProxy = true;
        return this;
    }

    /** The proxy is cut before James starts. */
    PipelineJamesExtension brokerDownAtStart() {
        throughProxy = true;
        brokerDownAtStart = true;
        return this;
    }

    /** James reaches OpenSearch through a {@link TcpProxy} the test can cut. */
    PipelineJamesExtension openSearchThroughProxy() {
        openSearchThroughProxy = true;
        return this;
    }

    /**
     * James reaches PostgreSQL (mailboxes, accounts, the pipeline's state) through a {@link TcpProxy} the
     * test can cut; its pool gives up waiting for a connection after 1 s.
     */
    PipelineJamesExtension postgresThroughProxy() {
        postgresThroughProxy = true;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (owner != null) {
            return;
        }
        owner = context.getRequiredTestClass();
        workDir = Files.createTempDirectory("pipeline-it-");
        String brokerUri = broker.get();
        String amqpUri = brokerUri;
        if (throughProxy) {
            proxy = new TcpProxy(amqpUri);
            if (brokerDownAtStart) {
                proxy.cut();
            }
            amqpUri = proxy.uri();
        }
        if (openSearchThroughProxy) {
            openSearchProxy = new TcpProxy(OpenSearchEndpoint.uri());
            settings.put(SearchConfiguration.URL, openSearchProxy.uri());
        }
        if (postgresThroughProxy) {
            PostgresTestDatabase database = PostgresTestDatabase.create();
            URI direct = URI.create(database.jdbcUrl().substring("jdbc:".length()));
            postgresProxy = new TcpProxy("tcp://" + direct.getHost() + ":" + direct.getPort());
            URI proxied = URI.create(postgresProxy.uri());
            String viaProxy = database.jdbcUrl().replace("//" + direct.getHost() + ":" + direct.getPort() + "/",
                "//" + proxied.getHost() + ":" + proxied.getPort() + "/");
            // A query waits at most a second for a connection, so a cut of a few seconds fails what runs
            // during it, as a longer outage does with the shipped 30 s.
            confEdits.put("james-database.properties", text -> text.replaceAll("(?m)^database\\.url=.*$",
                Matcher.quoteReplacement("database.url=" + viaProxy)) + "\ndatabase.pool.connection.timeout.ms=1000\n");
            james = PipelineJames.start(workDir, amqpUri, settings, confEdits, database, overrides.toArray(Module[]::new));
        } else {
            james = PipelineJames.start(workDir, amqpUri, settings, confEdits, overrides.toArray(Module[]::new));
        }
        james.withUsers(DOMAIN, users.toArray(String[]::new));
        tap = new BrokerTap(brokerUri);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (workDir == null) {
            return; // skipped before starting (an assumption in an extension registered earlier)
        }
        if (context.getRequiredTestClass() != owner) {
            return;
        }
        tap.close();
        if (proxy != null) {
            proxy.restore();
        }
        if (postgresProxy != null) {
            postgresProxy.restore();
        }
        james.close();
        if (proxy != null) {
            proxy.close();
        }
        if (openSearchProxy != null) {
            openSearchProxy.close();
        }
        if (postgresProxy != null) {
            postgresProxy.close();
        }
        try (Stream<Path> paths = Files.walk(workDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    PipelineJames james() {
        return james;
    }

    BrokerTap tap() {
        return tap;
    }

    TcpProxy proxy() {
        return proxy;
    }

    TcpProxy openSearchProxy() {
        return openSearchProxy;
    }

    TcpProxy postgresProxy() {
        return postgresProxy;
    }
}
