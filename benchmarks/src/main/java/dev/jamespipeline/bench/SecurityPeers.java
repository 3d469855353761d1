package dev.jamespipeline.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import dev.jamespipeline.outbound.security.dkim.DkimKey;
import dev.jamespipeline.outbound.security.dkim.DkimSigner;
import dev.jamespipeline.testing.ClamdPeer;
import dev.jamespipeline.testing.RspamdPeer;
import dev.jamespipeline.testing.TestDkimKey;
import dev.jamespipeline.testing.TestDns;

/**
 * The security benchmark's peers (benchmarks/security.sh), the tests' own: a private Rspamd ({@link RspamdPeer}), a
 * private clamd with the shipped test signatures ({@link ClamdPeer}) and a dnsmasq ({@link TestDns}) holding the
 * sender domain's SPF, DKIM key and DMARC records, so the auth stage does real lookups that pass. Writes the messages
 * (DKIM-signed with that key, {@link SecurityMessages}) and James's {@code dnsservice.xml} into WORKDIR, prints one
 * line {@code peers dns=… rspamd_url=… rspamd_port=… clamd_port=…}, and runs until it is terminated (a shutdown hook
 * stops the daemons and deletes their directories).
 *
 * <p>Usage: {@code SecurityPeers WORKDIR RECIPIENT_DOMAIN USERS SIZE_BYTES WARMUP MEASURED}
 */
public final class SecurityPeers {
    /** The sender domain: MAIL FROM and HELO of {@link RawDataSmtpClient}, From of every message. */
    static final String SENDER_DOMAIN = "load.local";
    private static final String SELECTOR = "s1";

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: WORKDIR RECIPIENT_DOMAIN USERS SIZE_BYTES WARMUP MEASURED");
            System.exit(2);
        }
        Path work = Path.of(args[0]);
        String domain = args[1];
        int users = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        TestDkimKey key = TestDkimKey.generate();
        DkimSigner signer = new DkimSigner(List.of(new DkimKey(SENDER_DOMAIN, SELECTOR, key.privateKey())),
            List.of("from", "to", "subject", "date", "message-id"));
        SecurityMessages messages = new SecurityMessages(signer, SENDER_DOMAIN, domain, users, size);
        messages.write(work.resolve("warmup"), "warm-up", Integer.parseInt(args[4]));
        messages.write(work.resolve("measured"), "measured", Integer.parseInt(args[5]));

        TestDns dns = TestDns.builder()
            .txt(SENDER_DOMAIN, "v=spf1 ip4:127.0.0.1 -all")
            .txt(SELECTOR + "._domainkey." + SENDER_DOMAIN, key.txtRecord())
            .txt("_dmarc." + SENDER_DOMAIN, "v=DMARC1; p=reject; pct=100")
            .start();
        RspamdPeer rspamd = RspamdPeer.start();
        ClamdPeer clamd = ClamdPeer.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            clamd.close();
            rspamd.close();
            dns.close();
            stopped.countDown();
        }));
        Files.writeString(work.resolve("dnsservice.xml"), dns.dnsServiceXml(), StandardCharsets.UTF_8);
        System.out.printf("peers dns=%s rspamd_url=%s rspamd_port=%d clamd_port=%d%n", dns.address().getHostAddress(),
            rspamd.uri(), rspamd.port(), clamd.port());
        System.out.flush();
        stopped.await();
    }
}
