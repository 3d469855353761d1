package dev.jamespipeline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.jfree.chart.JFreeChart;

/**
 * Gathers what bench/run measured into one report: reads the parts directory (accept.json and
 * decoupling.json from bench/matrix.sh, end-to-end-*.json from bench/end-to-end.sh, ceiling.txt
 * from bench/broker-ceiling.sh), prints the tables and writes OUT.json, OUT.md and OUT.png.
 *
 * <p>Usage: {@code java -cp smtp-load.jar dev.jamespipeline.bench.BenchReport OUT_PREFIX PARTS_DIR HEADER_LINE...}
 */
public final class BenchReport {
    private BenchReport() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: BenchReport OUT_PREFIX PARTS_DIR HEADER_LINE...");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        String out = args[0];
        Path parts = Path.of(args[1]);
        RunReport report = RunReport.of(List.of(args).subList(2, args.length),
            AcceptRow.read(parts.resolve("accept.json")),
            AcceptRow.read(parts.resolve("decoupling.json")),
            endToEndRuns(parts),
            BrokerCeiling.parse(parts.resolve("ceiling.txt")));

        report.write(Path.of(out + ".json"));
        String markdown = MarkdownReport.render(report);
        Files.writeString(Path.of(out + ".md"), markdown);
        System.out.print(markdown);

        List<JFreeChart> charts = new ArrayList<>(ChartWriter.acceptCharts(report.accept()));
        charts.add(AcceptCharts.latency("Decoupling: end of DATA → 250, p99, with and without a slow stage",
            report.decoupling(), AcceptRow::p99Ms));
        charts.addAll(ChartWriter.endToEndCharts(report.endToEnd()));
        PngGrid.write(report.header(), charts, 2, Path.of(out + ".png"));
        System.out.println("written: " + out + ".md " + out + ".json " + out + ".png");
    }

    private static List<EndToEndRun> endToEndRuns(Path parts) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(parts)) {
            files = listing.filter(file -> file.getFileName().toString().matches("end-to-end-.*\\.json")).sorted().toList();
        }
        List<EndToEndRun> runs = new ArrayList<>();
        for (Path file : files) {
            runs.add(EndToEndRun.read(file));
        }
        return runs;
    }
}
