package dev.jamespipeline.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.stream.Stream;

import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.modules.MailboxProbeImpl;
import org.apache.james.modules.protocols.ImapGuiceProbe;
import org.apache.james.modules.protocols.SmtpGuiceProbe;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.WebAdminGuiceProbe;

import com.google.inject.Module;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.FileDeliveryLedger;
import dev.jamespipeline.core.state.StateSettings;
import dev.jamespipeline.core.store.FileMessageStore;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.core.store.StorageKey;
import dev.jamespipeline.server.PipelineJamesServerMain;
import dev.jamespipeline.search.indexer.SearchConfiguration;
import dev.jamespipeline.state.PostgresDeliveryLedger;
import dev.jamespipeline.state.PostgresMessageStore;
import dev.jamespipeline.testing.PostgresTestDatabase;

/**
 * A real James 3.8.1, as our server main composes it (state in PostgreSQL, search bound to OpenSearch),
 * running the shipped james-conf/ in this JVM. Only what must differ for a test is changed: ports
 * (random), the AMQP and OpenSearch URIs, a name prefix that keeps this test's queues and index
 * apart, a database of its own, the store location, and whatever the test edits.
 */
final class PipelineJames implements AutoCloseable {
    static final String PASSWORD = "secret";
    /** The envelope signing key of every test James (32 bytes); a test may set its own. */
    static final String TEST_SIGNING_KEYS = "it1:" + Base64.getEncoder().encodeToString(
        "integration-tests-signing-key-32".getBytes(StandardCharsets.US_ASCII));

    private final GuiceJamesServer server;
    private final PipelineConfiguration configuration;
    private final Path storeRoot;
    private final String amqpUri;
    private final String indexName;
    private final String webAdminToken;
    private final PostgresTestDatabase database;

    private PipelineJames(GuiceJamesServer server, PipelineConfiguration configuration, Path storeRoot, String amqpUri,
                          String indexName, String webAdminToken, PostgresTestDatabase database) {
        this.server = server;
        this.configuration = configuration;
        this.storeRoot = storeRoot;
        this.amqpUri = amqpUri;
        this.indexName = indexName;
        this.webAdminToken = webAdminToken;
        this.database = database;
    }

    /** The trial setting the README describes: IMAP LOGIN without STARTTLS, as most tests log in. */
    static String allowPlainImapLogin(String imapServerXml) {
        return imapServerXml.replace("<plainAuthDisallowed>true</plainAuthDisallowed>",
            "<plainAuthDisallowed>false</plainAuthDisallowed>");
    }

    /**
     * @param confEdits changes to the shipped files, by file name, applied after the port and bind changes;
     *                  a file James does not ship is edited from empty
     * @param overrides Guice modules over the server main's (probes a test needs)
     */
    static PipelineJames start(Path workDir, String amqpUri, Map<String, String> pipelineSettings,
                               Map<String, UnaryOperator<String>> confEdits, Module... overrides) throws Exception {
        return start(workDir, amqpUri, pipelineSettings, confEdits, PostgresTestDatabase.create(), overrides);
    }

    /**
     * As {@link #start(Path, String, Map, Map, Module...)}, in the given database, dropped when this James
     * closes (of nodes sharing one, {@link JamesNodes} closes only the last).
     */
    static PipelineJames start(Path workDir, String amqpUri, Map<String, String> pipelineSettings,
                               Map<String, UnaryOperator<String>> confEdits, PostgresTestDatabase database,
                               Module... overrides) throws Exception {
        Path conf = workDir.resolve("conf");
        Files.createDirectories(conf);
        Path shipped = Path.of(System.getProperty("pipeline.james.conf.dir"));
        try (Stream<Path> files = Files.list(shipped)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, conf.resolve(file.getFileName()));
            }
        }
        rewrite(conf.resolve("smtpserver.xml"), text -> text
            .replace("<bind>0.0.0.0:2525</bind>", "<bind>127.0.0.1:0</bind>")
            .replace("<bind>0.0.0.0:5870</bind>", "<bind>127.0.0.1:0</bind>"));
        rewrite(conf.resolve("imapserver.xml"), text -> text.replace("<bind>0.0.0.0:1143</bind>", "<bind>127.0.0.1:0</bind>"));
        rewrite(conf.resolve("webadmin.properties"), text -> text.replace("port=8000", "port=0"));
        // Users, domains, mailboxes...: in a PostgreSQL database of this James's own, dropped on close.
        useDatabase(conf, database);
        for (Map.Entry<String, UnaryOperator<String>> edit : confEdits.entrySet()) {
            rewrite(conf.resolve(edit.getKey()), edit.getValue());
        }
        String webAdminToken = WebAdminToken.create(conf);
        Path storeRoot = workDir.resolve("pipeline-store");
        Map<String, String> settings = new HashMap<>();
        String testId = "it-" + UUID.randomUUID().toString().substring(0, 8);
        settings.put(PipelineConfiguration.AMQP_URI, amqpUri);
        settings.put(PipelineConfiguration.NAME_PREFIX, testId + ".");
        settings.put(SearchConfiguration.URL, OpenSearchEndpoint.uri());
        settings.put(SearchConfiguration.INDEX_NAME, testId + "-mail");
        settings.put(PipelineConfiguration.STORE_ROOT, storeRoot.toString());
        settings.put(PipelineConfiguration.RECOVERY_INTERVAL, "500");
        settings.put(PipelineConfiguration.SIGNING_KEYS, TEST_SIGNING_KEYS);
        // Tests that read the outbound queue, or send to domains no test DNS answers for, keep their jobs
        // in RabbitMQ; the outbound tests switch the worker on.
        settings.put(OutboundJobs.WORKER_ENABLED, "false");
        settings.putAll(pipelineSettings);
        PropertiesConfiguration properties = setProperties(conf.resolve("pipeline.properties"), settings);
        generateKeystore(conf.resolve("keystore"));

        GuiceJamesServer server = PipelineJamesServerMain.createServer(MemoryJamesConfiguration.builder()
            .workingDirectory(workDir.toFile())
            .build())
            .overrideWith(overrides);
        try {
            server.start();
        } catch (Exception | Error e) {
            database.close();
            throw e;
        }
        return new PipelineJames(server, PipelineConfiguration.from(properties), storeRoot, amqpUri,
            properties.getString(SearchConfiguration.INDEX_NAME), webAdminToken, database);
    }

    /** Points conf/james-database.properties at this database (its URL carries the credentials). */
    static void useDatabase(Path conf, PostgresTestDatabase database) throws IOException {
        rewrite(conf.resolve("james-database.properties"), text -> text
            .replaceAll("(?m)^database\\.(username|password)=.*$", "")
            .replaceAll("(?m)^database\\.url=.*$", Matcher.quoteReplacement("database.url=" + database.jdbcUrl())));
    }

    private static void rewrite(Path file, UnaryOperator<String> edit) throws IOException {
        String before = Files.exists(file) ? Files.readString(file) : "";
        String after = edit.apply(before);
        Files.writeString(file, after);
    }

    private static PropertiesConfiguration setProperties(Path file, Map<String, String> settings) throws Exception {
        PropertiesConfiguration properties = new PropertiesConfiguration();
        FileHandler handler = new FileHandler(properties);
        handler.load(file.toFile());
        settings.forEach(properties::setProperty);
        handler.save(file.toFile());
        return properties;
    }

    static void generateKeystore(Path keystore) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "james", "-keyalg", "RSA",
            "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "james72laBalle",
            "-keypass", "james72laBalle", "-dname", "CN=localhost", "-validity", "30")
            .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }

    PipelineJames withUsers(String domain, String... localParts) throws Exception {
        DataProbeImpl data = server.getProbe(DataProbeImpl.class);
        if (!data.containsDomain(domain)) {
            data.addDomain(domain);
        }
        for (String localPart : localParts) {
            data.addUser(localPart + "@" + domain, PASSWORD);
        }
        return this;
    }

    /** Signs as this James does: what another node would publish. */
    EnvelopeSigner signer() {
        return new EnvelopeSigner(configuration.signingKeys());
    }

    MailboxProbeImpl mailboxes() {
        return server.getProbe(MailboxProbeImpl.class);
    }

    int smtpPort() {
        return server.getProbe(SmtpGuiceProbe.class).getSmtpPort().getValue();
    }

    /** The submission server (STARTTLS, AUTH). */
    int submissionPort() {
        return server.getProbe(SmtpGuiceProbe.class).getSmtpStartTlsPort().getValue();
    }

    int imapPort() {
        // The shipped IMAP server offers STARTTLS; most tests log in without it (allowPlainImapLogin).
        return server.getProbe(ImapGuiceProbe.class).getImapStartTLSPort();
    }

    URI webAdminUri(String pathAndQuery) {
        int port = server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue();
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** The admin token WebAdmin accepts (the test's own key pair). */
    String webAdminToken() {
        return webAdminToken;
    }

    /** A WebAdmin call without a body, as the admin: {@code webAdmin("POST", "/pipeline/search?action=reindex")}. */
    HttpResponse<String> webAdmin(String method, String pathAndQuery) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(webAdminUri(pathAndQuery))
                .header("Authorization", WebAdminToken.bearer(webAdminToken))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** The pipeline's James health check as WebAdmin reports it: HTTP status and JSON body. */
    HealthReport pipelineHealth() throws Exception {
        HttpResponse<String> response = webAdmin("GET", "/healthcheck/checks/RabbitMQPipeline");
        return new HealthReport(response.statusCode(), response.body());
    }

    record HealthReport(int httpStatus, String json) {
    }

    SmtpSender smtp() {
        return new SmtpSender(smtpPort());
    }

    ImapReader imap() {
        return new ImapReader(imapPort());
    }

    Topology topology() {
        return new Topology(configuration);
    }

    PipelineConfiguration configuration() {
        return configuration;
    }

    /** The directory of the file message store (store.backend=file). */
    Path messageStore() {
        return storeRoot.resolve("messages");
    }

    /**
     * The ledger this James writes, over the same files or tables (the ledger.backend it runs with; the
     * pipeline's objects live in the injector James makes for its mailets, out of a probe's reach).
     */
    DeliveryLedger ledger() throws IOException {
        return configuration.state().ledgerBackend() == StateSettings.Backend.FILE
            ? new FileDeliveryLedger(ledgerRoot()) : new PostgresDeliveryLedger(database.dataSource());
    }

    /** The message store this James reads and writes, over the same files or table (its store.backend). */
    MessageStore store() throws IOException {
        return filesStore() ? new FileMessageStore(messageStore()) : new PostgresMessageStore(database.dataSource());
    }

    /** The bytes stored under this key, read from this James's message store, whatever its backend. */
    byte[] storedMessage(String key) throws IOException {
        try (InputStream in = store().open(new StorageKey(key))) {
            return in.readAllBytes();
        }
    }

    /** The directory of the file ledger (ledger.backend=file). */
    Path ledgerRoot() {
        return storeRoot.resolve("ledger");
    }

    GuiceJamesServer server() {
        return server;
    }

    /** The PostgreSQL database of this James's users, domains and mailboxes. */
    PostgresTestDatabase database() {
        return database;
    }

    /**
     * Messages in the message store (with the file store its regular files, temp files included, the
     * empty marks a withdrawn message leaves not): what a failed ingest must not leave behind.
     */
    long storedMessageCount() throws Exception {
        return filesStore() ? countStoreFiles(name -> !isWithdrawalMark(name)) : countRows("pipeline_message");
    }

    /** Marks of messages withdrawn at ingest (not confirmed by the broker, answered 451). */
    long withdrawalMarkCount() throws Exception {
        return filesStore() ? countStoreFiles(PipelineJames::isWithdrawalMark) : countRows("pipeline_withdrawn_message");
    }

    private boolean filesStore() {
        return configuration.state().storeBackend() == StateSettings.Backend.FILE;
    }

    private long countRows(String table) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT count(*) FROM " + table)) {
            count.next();
            return count.getLong(1);
        }
    }

    private long countStoreFiles(java.util.function.Predicate<String> fileName) throws IOException {
        if (!Files.exists(messageStore())) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(messageStore())) {
            return files.filter(Files::isRegularFile).filter(file -> fileName.test(file.getFileName().toString())).count();
        }
    }

    private static boolean isWithdrawalMark(String fileName) {
        return fileName.startsWith(".") && fileName.endsWith(".withdrawn");
    }

    @Override
    public void close() throws Exception {
        server.stop();
        TopologyCleanup.delete(amqpUri, configuration);
        new SearchIndexProbe(indexName).deleteIndexAndTemplate();
        database.close();
    }

    /** The test's own OpenSearch index. */
    String indexName() {
        return indexName;
    }
}
