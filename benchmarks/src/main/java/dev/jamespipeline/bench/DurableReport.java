package dev.jamespipeline.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Markdown summary of {@code benchmarks/durable.sh}: one table per measurement (end to end,
 * growth, search), Postfix + Dovecot beside ours, with ours / theirs. Reads the script's result
 * lines: "VARIANT LABEL key=value ...", VARIANT {@code dovecot} or {@code pipeline}.
 *
 * <p>Usage: {@code DurableReport RESULTS_FILE OUT.md HEADER_LINE...}
 */
public final class DurableReport {
    private static final String BASELINE = "dovecot";
    private static final String OURS = "pipeline";

    /** (variant, label) → that line's key=value pairs. */
    private final Map<String, Map<String, String>> runs = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        DurableReport report = new DurableReport();
        report.runs.putAll(ResultLines.read(Path.of(args[0])));
        List<String> out = new ArrayList<>();
        out.add("## Durable end to end: ours against Postfix → Dovecot LMTP → Maildir");
        out.add("");
        for (int i = 2; i < args.length; i++) {
            out.add(args[i] + "  ");
        }
        out.add("");
        report.endToEnd(out);
        report.growth(out);
        report.search(out);
        Files.write(Path.of(args[1]), out);
    }

    private Optional<Double> value(String variant, String label, String key) {
        return Optional.ofNullable(runs.get(variant + " " + label)).map(values -> values.get(key)).map(Double::parseDouble);
    }

    private void row(List<String> out, String name, String label, String key, double scale, String format) {
        Optional<Double> theirs = value(BASELINE, label, key).map(v -> v * scale);
        Optional<Double> ours = value(OURS, label, key).map(v -> v * scale);
        out.add("| " + name + " | " + theirs.map(v -> String.format(format, v)).orElse("–") + " | "
            + ours.map(v -> String.format(format, v)).orElse("–") + " | " + ratio(ours, theirs) + " |");
    }

    private static String ratio(Optional<Double> ours, Optional<Double> theirs) {
        return ours.isPresent() && theirs.isPresent() && theirs.get() > 0 ? String.format("%.2f", ours.get() / theirs.get()) : "–";
    }

    private void endToEnd(List<String> out) {
        Optional<Double> messages = value(BASELINE, "end-to-end", "target").or(() -> value(OURS, "end-to-end", "target"));
        out.add("End to end, " + messages.map(m -> String.format("%,.0f", m)).orElse("?")
            + " messages into one mailbox (SMTP 250 → in the mailbox on disk):");
        out.add("");
        out.add("| | Postfix → Dovecot | ours | ours / theirs |");
        out.add("|---|---|---|---|");
        row(out, "**end to end, msg/s**", "end-to-end", "end_to_end_msg_s", 1, "%.1f");
        row(out, "all in the mailbox after, s", "end-to-end", "all_in_mailbox_ms", 0.001, "%.2f");
        row(out, "accept (smtp-source's last 250), msg/s", "end-to-end", "accept_msg_s", 1, "%.1f");
        row(out, "not yet in the mailbox at the last 250", "end-to-end", "backlog_at_accept_end", 1, "%.0f");
        row(out, "machine CPU per message, ms (all processes)", "end-to-end", "machine_cpu_ms_per_message", 1, "%.2f");
        out.add("");
        value(OURS, "process-cpu", "james_cpu_ms_per_message").ifPresent(james -> out.add(String.format(
            "Ours, CPU per message in that run: James %.2f ms, RabbitMQ %.2f ms, James's PostgreSQL backends %.2f ms (the rest of"
                + " the machine's is PostgreSQL's own writers, OpenSearch, smtp-source and anything else running).", james,
            value(OURS, "process-cpu", "rabbitmq_cpu_ms_per_message").orElse(Double.NaN),
            value(OURS, "process-cpu", "postgresql_backends_cpu_ms_per_message").orElse(0.0))));
        out.add("");
    }

    private void growth(List<String> out) {
        List<String> rounds = runs.keySet().stream().filter(key -> key.contains(" growth-"))
            .map(key -> key.substring(key.indexOf(' ') + 1)).distinct().toList();
        if (rounds.isEmpty()) {
            return;
        }
        out.add("One mailbox growing: each slice sent as one smtp-source run, end-to-end rate of that slice (msg/s):");
        out.add("");
        out.add("| mailbox holds | Postfix → Dovecot | ours | ours / theirs |");
        out.add("|---|---|---|---|");
        long from = 0;
        for (String round : rounds) {
            long size = value(BASELINE, round, "target").or(() -> value(OURS, round, "target")).orElse(0.0).longValue();
            row(out, String.format("%,d–%,d", from, from + size), round, "end_to_end_msg_s", 1, "%.1f");
            from += size;
        }
        String first = rounds.get(0);
        String last = rounds.get(rounds.size() - 1);
        out.add("| **last / first slice** | " + lastOverFirst(BASELINE, first, last) + " | " + lastOverFirst(OURS, first, last) + " | |");
        out.add("");
    }

    private String lastOverFirst(String variant, String first, String last) {
        return ratio(value(variant, last, "end_to_end_msg_s"), value(variant, first, "end_to_end_msg_s"));
    }

    private void search(List<String> out) {
        if (value(BASELINE, "search", "messages").isEmpty() && value(OURS, "search", "messages").isEmpty()) {
            return;
        }
        out.add("IMAP UID SEARCH TEXT on that mailbox (" + value(OURS, "search", "messages").or(() -> value(BASELINE, "search", "messages"))
            .map(m -> String.format("%,.0f", m)).orElse("?") + " messages; a word in 5 of them, and one in none), ms"
            + " (searches of each word: Dovecot " + value(BASELINE, "search", "searches").map(n -> String.format("%.0f", n)).orElse("–")
            + ", ours " + value(OURS, "search", "searches").map(n -> String.format("%.0f", n)).orElse("–") + "):");
        out.add("");
        out.add("| | Dovecot (no FTS plugin: reads every message) | ours (OpenSearch) | ours / theirs |");
        out.add("|---|---|---|---|");
        for (String word : List.of("present", "absent")) {
            for (String quantile : List.of("p50", "p99", "max")) {
                row(out, word + " word, " + quantile, "search", word + "_" + quantile + "_ms", 1, "%.2f");
            }
        }
        out.add("");
    }
}
