package dev.jamespipeline.bench;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.configuration2.MapConfiguration;

import dev.jamespipeline.security.spam.RspamdClient;
import dev.jamespipeline.security.spam.SpamSettings;
import dev.jamespipeline.security.virus.ClamdClient;
import dev.jamespipeline.security.virus.ScanResult;
import dev.jamespipeline.security.virus.VirusSettings;

/**
 * A scanner's own throughput, the ceiling of its stage: every message file of a directory scanned once by THREADS
 * threads in parallel, straight at the daemon, with the client the stage uses and its settings' defaults (clamd:
 * INSTREAM; Rspamd: {@code POST /checkv2} with the envelope as headers). Prints {@code SCANNER messages= threads=
 * seconds= msg_per_s= flagged=} (flagged: infected, or Rspamd's action is spam).
 *
 * <p>Usage: {@code ScannerCeiling clamd PORT MESSAGES_DIR THREADS} or {@code ScannerCeiling rspamd URL MESSAGES_DIR THREADS}
 */
public final class ScannerCeiling {

    interface Scan {
        boolean flagged(byte[] message) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4 || !List.of("clamd", "rspamd").contains(args[0])) {
            System.err.println("usage: clamd PORT MESSAGES_DIR THREADS | rspamd URL MESSAGES_DIR THREADS");
            System.exit(2);
        }
        List<byte[]> messages = SecurityLoad.read(Path.of(args[2]));
        int threads = Integer.parseInt(args[3]);
        Scan scan = args[0].equals("clamd") ? clamd(args[1]) : rspamd(args[1]);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger flagged = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(pool.submit(() -> {
                for (int index = next.getAndIncrement(); index < messages.size(); index = next.getAndIncrement()) {
                    if (scan.flagged(messages.get(index))) {
                        flagged.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : running) {
            future.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        System.out.printf("%s messages=%d threads=%d seconds=%.2f msg_per_s=%.1f flagged=%d%n", args[0], messages.size(), threads,
            seconds, messages.size() / seconds, flagged.get());
    }

    private static Scan clamd(String port) {
        ClamdClient client = new ClamdClient(VirusSettings.from(new MapConfiguration(Map.of(
            VirusSettings.CLAMD_HOST, "127.0.0.1", VirusSettings.CLAMD_PORT, port))));
        return message -> client.scan(new ByteArrayInputStream(message)) instanceof ScanResult.Infected;
    }

    private static Scan rspamd(String url) {
        RspamdClient client = new RspamdClient(SpamSettings.from(new MapConfiguration(Map.of(SpamSettings.RSPAMD_URL, url))));
        AtomicInteger queueIds = new AtomicInteger();
        return message -> client.check(new RspamdClient.ScanEnvelope("ceiling-" + queueIds.incrementAndGet(), "127.0.0.1",
            SecurityPeers.SENDER_DOMAIN, "load@" + SecurityPeers.SENDER_DOMAIN, List.of(SecurityLoad.recipient(message)), null),
            new RspamdClient.MessageBytes() {
                @Override
                public InputStream open() {
                    return new ByteArrayInputStream(message);
                }

                @Override
                public long size() {
                    return message.length;
                }
            }).isSpam();
    }
}
