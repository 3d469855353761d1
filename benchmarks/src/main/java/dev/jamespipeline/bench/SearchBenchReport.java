package dev.jamespipeline.bench;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The search benchmark's report (benchmarks/search.sh): delivery rate per 1,000 messages into one
 * INBOX for each variant side by side, the thread-id check, index lag and indexing throughput
 * under sustained load, and the raw bulk throughput of the same OpenSearch. Prints it as Markdown
 * and writes OUT.md, OUT.json (every run's data) and OUT.png (per-1,000 delivery rates; accepted
 * and indexed over time).
 *
 * <p>Usage: {@code SearchBenchReport OUT PARTS_DIR HEADER_LINE...}; PARTS_DIR holds
 * {@code growth-<variant>.json}, {@code threads.json}, {@code lag.json} and {@code raw-bulk.json},
 * any of which may be missing when that part did not run.
 */
public final class SearchBenchReport {
    private static final List<String> VARIANTS = List.of("pipeline", "stock");
    private static final Map<String, String> VARIANT_NAMES = Map.of(
        "pipeline", "our server main (index-backed search)",
        "stock", "stock James 3.8.1 (memory app)");

    private SearchBenchReport() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: OUT PARTS_DIR HEADER_LINE...");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        Path out = Path.of(args[0]);
        Path parts = Path.of(args[1]);
        List<String> header = List.of(args).subList(2, args.length);

        Map<String, InboxGrowthBench.Run> growth = new LinkedHashMap<>();
        for (String variant : VARIANTS) {
            Path json = parts.resolve("growth-" + variant + ".json");
            if (Files.exists(json)) {
                growth.put(variant, InboxGrowthBench.Run.read(json));
            }
        }
        ObjectMapper mapper = new ObjectMapper();
        Path threadsJson = parts.resolve("threads.json");
        ThreadIdCheck.Result threads = Files.exists(threadsJson) ? mapper.readValue(threadsJson.toFile(), ThreadIdCheck.Result.class) : null;
        Path lagJson = parts.resolve("lag.json");
        IndexLagBench.Run lag = Files.exists(lagJson) ? IndexLagBench.Run.read(lagJson) : null;
        Path bulkJson = parts.resolve("raw-bulk.json");
        RawBulkThroughput.Result bulk = Files.exists(bulkJson) ? RawBulkThroughput.Result.read(bulkJson) : null;

        StringBuilder md = new StringBuilder("# Search benchmarks\n\n");
        header.forEach(line -> md.append(line).append("  \n"));
        md.append('\n');
        delivery(md, growth, threads);
        if (lag != null) {
            lag(md, lag, bulk);
        }
        String markdown = md.toString();
        System.out.print(markdown);
        Files.writeString(Path.of(out + ".md"), markdown);

        Map<String, Object> all = new LinkedHashMap<>();
        all.put("header", header);
        all.put("delivery_into_one_inbox", growth);
        all.put("thread_check", threads);
        all.put("index_lag", lag);
        all.put("raw_bulk", bulk);
        mapper.enable(SerializationFeature.INDENT_OUTPUT).writeValue(Path.of(out + ".json").toFile(), all);

        List<JFreeChart> charts = new ArrayList<>();
        if (!growth.isEmpty()) {
            charts.add(deliveryChart(growth));
        }
        if (lag != null) {
            charts.add(lagChart(lag));
        }
        if (!charts.isEmpty()) {
            PngGrid.write(header, charts, charts.size(), Path.of(out + ".png"));
        }
    }

    private static void delivery(StringBuilder md, Map<String, InboxGrowthBench.Run> growth, ThreadIdCheck.Result threads) {
        if (growth.isEmpty()) {
            return;
        }
        md.append("## Delivery into one growing INBOX\n\n");
        md.append("Messages per second into one user's INBOX, per ").append(String.format("%,d", InboxGrowthBench.BUCKET))
            .append(" messages (threads of ").append(SearchBenchMessages.THREAD_LENGTH)
            .append("; the INBOX count read through WebAdmin every 250 ms), after a warm-up of ")
            .append(growth.values().iterator().next().warmupMessages()).append(" messages to another user.\n\n");
        List<String> variants = List.copyOf(growth.keySet());
        md.append("| INBOX holds |");
        variants.forEach(variant -> md.append(' ').append(VARIANT_NAMES.get(variant)).append(", msg/s |"));
        md.append("\n|---|").append("---|".repeat(variants.size())).append('\n');
        int buckets = growth.values().stream().mapToInt(run -> run.crossings().size()).max().orElse(0);
        for (int b = 0; b < buckets; b++) {
            md.append(String.format("| %,d–%,d |", b * InboxGrowthBench.BUCKET, (b + 1) * InboxGrowthBench.BUCKET));
            for (String variant : variants) {
                List<Double> rates = growth.get(variant).bucketRates();
                md.append(b < rates.size() ? String.format(Locale.ROOT, " %.1f |", rates.get(b)) : " – |");
            }
            md.append('\n');
        }
        md.append("| stopped |");
        variants.forEach(variant -> md.append(' ').append(stopped(growth.get(variant))).append(" |"));
        md.append("\n| SMTP accept |");
        variants.forEach(variant -> {
            MessageLoad.Result load = growth.get(variant).load();
            md.append(String.format(Locale.ROOT, " %d accepted, %.1f msg/s, p50 %.1f ms, p99 %.1f ms |", load.accepted(),
                load.acceptedMsgPerS(), load.p50Ms(), load.p99Ms()));
        });
        md.append("\n| last / first bucket rate |");
        variants.forEach(variant -> md.append(' ').append(flatness(growth.get(variant))).append(" |"));
        md.append("\n| last / first bucket that began after SMTP ended |");
        variants.forEach(variant -> md.append(' ').append(flatnessAfterSending(growth.get(variant))).append(" |"));
        md.append("\n\nWhile SMTP is sending, delivery shares the CPU with accepting: the buckets delivered during the"
            + " SMTP burst are slower for that reason, not because of the INBOX's size.\n\n");
        if (threads != null) {
            md.append(String.format("Thread ids (our server main, read from the index): **threads right: %d of %d** "
                    + "(%,d of %,d messages indexed, %d without a topic)%s.\n\n",
                threads.threadsRight(), threads.threads(), threads.indexedMessages(), threads.expectedMessages(), threads.stray(),
                threads.wrongExamples().isEmpty() ? "" : "; wrong, e.g.: " + String.join("; ", threads.wrongExamples())));
        }
    }

    private static String stopped(InboxGrowthBench.Run run) {
        if (run.stoppedBy().equals("all delivered")) {
            return String.format(Locale.ROOT, "all %,d delivered after %.1f s", run.delivered(), run.seconds());
        }
        return String.format(Locale.ROOT, "time cap (%d s): %,d of %,d in the INBOX", run.timeCapS(), run.delivered(), run.target());
    }

    private static String flatness(InboxGrowthBench.Run run) {
        return ratio(run.bucketRates(), 0);
    }

    private static String flatnessAfterSending(InboxGrowthBench.Run run) {
        List<InboxGrowthBench.Crossing> crossings = run.crossings();
        for (int b = 0; b < crossings.size(); b++) {
            double bucketStart = b == 0 ? 0 : crossings.get(b - 1).tS();
            if (bucketStart >= run.load().seconds()) {
                return ratio(run.bucketRates(), b) + String.format(Locale.ROOT, "; SMTP ended at %.1f s", run.load().seconds());
            }
        }
        return String.format(Locale.ROOT, "n/a (SMTP ended at %.1f s)", run.load().seconds());
    }

    /** Last bucket's rate over bucket {@code first}'s. */
    private static String ratio(List<Double> rates, int first) {
        if (rates.size() - first < 2) {
            return "n/a (fewer than 2 buckets)";
        }
        double last = rates.get(rates.size() - 1);
        return String.format(Locale.ROOT, "%.2f (%.1f / %.1f)", last / rates.get(first), last, rates.get(first));
    }

    private static void lag(StringBuilder md, IndexLagBench.Run lag, RawBulkThroughput.Result bulk) {
        MessageLoad.Result load = lag.load();
        md.append("## Index lag under sustained load (our server main)\n\n");
        md.append(String.format(Locale.ROOT, "Offered %d msg/s for %d s over %d SMTP sessions to %d mailboxes, %d-byte bodies, "
                + "a PDF attachment in 1 message of %d.\n\n", lag.rate(), lag.seconds(), lag.sessions(), lag.users(),
            lag.bodySize(), lag.pdfEvery()));
        md.append("| accepted | accept msg/s | SMTP p50 ms | SMTP p99 ms | index lag p50 ms | p99 ms | max ms | lag samples |"
            + " indexed | docs/s during load | docs/s overall | peak docs/s | index caught up |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| %d of %d (%d refused) | %.1f | %.2f | %.2f | %.0f | %.0f | %d | %d | %d | %.1f | %.1f | %.0f | %s |%n",
            load.accepted(), load.sent(), load.refused(), load.acceptedMsgPerS(), load.p50Ms(), load.p99Ms(), lag.lag().p50Millis(),
            lag.lag().p99Millis(), lag.lag().maxMillis(), lag.lag().samples(), lag.indexed(), lag.docsPerSDuringLoad(),
            lag.docsPerSOverall(), lag.peakDocsPerS(),
            lag.caughtUpS() == null ? "not within the timeout" : String.format(Locale.ROOT, "%.0f s after the start", lag.caughtUpS())));
        md.append("\nIndex lag: from delivery to the document written (searchable at OpenSearch's next refresh, 1 s), "
            + "the server's own histogram (`GET /pipeline/search`). Docs/s: documents searchable (`_count`) over time.\n\n");
        if (bulk != null) {
            md.append("## Raw bulk throughput of the same OpenSearch\n\n");
            md.append(String.format(Locale.ROOT, "%,d synthetic documents of the same shape through `MailIndex.write`, bulks of %d, "
                    + "%d writers, scratch index: **%.0f docs/s** (%.2f s). The indexer during the load reached %.0f docs/s at its "
                    + "peak second, %.0f %% of this ceiling, at an offered %d msg/s.%n%n", bulk.documents(), bulk.bulkSize(), bulk.writers(),
                bulk.docsPerS(), bulk.seconds(), lag.peakDocsPerS(), 100 * lag.peakDocsPerS() / bulk.docsPerS(), lag.rate()));
        }
    }

    private static JFreeChart deliveryChart(Map<String, InboxGrowthBench.Run> growth) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        growth.forEach((variant, run) -> {
            List<Double> rates = run.bucketRates();
            for (int b = 0; b < rates.size(); b++) {
                dataset.addValue(rates.get(b), variant, String.format("%d–%dk", b, b + 1));
            }
        });
        JFreeChart chart = ChartFactory.createBarChart("Delivery into one growing INBOX", "INBOX size (thousands of messages)",
            "messages/s over the last 1,000", dataset, PlotOrientation.VERTICAL, true, false, false);
        BarRenderer renderer = (BarRenderer) chart.getCategoryPlot().getRenderer();
        for (int series = 0; series < dataset.getRowCount(); series++) {
            renderer.setSeriesPaint(series, VariantColors.of((String) dataset.getRowKey(series)));
        }
        ChartStyle.apply(chart);
        return chart;
    }

    private static JFreeChart lagChart(IndexLagBench.Run lag) {
        XYSeries accepted = new XYSeries("accepted (SMTP 250)");
        XYSeries indexed = new XYSeries("searchable in the index");
        lag.series().forEach(sample -> {
            accepted.add(sample.tS(), sample.accepted());
            indexed.add(sample.tS(), sample.indexed());
        });
        XYSeriesCollection dataset = new XYSeriesCollection();
        dataset.addSeries(accepted);
        dataset.addSeries(indexed);
        JFreeChart chart = ChartFactory.createXYLineChart(String.format(Locale.ROOT, "Sustained %d msg/s: accepted and indexed", lag.rate()),
            "seconds since the load started", "messages (cumulative)", dataset, PlotOrientation.VERTICAL, true, false, false);
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();
        renderer.setSeriesPaint(0, Color.GRAY);
        renderer.setSeriesPaint(1, VariantColors.of("pipeline"));
        ChartStyle.apply(chart);
        return chart;
    }
}
