package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.testing.SmtpSinkPeer;
import dev.jamespipeline.testing.SmtpSinkPeer.Behaviour;
import dev.jamespipeline.testing.TestDns;

/**
 * The worker loses its broker connection in the middle of a job: one domain's recipient is delivered,
 * and the worker is inside the next domain's transaction (a server that never greets) when the
 * connection is cut. The job comes back from RabbitMQ; the ledger keeps the delivered recipient from
 * being sent again, so only the attempt in flight is repeated.
 */
class OutboundCrashIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static final SmtpSinkPeer FAST = SmtpSinkPeer.start(Behaviour.accepting());
    private static final SilentServer SILENT = new SilentServer();
    private static final TestDns DNS = TestDns.builder()
        .host("mx.fast.test", FAST.address().getHostAddress())
        .mx("fast.test", 10, "mx.fast.test")
        .host("mx.silent.test", SILENT.address())
        .mx("silent.test", 10, "mx.silent.test")
        .start();

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice")
        .throughProxy()
        .editConf("dnsservice.xml", shipped -> DNS.dnsServiceXml())
        .setting(OutboundJobs.WORKER_ENABLED, "true")
        .setting("outbound.retry.delays.ms", "1000")
        .setting("outbound.retry.repeat.delays.ms", "1000")
        .setting("outbound.max.age.ms", "15000")
        .setting("outbound.delay.warning.ms", "0")
        .setting("outbound.concurrency", "2")
        .setting("outbound.smtp.timeout.ms", "4000")
        .setting("outbound.smtp.connect.timeout.ms", "2000");

    @AfterAll
    static void stopPeers() throws IOException {
        DNS.close();
        FAST.close();
        SILENT.close();
    }

    @Test
    void aConnectionLostMidJobRepeatsOnlyTheTransactionInFlight() throws Exception {
        // Domains are tried in the order of the job's recipients: fast.test first.
        SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "cut mid-job", "body",
            "someone@fast.test", "someone@silent.test");
        assertThat(reply.accepted()).as(reply.text()).isTrue();

        assertThat(FAST.awaitReceived(1, WAIT)).hasSize(1);
        await().atMost(WAIT).until(() -> SILENT.connections() >= 1);
        PIPELINE.proxy().cut();
        Thread.sleep(1000);
        PIPELINE.proxy().restore();

        // silent.test never answers: the job is retried until its lifetime ends and someone@silent.test bounces.
        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxMessages("alice@" + DOMAIN, PipelineJames.PASSWORD)
            .stream().anyMatch(message -> message.contains("Final-Recipient: rfc822; someone@silent.test")));
        assertThat(SILENT.connections()).isGreaterThan(1);
        assertThat(FAST.received()).hasSize(1);
        assertThat(PIPELINE.james().imap().inboxMessages("alice@" + DOMAIN, PipelineJames.PASSWORD))
            .noneMatch(message -> message.contains("Final-Recipient: rfc822; someone@fast.test"));
    }

    /** Accepts connections on a free 127.0.77.x:25 and never says a word: a transaction that hangs until the timeout. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket listening;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        SilentServer() {
            this.listening = bindFree();
            Thread acceptor = new Thread(() -> {
                while (!listening.isClosed()) {
                    try {
                        accepted.add(listening.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "silent-smtp");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private static ServerSocket bindFree() {
            for (int host = 2; host < 255; host++) {
                try {
                    return new ServerSocket(25, 50, InetAddress.getByName("127.0.77." + host));
                } catch (IOException taken) {
                    // the next address
                }
            }
            throw new IllegalStateException("no free 127.0.77.x:25 (binding port 25 needs root)");
        }

        String address() {
            return listening.getInetAddress().getHostAddress();
        }

        int connections() {
            return accepted.size();
        }

        @Override
        public void close() throws IOException {
            listening.close();
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }
}
