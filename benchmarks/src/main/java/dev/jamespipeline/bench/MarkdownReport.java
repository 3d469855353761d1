package dev.jamespipeline.bench;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** A benchmarks/run report as Markdown: what was run on what, then one table per measurement. */
final class MarkdownReport {
    private final StringBuilder text = new StringBuilder();

    static String render(RunReport report) {
        return new MarkdownReport().write(report);
    }

    private String write(RunReport report) {
        line("# Benchmark run");
        line("");
        report.header().forEach(header -> line("    " + header));
        accept(report.accept());
        decoupling(report);
        endToEnd(report.endToEnd());
        ceiling(report);
        return text.toString();
    }

    private void accept(List<AcceptRow> rows) {
        AcceptCells cells = new AcceptCells(rows);
        line("");
        line("## SMTP accept: msg/s (p50 / p99 / p99.9 ms), mean of " + cells.rounds() + " round(s)");
        line("");
        List<String> variants = cells.variants();
        line("| size × sessions | " + String.join(" | ", variants) + " |");
        line("|---|" + "---|".repeat(variants.size()));
        for (String cell : cells.cells()) {
            StringBuilder row = new StringBuilder("| " + cell + " |");
            for (String variant : variants) {
                OptionalDouble rate = cells.mean(cell, variant, AcceptRow::msgPerS);
                OptionalDouble p50 = cells.mean(cell, variant, AcceptRow::p50Ms);
                row.append(' ').append(rate.isPresent() ? number(rate.getAsDouble()) : "–");
                if (p50.isPresent()) {
                    row.append(" (").append(number(p50.getAsDouble())).append(" / ")
                        .append(number(cells.mean(cell, variant, AcceptRow::p99Ms).orElse(Double.NaN))).append(" / ")
                        .append(number(cells.mean(cell, variant, AcceptRow::p999Ms).orElse(Double.NaN))).append(')');
                }
                row.append(" |");
            }
            line(row.toString());
        }
    }

    private void decoupling(RunReport report) {
        AcceptCells cells = new AcceptCells(report.decoupling());
        line("");
        line("## Decoupling: the pipeline with a slow first stage (" + RunReport.SLOW + ") and without");
        line("");
        line("| cell | variant | msg/s | p50 ms | p99 ms | p99.9 ms |");
        line("|---|---|---|---|---|---|");
        for (String cell : cells.cells()) {
            for (String variant : cells.variants()) {
                line("| " + cell + " | " + variant + " | " + mean(cells, cell, variant, AcceptRow::msgPerS) + " | "
                    + mean(cells, cell, variant, AcceptRow::p50Ms) + " | " + mean(cells, cell, variant, AcceptRow::p99Ms) + " | "
                    + mean(cells, cell, variant, AcceptRow::p999Ms) + " |");
            }
        }
        line("");
        line("slow-stage p99 / normal p99 = " + (report.decouplingP99Ratio() == null ? "n/a" : String.format(Locale.ROOT, "%.2f", report.decouplingP99Ratio())));
    }

    private void endToEnd(List<EndToEndRun> runs) {
        line("");
        line("## End to end: sustained SMTP → INBOX");
        line("");
        line("| variant | load | accepted | accepted msg/s | accept p50 / p99 ms | delivered | delivered during load"
            + " | all delivered after s | delivered msg/s (end to end) | max backlog |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        for (EndToEndRun run : runs) {
            line("| " + run.variant() + " | " + run.sessions() + " sessions × " + Math.round(run.loadSeconds()) + " s, "
                + run.size() / 1024 + " KB, " + run.users() + " users" + (run.targetRate() > 0 ? ", " + run.targetRate() + " msg/s" : "")
                + " | " + run.accepted() + (run.tempfailed() > 0 ? " (+" + run.tempfailed() + " 4xx)" : "")
                + " | " + number(run.acceptedMsgPerS()) + " | " + number(run.acceptP50Ms()) + " / " + number(run.acceptP99Ms())
                + " | " + run.delivered() + " | " + run.deliveredDuringLoad()
                + " | " + (run.drainedAfterS() == null ? "not within the drain timeout" : number(run.drainedAfterS()))
                + " | " + number(run.deliveredMsgPerS()) + " | " + run.maxBacklog() + " |");
        }
        searchable(runs);
        line("");
        runs.forEach(run -> line("* " + run.variant() + ": " + run.howCounted()));
    }

    /** SMTP → searchable, for the runs that measured it (none: no table). */
    private void searchable(List<EndToEndRun> runs) {
        List<EndToEndRun> searched = runs.stream().filter(run -> run.search() != null).toList();
        if (searched.isEmpty()) {
            return;
        }
        line("");
        line("SMTP → searchable (document count of the run's own index; latency measured per sampled message):");
        line("");
        line("| variant | searchable | searchable msg/s (end to end) | all searchable after s | max search backlog"
            + " | 250 → searchable p50 / p99 / max ms | latency samples |");
        line("|---|---|---|---|---|---|---|");
        for (EndToEndRun run : searched) {
            EndToEndRun.Search search = run.search();
            EndToEndRun.SearchLatency latency = search.latency();
            line("| " + run.variant() + " | " + search.searchable() + " | " + number(search.searchableMsgPerS())
                + " | " + (search.searchableAfterS() == null ? "not within the drain timeout" : number(search.searchableAfterS()))
                + " | " + search.maxSearchBacklog()
                + " | " + number(latency.p50Ms()) + " / " + number(latency.p99Ms()) + " / " + number(latency.maxMs())
                + " | " + latency.samples() + " (1 in " + latency.sampleEvery() + ", polled every " + latency.pollMs() + " ms"
                + (latency.unseen() > 0 ? ", " + latency.unseen() + " never seen" : "")
                + (latency.skipped() > 0 ? ", " + latency.skipped() + " skipped: pending set full" : "")
                + (latency.failedPolls() > 0 ? ", " + latency.failedPolls() + " polls failed" : "") + ") |");
        }
    }

    private void ceiling(RunReport report) {
        BrokerCeiling ceiling = report.brokerCeiling();
        line("");
        line("## The broker's ceiling (RabbitMQ PerfTest) beside our mail.received publish rate");
        line("");
        line("PerfTest: " + number(ceiling.msgPerS()) + " msg/s, confirm p50 / p99 " + number(ceiling.confirmP50Ms()) + " / "
            + number(ceiling.confirmP99Ms()) + " ms (`" + ceiling.command() + "`)");
        line("");
        line("| our mail.received publishes/s = pipeline accept rate, measured in | msg/s | share of the ceiling |");
        line("|---|---|---|");
        for (RunReport.PublishRate rate : report.mailReceivedPublishRates()) {
            line("| " + rate.source() + " | " + number(rate.msgPerS()) + " | "
                + String.format(Locale.ROOT, "%.0f %%", 100 * rate.msgPerS() / ceiling.msgPerS()) + " |");
        }
    }

    private static String mean(AcceptCells cells, String cell, String variant, java.util.function.Function<AcceptRow, Double> value) {
        OptionalDouble mean = cells.mean(cell, variant, value);
        return mean.isPresent() ? number(mean.getAsDouble()) : "–";
    }

    /** Three significant figures at most, no exponent: 0.67, 6.9, 93, 1329; "–" for none. */
    private static String number(Double value) {
        if (value == null || Double.isNaN(value)) {
            return "–";
        }
        double magnitude = Math.abs(value);
        String pattern = magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, pattern, value);
    }

    private void line(String line) {
        text.append(line).append('\n');
    }
}
