package dev.jamespipeline.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jfree.chart.JFreeChart;

/**
 * Writes benchmark results as a PNG, headless:
 * <ul>
 *   <li>{@code accept MATRIX_JSON OUT_PNG CAPTION}: the accept matrix (benchmarks/matrix.sh): accept rate,
 *       p50 and p99 per variant for every size × sessions cell;</li>
 *   <li>{@code end-to-end OUT_PNG CAPTION RUN_JSON...}: end-to-end runs (benchmarks/end-to-end.sh): backlog
 *       (and search backlog), and accepted against delivered (and searchable), over time.</li>
 * </ul>
 */
public final class ChartWriter {
    private ChartWriter() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        if (args.length >= 4 && args[0].equals("accept")) {
            PngGrid.write(List.of(args[3]), acceptCharts(AcceptRow.read(Path.of(args[1]))), 2, Path.of(args[2]));
        } else if (args.length >= 4 && args[0].equals("end-to-end")) {
            List<EndToEndRun> runs = new ArrayList<>();
            for (int i = 3; i < args.length; i++) {
                runs.add(EndToEndRun.read(Path.of(args[i])));
            }
            PngGrid.write(List.of(args[2]), endToEndCharts(runs), 2, Path.of(args[1]));
        } else {
            System.err.println("usage: ChartWriter accept MATRIX_JSON OUT_PNG CAPTION | end-to-end OUT_PNG CAPTION RUN_JSON...");
            System.exit(2);
        }
    }

    static List<JFreeChart> acceptCharts(List<AcceptRow> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no accept results to chart");
        }
        return List.of(AcceptCharts.throughput(rows),
            AcceptCharts.latency("End of DATA → 250, p50", rows, AcceptRow::p50Ms),
            AcceptCharts.latency("End of DATA → 250, p99", rows, AcceptRow::p99Ms));
    }

    static List<JFreeChart> endToEndCharts(List<EndToEndRun> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no end-to-end runs to chart");
        }
        return List.of(EndToEndCharts.backlog(runs), EndToEndCharts.acceptedAndDelivered(runs));
    }
}
