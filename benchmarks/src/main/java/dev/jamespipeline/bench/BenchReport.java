package dev.jamespipeline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.jfree.chart.JFreeChart;

/**
 * Gathers what benchmarks/run measured into one report: reads the parts directory (accept.json and
 * decoupling.json from benchmarks/matrix.sh, end-to-end-*.json from benchmarks/end-to-end.sh, ceiling.txt
 * from benchmarks/broker-ceiling.sh), prints the tables and writes OUT.json, OUT.md and OUT.png;
 * {@code render} writes the Markdown and PNG of a stored run again (after a change to them).
 *
 * <p>Usage: {@code java -cp smtp-load.jar dev.jamespipeline.bench.BenchReport OUT_PREFIX PARTS_DIR HEADER_LINE...}
 * or {@code ... BenchReport render benchmarks/results/STAMP.json}
 */
public final class BenchReport {
    private BenchReport() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        if (args.length == 2 && args[0].equals("render")) {
            String json = args[1];
            write(RunReport.read(Path.of(json)), json.substring(0, json.length() - ".json".length()));
        } else if (args.length >= 3) {
            Path parts = Path.of(args[1]);
            write(RunReport.of(List.of(args).subList(2, args.length),
                    AcceptRow.read(parts.resolve("accept.json")),
                    AcceptRow.read(parts.resolve("decoupling.json")),
                    endToEndRuns(parts),
                    BrokerCeiling.parse(parts.resolve("ceiling.txt"))),
                args[0]);
        } else {
            System.err.println("usage: BenchReport OUT_PREFIX PARTS_DIR HEADER_LINE... | render RUN_JSON (writes its .md and .png again)");
            System.exit(2);
        }
    }

    private static void write(RunReport report, String out) throws IOException {
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
            // By variant name (pipeline, pipeline-search, stock): the name without ".json", which would sort "-" before ".".
            files = listing.filter(file -> file.getFileName().toString().matches("end-to-end-.*\\.json"))
                .sorted(Comparator.comparing(file -> file.getFileName().toString().replaceFirst("\\.json$", ""))).toList();
        }
        List<EndToEndRun> runs = new ArrayList<>();
        for (Path file : files) {
            runs.add(EndToEndRun.read(file));
        }
        return runs;
    }
}
