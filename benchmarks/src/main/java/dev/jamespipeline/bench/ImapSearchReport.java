package dev.jamespipeline.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Markdown summary of {@code benchmarks/imap-search.sh}: one row per SEARCH measured, one column per
 * server and condition (p50 / p99 ms, and the wrong answers when there were any), with p50 ratios of ours
 * idle against each baseline of the same run (stock James, Dovecot with and without FTS); then how each
 * INBOX was filled and each condition set up. Reads {@link ImapSearchBench}'s result lines.
 *
 * <p>Usage: {@code ImapSearchReport RESULTS OUT.md HEADER_LINE...}
 */
public final class ImapSearchReport {
    /** (server, condition) columns, in the order shown, with their headings and a short name for the ratios. */
    private static final List<String[]> COLUMNS = List.of(
        new String[] {"ours", "idle", "ours, idle", "ours"},
        new String[] {"ours", "load", "ours, SMTP delivery at full speed", ""},
        new String[] {"ours", "paused", "ours, indexer paused", ""},
        new String[] {"stock", "idle", "stock James 3.8.1", "stock"},
        new String[] {"dovecot", "idle", "Dovecot 2.3, no FTS", "Dovecot"},
        new String[] {"dovecot-fts", "idle", "Dovecot 2.3 + fts-xapian", "Dovecot FTS"});
    private static final Map<String, String> QUERIES = Map.of(
        "selective", "`UID SEARCH TEXT " + ImapSearchBench.SELECTIVE_WORD + "`",
        "unseen", "`UID SEARCH UNSEEN`",
        "all", "`UID SEARCH ALL`",
        "after-append", "APPEND, then at once `UID SEARCH TEXT` its word",
        "after-store", "`STORE +FLAGS (\\Seen)`, then at once `UID SEARCH UNSEEN`");

    private final Map<String, Map<String, String>> lines;

    private ImapSearchReport(Map<String, Map<String, String>> lines) {
        this.lines = lines;
    }

    public static void main(String[] args) throws Exception {
        ImapSearchReport report = new ImapSearchReport(ResultLines.read(Path.of(args[0])));
        List<String> out = new ArrayList<>();
        out.add("## IMAP SEARCH on one INBOX: latency and exactness");
        out.add("");
        for (int i = 2; i < args.length; i++) {
            out.add(args[i] + "  ");
        }
        out.add("");
        out.add(report.exactness());
        out.add("");
        report.latencies(out);
        report.setups(out);
        Files.write(Path.of(args[1]), out);
    }

    /** One line: every answer exact, or which measurements had wrong ones. */
    private String exactness() {
        long answers = 0;
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> measured : lines.entrySet()) {
            Map<String, String> values = measured.getValue();
            if (values.containsKey("wrong")) {
                answers += Long.parseLong(values.get("tries"));
                if (!values.get("wrong").equals("0")) {
                    wrong.add(measured.getKey() + ": " + values.get("wrong") + " of " + values.get("tries"));
                }
            }
        }
        return wrong.isEmpty() ? "**Exact: all " + answers + " answers were the exact uid set.**"
            : "**Wrong answers** (of " + answers + " in all): " + String.join("; ", wrong) + ".";
    }

    private Optional<Map<String, String>> line(String server, String what) {
        return Optional.ofNullable(lines.get(server + " " + what));
    }

    private Optional<Double> p50(String server, String condition, String query) {
        return line(server, condition + " " + query).map(values -> Double.parseDouble(values.get("p50_ms")));
    }

    private void latencies(List<String> out) {
        List<String[]> shown = COLUMNS.stream().filter(column -> lines.keySet().stream()
            .anyMatch(name -> name.startsWith(column[0] + " " + column[1] + " "))).toList();
        out.add("p50 / p99 ms of each command's reply (fewer tries than " + mostTries() + " where the condition's time cap was met);"
            + " **✗ n wrong** = n answers of the tries that were not the exact uid set (the client knows it from what it"
            + " appended and flagged). Ratios are p50 / p50 in this run.");
        out.add("");
        StringBuilder heading = new StringBuilder("| command (hits) |");
        StringBuilder rule = new StringBuilder("|---|");
        shown.forEach(column -> {
            heading.append(' ').append(column[2]).append(" |");
            rule.append("---|");
        });
        List<String[]> baselines = shown.stream().filter(column -> !column[0].equals("ours")).toList();
        baselines.forEach(baseline -> {
            heading.append(" ours idle / ").append(baseline[3]).append(" |");
            rule.append("---|");
        });
        out.add(heading.toString());
        out.add(rule.toString());
        for (String query : ImapSearchBench.QUERIES) {
            String hits = shown.stream().map(column -> line(column[0], column[1] + " " + query)).flatMap(Optional::stream)
                .findFirst().map(values -> values.get("hits")).orElse("?");
            StringBuilder row = new StringBuilder("| " + QUERIES.get(query) + " (" + hits + ") |");
            shown.forEach(column -> row.append(' ').append(cell(column[0], column[1], query)).append(" |"));
            baselines.forEach(baseline -> row.append(' ')
                .append(ratio(p50("ours", "idle", query), p50(baseline[0], baseline[1], query))).append(" |"));
            out.add(row.toString());
        }
        out.add("");
    }

    private String cell(String server, String condition, String query) {
        Optional<Map<String, String>> setup = line(server, condition + " setup");
        if (setup.map(values -> values.containsKey("unavailable")).orElse(false)) {
            return "not available";
        }
        return line(server, condition + " " + query).map(values -> {
            String latency = values.get("p50_ms") + " / " + values.get("p99_ms")
                + (Integer.parseInt(values.get("tries")) < mostTries() ? " (" + values.get("tries") + " tries)" : "");
            int wrong = Integer.parseInt(values.get("wrong"));
            return wrong == 0 ? latency : latency + " **✗ " + wrong + " of " + values.get("tries") + " wrong** ("
                + values.get("first_wrong").replace('_', ' ') + " at first)";
        }).orElse("–");
    }

    /** ours / theirs, with two significant digits below 100 (0.0048, 3.4, 67), "–" without both. */
    /** The tries of the measurement that had the most: those with fewer met the time cap. */
    private int mostTries() {
        return lines.values().stream().filter(values -> values.containsKey("tries"))
            .mapToInt(values -> Integer.parseInt(values.get("tries"))).max().orElse(0);
    }

    private static String ratio(Optional<Double> ours, Optional<Double> theirs) {
        if (ours.isEmpty() || theirs.isEmpty() || theirs.get() <= 0) {
            return "–";
        }
        double ratio = ours.get() / theirs.get();
        return ratio >= 100 ? String.format("%.0f", ratio) : new BigDecimal(ratio).round(new MathContext(2)).toPlainString();
    }

    private void setups(List<String> out) {
        out.add("| server | INBOX filled by IMAP APPEND (8 connections) | condition | before it: answers exact after | during it |");
        out.add("|---|---|---|---|---|");
        String previous = "";
        for (String[] column : COLUMNS) {
            Optional<Map<String, String>> setup = line(column[0], column[1] + " setup");
            if (setup.isEmpty()) {
                continue;
            }
            String fill = column[0].equals(previous) ? "" : line(column[0], "fill").map(values -> values.get("messages") + " in "
                + values.get("seconds") + " s (" + values.get("append_msg_s") + " msg/s)").orElse("–");
            previous = column[0];
            Map<String, String> values = setup.get();
            List<String> during = new ArrayList<>();
            if (values.containsKey("load_accepted")) {
                during.add(values.get("load_accepted") + " messages accepted by SMTP at " + values.get("load_accept_msg_s")
                    + " msg/s (" + values.get("load_refused") + " refused)");
            }
            if (values.containsKey("appended_while_paused")) {
                during.add(values.get("appended_while_paused") + " messages appended and " + values.get("marked_seen_while_paused")
                    + " marked seen after the pause, before the first command");
            }
            if (values.containsKey("exact_after_resume_s")) {
                during.add("exact again " + values.get("exact_after_resume_s") + " s after resume");
            }
            if (values.containsKey("unavailable")) {
                during.add("not run: " + values.get("unavailable").replace('_', ' '));
            }
            out.add("| " + column[0] + " | " + fill + " | " + column[1] + " | " + values.get("settle_s") + " s | "
                + String.join("; ", during) + " |");
        }
        out.add("");
    }
}
