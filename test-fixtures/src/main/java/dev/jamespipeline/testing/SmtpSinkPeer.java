package dev.jamespipeline.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A real SMTP peer for tests: Postfix's {@code smtp-sink} (Debian package postfix) on port 25 of a loopback
 * address of its own (127.0.0.x). It answers 4xx or 5xx to the SMTP commands a {@link Behaviour} names (every
 * RCPT alike: per-recipient answers are {@link PostfixPeer}'s), and saves each transaction it gets to DATA
 * ({@code -d}), which {@link #received()} reads back.
 * <p>
 * Several behaviours run one after the other, each for its number of SMTP sessions ("tempfail twice, then
 * accept": {@code start(accepting().softReject("RCPT").forSessions(2), accepting())}): smtp-sink's {@code -n}
 * does not stop it, so the sink runs with {@code -v} and this class counts the sessions it logs, restarting
 * it with the next behaviour on the same address after the last session of a phase. A client connecting in
 * that moment is refused, which it sees as one more temporary failure. {@link #connections()} gives when each
 * session began, across phases.
 */
public final class SmtpSinkPeer implements AutoCloseable {
    public static final int PORT = 25;
    private static final String SMTP_SINK = "/usr/sbin/smtp-sink";
    // smtp-sink prefixes its log lines with its name as invoked.
    private static final String LOG_PREFIX = SMTP_SINK + ": ";

    private final InetAddress address;
    private final Path directory;
    private final List<Instant> connections = new CopyOnWriteArrayList<>();
    private final List<Phase> finished = new ArrayList<>();
    private List<Behaviour> pending = List.of();
    private Phase current;
    private int phaseCount;
    private int behaviourIndex;
    private boolean closed;

    private SmtpSinkPeer(InetAddress address, Path directory) {
        this.address = address;
        this.directory = directory;
    }

    /** Starts smtp-sink on a free 127.0.0.x:25 with {@code phases} in order (the last one runs until closed). */
    public static SmtpSinkPeer start(Behaviour... phases) {
        PeerDaemon.requireProgram(SMTP_SINK, "postfix");
        Path directory = PeerDaemon.workDirectory("smtp-sink");
        for (int attempt = 0; attempt < 5; attempt++) {
            SmtpSinkPeer peer = new SmtpSinkPeer(PeerDaemon.freeLoopbackAddress("127.0.0.", PORT, false), directory);
            if (peer.startPhases(List.of(phases))) {
                return peer;
            }
        }
        throw new IllegalStateException("smtp-sink found no free 127.0.0.x:25 in 5 attempts (see " + directory + ")");
    }

    public InetAddress address() {
        return address;
    }

    /** Stops the running behaviour and starts {@code phases} in its place, on the same address. */
    public synchronized void restart(Behaviour... phases) {
        stopCurrent();
        if (!startPhases(List.of(phases))) {
            throw new IllegalStateException(address.getHostAddress() + ":25 was taken while smtp-sink restarted");
        }
    }

    /**
     * Which of the behaviours given to {@link #start} or {@link #restart} runs now, from 0 (a client that must
     * meet the next one waits for this: the switch follows the last session's disconnect by a few milliseconds).
     */
    public synchronized int behaviourIndex() {
        return behaviourIndex;
    }

    /** When each SMTP session began, in order, across behaviours. */
    public List<Instant> connections() {
        return List.copyOf(connections);
    }

    /**
     * The messages received so far, in arrival order: the transactions of behaviours that accept mail, whose
     * dump file smtp-sink has closed. Lines end in LF (smtp-sink writes them so), dots unstuffed.
     */
    public synchronized List<Received> received() {
        List<Path> dumps = new ArrayList<>();
        Set<Path> open = current == null ? Set.of() : openFiles(current.daemon.process().pid());
        for (Phase phase : allPhases()) {
            if (phase.behaviour.acceptsMail()) {
                try (Stream<Path> files = Files.list(phase.dumps)) {
                    files.filter(file -> !open.contains(file)).forEach(dumps::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return dumps.stream().map(Received::read).sorted(Comparator.comparing(Received::at)).toList();
    }

    /** Waits up to {@code timeout} until {@link #received()} holds {@code count} messages, and returns them. */
    public List<Received> awaitReceived(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Received> received = received();
            if (received.size() >= count) {
                return received;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("smtp-sink at " + address.getHostAddress() + " received " + received.size()
                    + " messages, not " + count + ", within " + timeout);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        stopCurrent();
        PeerDaemon.deleteDirectory(directory);
    }

    private List<Phase> allPhases() {
        List<Phase> phases = new ArrayList<>(finished);
        if (current != null) {
            phases.add(current);
        }
        return phases;
    }

    private synchronized boolean startPhases(List<Behaviour> phases) {
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("no behaviour to run");
        }
        pending = new ArrayList<>(phases.subList(1, phases.size()));
        behaviourIndex = 0;
        return startPhase(phases.get(0));
    }

    private boolean startPhase(Behaviour behaviour) {
        Path dumps = PeerDaemon.directoryOwnedBy(directory.resolve("phase-" + (++phaseCount)), "nobody");
        List<String> command = new ArrayList<>(List.of(SMTP_SINK, "-v", "-h", "sink.test"));
        if (PeerDaemon.runningAsRoot()) {
            command.addAll(List.of("-u", "nobody"));
        }
        command.addAll(List.of("-d", dumps + "/%Y%m%d%H%M%S."));
        command.addAll(behaviour.options());
        command.addAll(List.of(address.getHostAddress() + ":" + PORT, "100"));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Phase phase = new Phase(behaviour, dumps, process);
        Thread reader = new Thread(() -> follow(phase), "smtp-sink " + address.getHostAddress());
        reader.setDaemon(true);
        reader.start();
        if (!PeerDaemon.awaitListening(address, PORT, process)) {
            process.destroy();
            return false;
        }
        current = phase;
        return true;
    }

    /** Reads one smtp-sink's log: notes each session, and after the phase's last one starts the next phase. */
    private void follow(Phase phase) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(phase.daemon.process().getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                phase.log.add(line);
                if (line.startsWith(LOG_PREFIX + "connect ")) {
                    if (phase.probed) {
                        connections.add(Instant.now());
                    }
                    phase.probed = true;
                } else if (line.equals(LOG_PREFIX + "disconnect") && ++phase.sessions == phase.behaviour.sessions) {
                    nextPhase(phase);
                }
            }
        } catch (IOException stopped) {
            // the sink was stopped
        }
    }

    private synchronized void nextPhase(Phase ended) {
        if (closed || current != ended || pending.isEmpty()) {
            return;
        }
        stopCurrent();
        Behaviour next = pending.remove(0);
        if (!startPhase(next)) {
            throw new IllegalStateException(address.getHostAddress() + ":25 was taken while smtp-sink changed behaviour");
        }
        behaviourIndex++;
    }

    private void stopCurrent() {
        if (current != null) {
            current.daemon.close();
            PeerDaemon.awaitClosed(address, PORT);
            finished.add(current);
            current = null;
        }
    }

    /** The files a process holds open, from /proc (the dump of a transaction in progress). */
    private static Set<Path> openFiles(long pid) {
        Set<Path> open = new HashSet<>();
        try (Stream<Path> descriptors = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            descriptors.forEach(descriptor -> {
                try {
                    open.add(Files.readSymbolicLink(descriptor));
                } catch (IOException closedMeanwhile) {
                    // gone between listing and reading
                }
            });
        } catch (IOException exited) {
            // the process exited: nothing is open
        }
        return open;
    }

    /** One smtp-sink process and the behaviour it runs. */
    private static final class Phase {
        final Behaviour behaviour;
        final Path dumps;
        final PeerDaemon daemon;
        final List<String> log = new CopyOnWriteArrayList<>();
        // The first session of each smtp-sink is the start's probe that it listens (connect, then close).
        boolean probed;
        int sessions = -1;

        Phase(Behaviour behaviour, Path dumps, Process process) {
            this.behaviour = behaviour;
            this.dumps = dumps;
            this.daemon = PeerDaemon.adopt(process);
        }
    }

    /**
     * How smtp-sink answers, per SMTP command ({@code CONNECT, HELO, EHLO, MAIL, RCPT, DATA, ".", RSET, NOOP,
     * QUIT}), and for how many sessions (0: until stopped).
     */
    public record Behaviour(List<String> softRejected, List<String> hardRejected, List<String> disconnected,
                            String softReply, String hardReply, int sessions) {
        private static final Set<String> MAIL_COMMANDS = Set.of("CONNECT", "HELO", "EHLO", "MAIL", "RCPT", "DATA", ".");

        public Behaviour {
            softRejected = commands(softRejected);
            hardRejected = commands(hardRejected);
            disconnected = commands(disconnected);
            if (softReply != null && !softReply.matches("4[0-9][0-9] [ -~]*")) {
                throw new IllegalArgumentException("not a 4xx reply: " + softReply);
            }
            if (hardReply != null && !hardReply.matches("5[0-9][0-9] [ -~]*")) {
                throw new IllegalArgumentException("not a 5xx reply: " + hardReply);
            }
            if (sessions < 0) {
                throw new IllegalArgumentException("sessions < 0: " + sessions);
            }
        }

        /** Accepts every command: each message is received. */
        public static Behaviour accepting() {
            return new Behaviour(List.of(), List.of(), List.of(), null, null, 0);
        }

        /** Answers {@code commands} with the soft reply (default {@code 450 4.3.0 Error: command failed}). */
        public Behaviour softReject(String... commands) {
            return new Behaviour(plus(softRejected, commands), hardRejected, disconnected, softReply, hardReply, sessions);
        }

        /** Answers {@code commands} with the hard reply (default {@code 500 5.3.0 Error: command failed}). */
        public Behaviour hardReject(String... commands) {
            return new Behaviour(softRejected, plus(hardRejected, commands), disconnected, softReply, hardReply, sessions);
        }

        /** Closes the connection, without a reply, on {@code commands}. */
        public Behaviour disconnectOn(String... commands) {
            return new Behaviour(softRejected, hardRejected, plus(disconnected, commands), softReply, hardReply, sessions);
        }

        public Behaviour softReply(String reply) {
            return new Behaviour(softRejected, hardRejected, disconnected, reply, hardReply, sessions);
        }

        public Behaviour hardReply(String reply) {
            return new Behaviour(softRejected, hardRejected, disconnected, softReply, reply, sessions);
        }

        /** Runs for {@code count} SMTP sessions, then the next behaviour takes over. */
        public Behaviour forSessions(int count) {
            return new Behaviour(softRejected, hardRejected, disconnected, softReply, hardReply, count);
        }

        /** Whether a transaction can end in 250: what smtp-sink dumps in any other behaviour was not accepted. */
        public boolean acceptsMail() {
            return Stream.of(softRejected, hardRejected, disconnected).flatMap(List::stream).noneMatch(MAIL_COMMANDS::contains);
        }

        List<String> options() {
            List<String> options = new ArrayList<>();
            option(options, "-r", softRejected);
            option(options, "-f", hardRejected);
            option(options, "-q", disconnected);
            if (softReply != null) {
                options.addAll(List.of("-b", softReply));
            }
            if (hardReply != null) {
                options.addAll(List.of("-B", hardReply));
            }
            return options;
        }

        private static void option(List<String> options, String flag, List<String> commands) {
            if (!commands.isEmpty()) {
                options.addAll(List.of(flag, String.join(",", commands)));
            }
        }

        private static List<String> commands(List<String> commands) {
            List<String> upper = commands.stream().map(command -> command.toUpperCase(Locale.ROOT)).toList();
            for (String command : upper) {
                if (!command.matches("[A-Z]+|\\.")) {
                    throw new IllegalArgumentException("not an SMTP command name: " + command);
                }
            }
            return upper;
        }

        private static List<String> plus(List<String> commands, String... more) {
            List<String> all = new ArrayList<>(commands);
            all.addAll(Arrays.asList(more));
            return all;
        }
    }

    /**
     * One transaction smtp-sink saved: the HELO/EHLO argument, the envelope (the addresses of MAIL FROM and
     * each RCPT TO, without angle brackets or parameters) and the message.
     */
    public record Received(String helo, String mailFrom, List<String> recipients, byte[] message, Instant at) {
        private static final String RECEIVED = "Received: ";

        /** The message as text (UTF-8), for assertions. */
        public String text() {
            return new String(message, StandardCharsets.UTF_8);
        }

        /**
         * Reads smtp-sink's dump format: its own header lines ({@code X-Helo-Args}, {@code X-Mail-Args}, one
         * {@code X-Rcpt-Args} per RCPT...) and a three-line {@code Received} header, then the message, then an
         * empty line it appends.
         */
        static Received read(Path dump) {
            try {
                byte[] bytes = Files.readAllBytes(dump);
                String helo = null;
                String mailFrom = null;
                List<String> recipients = new ArrayList<>();
                int position = 0;
                boolean inReceived = false;
                while (position < bytes.length) {
                    int end = indexOf(bytes, (byte) '\n', position);
                    String line = new String(bytes, position, end - position, StandardCharsets.UTF_8);
                    if (inReceived && !line.startsWith("\t") && !line.startsWith(" ")) {
                        break;
                    }
                    if (line.startsWith("X-Helo-Args: ")) {
                        helo = value(line);
                    } else if (line.startsWith("X-Mail-Args: ")) {
                        mailFrom = path(value(line));
                    } else if (line.startsWith("X-Rcpt-Args: ")) {
                        recipients.add(path(value(line)));
                    } else if (line.startsWith(RECEIVED)) {
                        inReceived = true;
                    }
                    position = end + 1;
                }
                int messageEnd = Math.max(position, bytes.length - 1);
                byte[] message = Arrays.copyOfRange(bytes, Math.min(position, bytes.length), messageEnd);
                return new Received(helo, mailFrom, List.copyOf(recipients), message, Files.getLastModifiedTime(dump).toInstant());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String value(String line) {
            return line.substring(line.indexOf(": ") + 2);
        }

        /** {@code <a@b> SIZE=12} → {@code a@b} (the null sender {@code <>} → the empty string). */
        private static String path(String arguments) {
            int open = arguments.indexOf('<');
            int close = arguments.indexOf('>', open + 1);
            return open >= 0 && close > open ? arguments.substring(open + 1, close) : arguments.split(" ", 2)[0];
        }

        private static int indexOf(byte[] bytes, byte wanted, int from) {
            for (int i = from; i < bytes.length; i++) {
                if (bytes[i] == wanted) {
                    return i;
                }
            }
            return bytes.length;
        }

        @Override
        public String toString() {
            return "Received[from=" + mailFrom + ", to=" + recipients + ", " + message.length + " bytes, at " + at + "]";
        }

    }
}
