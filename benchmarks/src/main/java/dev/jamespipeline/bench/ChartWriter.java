package dev.jamespipeline.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * Writes the accept matrix's JSON (bench/matrix.sh) as a PNG: accept rate, p50 and p99 per
 * variant for every size × sessions cell. Runs headless.
 *
 * <p>Usage: {@code java -cp smtp-load.jar dev.jamespipeline.bench.ChartWriter MATRIX_JSON OUT_PNG [CAPTION]}
 */
public final class ChartWriter {
    private ChartWriter() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ChartWriter MATRIX_JSON OUT_PNG [CAPTION]");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        List<AcceptRow> rows = AcceptRow.read(Path.of(args[0]));
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(args[0] + " holds no accept results");
        }
        String caption = args.length > 2 ? args[2] : "SMTP accept matrix, " + args[0];
        PngGrid.write(caption, List.of(
                AcceptCharts.throughput(rows),
                AcceptCharts.latency(rows, "p50", AcceptRow::p50Ms),
                AcceptCharts.latency(rows, "p99", AcceptRow::p99Ms)),
            2, Path.of(args[1]));
        System.out.println("written: " + args[1]);
    }
}
