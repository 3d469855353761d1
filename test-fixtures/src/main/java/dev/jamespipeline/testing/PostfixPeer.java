package dev.jamespipeline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A real mail server for tests: a private Postfix instance (Debian package postfix; its own configuration,
 * queue and log in a scratch directory, the machine's Postfix untouched) whose smtpd listens on port 25 of a
 * loopback address of its own (127.0.0.x). It answers per recipient: {@link Builder#accept accepted} ones are
 * delivered by Postfix's {@code virtual} agent into a Maildir each ({@link #messagesFor}), {@link Builder#reject
 * rejected} ones get their reply at RCPT ({@code check_recipient_access}), and any other recipient of those
 * domains gets {@code 550 5.1.1 ... User unknown in virtual mailbox table}. With {@link Builder#starttls} it
 * offers STARTTLS with the given certificate.
 */
public final class PostfixPeer implements AutoCloseable {
    public static final int PORT = 25;
    private static final String POSTFIX = "/usr/sbin/postfix";

    private final InetAddress address;
    private final Path directory;
    private final Thread shutdownHook;

    private PostfixPeer(InetAddress address, Path directory) {
        this.address = address;
        this.directory = directory;
        this.shutdownHook = new Thread(this::stop, "stop postfix peer " + address.getHostAddress());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder() {
        return new Builder();
    }

    public InetAddress address() {
        return address;
    }

    /** The messages Postfix delivered to {@code recipient}'s Maildir, oldest first (with its Delivered-To and Return-Path). */
    public List<byte[]> messagesFor(String recipient) {
        Path fresh = directory.resolve("mail").resolve(recipient.toLowerCase(Locale.ROOT)).resolve("new");
        if (!Files.isDirectory(fresh)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(fresh)) {
            // Maildir names start with the delivery time in seconds and microseconds.
            return files.sorted().map(PostfixPeer::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits up to {@code timeout} until {@code recipient} has {@code count} messages, and returns them. */
    public List<byte[]> awaitMessagesFor(String recipient, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<byte[]> messages = messagesFor(recipient);
            if (messages.size() >= count) {
                return messages;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the Postfix peer at " + address.getHostAddress() + " delivered " + messages.size()
                    + " messages to " + recipient + ", not " + count + ", within " + timeout + "; its log: " + PeerDaemon.lastLines(log()));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Postfix's log of this instance (smtpd's replies, TLS handshakes, deliveries). */
    public String log() {
        Path log = directory.resolve("maillog");
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
        PeerDaemon.deleteDirectory(directory);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // already running the hooks
        }
    }

    private void stop() {
        Path configuration = directory.resolve("conf");
        Optional<ProcessHandle> master = masterProcess().filter(ProcessHandle::isAlive);
        if (master.isEmpty()) {
            return;
        }
        PeerDaemon.run(List.of(POSTFIX, "-c", configuration.toString(), "stop"));
        master.get().onExit().join();
        // smtpd processes hold the listening socket until they notice their master is gone.
        PeerDaemon.awaitClosed(address, PORT);
    }

    private Optional<ProcessHandle> masterProcess() {
        try {
            String pid = Files.readString(directory.resolve("queue/pid/master.pid")).trim();
            return ProcessHandle.of(Long.parseLong(pid));
        } catch (IOException | NumberFormatException noMaster) {
            return Optional.empty();
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The recipients, their answers, and TLS. */
    public static final class Builder {
        private final Set<String> accepted = new LinkedHashSet<>();
        private final Map<String, String> rejected = new LinkedHashMap<>();
        private String hostname = "mx.postfix-peer.test";
        private TestCertificate certificate;

        private Builder() {
        }

        /** Accepts mail for {@code recipient} and delivers it to its Maildir. */
        public Builder accept(String recipient) {
            accepted.add(address(recipient));
            return this;
        }

        /** Answers RCPT TO {@code recipient} with {@code reply}, e.g. {@code 550 5.1.1 no such user} or {@code 450 4.2.1 try later}. */
        public Builder reject(String recipient, String reply) {
            if (!reply.matches("[45][0-9][0-9] [ -~]*")) {
                throw new IllegalArgumentException("not a 4xx or 5xx reply: " + reply);
            }
            rejected.put(address(recipient), reply);
            return this;
        }

        /** The name in the greeting and EHLO reply (default {@code mx.postfix-peer.test}). */
        public Builder hostname(String name) {
            if (!name.matches("[A-Za-z0-9.-]+")) {
                throw new IllegalArgumentException("not a host name: " + name);
            }
            this.hostname = name;
            return this;
        }

        /** Offers STARTTLS with {@code certificate} (without it, STARTTLS is not offered). */
        public Builder starttls(TestCertificate certificate) {
            this.certificate = certificate;
            return this;
        }

        /** Starts the instance on a free 127.0.0.x:25; fails with one line when postfix is missing or not root. */
        public PostfixPeer start() {
            PeerDaemon.requireProgram(POSTFIX, "postfix");
            if (!PeerDaemon.runningAsRoot()) {
                throw new IllegalStateException("a private Postfix instance starts as root only (its daemons switch to user postfix)");
            }
            for (int attempt = 0; attempt < 5; attempt++) {
                PostfixPeer peer = new PostfixPeer(PeerDaemon.freeLoopbackAddress("127.0.0.", PORT, false),
                    PeerDaemon.workDirectory("postfix-peer"));
                if (startInstance(peer)) {
                    return peer;
                }
                peer.close();
            }
            throw new IllegalStateException("the Postfix peer found no free 127.0.0.x:25 in 5 attempts");
        }

        private boolean startInstance(PostfixPeer peer) {
            Path directory = peer.directory;
            Path configuration = directory.resolve("conf");
            try {
                Files.createDirectories(configuration);
                Files.createDirectories(directory.resolve("queue"));
                PeerDaemon.directoryOwnedBy(directory.resolve("data"), "postfix");
                PeerDaemon.directoryOwnedBy(directory.resolve("mail"), "nobody");
                Files.copy(Path.of("/etc/postfix/main.cf"), configuration.resolve("main.cf"));
                Files.copy(Path.of("/etc/postfix/master.cf"), configuration.resolve("master.cf"));
                List<String> mailboxes = accepted.stream().map(recipient -> recipient + " " + recipient + "/").toList();
                Files.write(configuration.resolve("mailboxes"), mailboxes, StandardCharsets.UTF_8);
                List<String> access = rejected.entrySet().stream().map(entry -> entry.getKey() + " " + entry.getValue()).toList();
                Files.write(configuration.resolve("recipient_access"), access, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Set<String> domains = new LinkedHashSet<>();
            Stream.concat(accepted.stream(), rejected.keySet().stream()).forEach(recipient -> domains.add(recipient.substring(recipient.indexOf('@') + 1)));
            List<String> settings = new ArrayList<>(List.of(
                "queue_directory=" + directory.resolve("queue"), "data_directory=" + directory.resolve("data"),
                // inet_interfaces must name an interface's address; smtpd's own address is in master.cf below.
                "inet_interfaces=127.0.0.1", "inet_protocols=ipv4", "myhostname=" + hostname,
                "mydestination=", "relay_domains=", "alias_maps=", "alias_database=", "biff=no",
                "maillog_file=" + directory.resolve("maillog"), "maillog_file_prefixes=" + directory,
                "virtual_mailbox_domains=" + String.join(",", domains),
                "virtual_mailbox_maps=texthash:" + configuration.resolve("mailboxes"),
                "virtual_mailbox_base=" + directory.resolve("mail"),
                "virtual_uid_maps=static:" + PeerDaemon.run(List.of("id", "-u", "nobody")).trim(),
                "virtual_gid_maps=static:" + PeerDaemon.run(List.of("id", "-g", "nobody")).trim(),
                // Nothing leaves this peer: bounces of its own have nowhere to go.
                "default_transport=error:this test peer sends no mail", "relay_transport=error:this test peer sends no mail",
                "smtpd_relay_restrictions=reject_unauth_destination",
                "smtpd_recipient_restrictions=check_recipient_access texthash:" + configuration.resolve("recipient_access"),
                "smtpd_tls_loglevel=1"));
            if (certificate == null) {
                settings.addAll(List.of("smtpd_tls_security_level=none", "smtpd_tls_cert_file=", "smtpd_tls_key_file="));
            } else {
                settings.addAll(List.of("smtpd_tls_security_level=may", "smtpd_tls_cert_file=" + certificate.certificateFile(),
                    "smtpd_tls_key_file=" + certificate.privateKeyFile()));
            }
            List<String> postconf = new ArrayList<>(List.of("postconf", "-c", configuration.toString(), "-e"));
            postconf.addAll(settings);
            PeerDaemon.run(postconf);
            PeerDaemon.run(List.of("postconf", "-c", configuration.toString(), "-M",
                "smtp/inet=" + peer.address.getHostAddress() + ":" + PORT + " inet n - n - - smtpd"));
            PeerDaemon.run(List.of(POSTFIX, "-c", configuration.toString(), "start"));
            if (PeerDaemon.awaitListening(peer.address, PORT, null)) {
                return true;
            }
            if (peer.log().contains("Address already in use")) {
                return false;
            }
            throw new IllegalStateException("the Postfix peer did not listen on " + peer.address.getHostAddress()
                + ":25; its log: " + PeerDaemon.lastLines(peer.log()));
        }

        /** A recipient address that cannot break Postfix's table syntax. */
        private static String address(String recipient) {
            if (!recipient.matches("[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+")) {
                throw new IllegalArgumentException("not a plain mail address: " + recipient);
            }
            return recipient.toLowerCase(Locale.ROOT);
        }
    }
}
