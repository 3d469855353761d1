package dev.jamespipeline.bench;

import java.awt.BasicStroke;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Line charts of end-to-end runs over time, one colour per variant: the backlog (accepted, not yet
 * delivered) with the server's own queue dotted and, for a run that measured search, the search
 * backlog (accepted, not yet searchable) dash-dotted; and accepted (dashed) against delivered and
 * searchable messages. A line a run has no values for is left out.
 */
final class EndToEndCharts {
    private static final BasicStroke SOLID = new BasicStroke(2f);
    private static final BasicStroke DOTTED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {2f, 3f}, 0f);
    private static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f);
    private static final BasicStroke DASH_DOTTED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
        new float[] {8f, 3f, 2f, 3f}, 0f);

    private EndToEndCharts() {
    }

    static JFreeChart backlog(List<EndToEndRun> runs) {
        return lines("Backlog over time: 250 answered, not yet in a mailbox (or not yet searchable)", "messages", runs,
            new Line("backlog", EndToEndRun.Sample::backlog, SOLID),
            new Line("queued (stage queues / spool)", EndToEndRun.Sample::queued, DOTTED),
            new Line("search backlog", EndToEndRun.Sample::searchBacklog, DASH_DOTTED));
    }

    static JFreeChart acceptedAndDelivered(List<EndToEndRun> runs) {
        return lines("SMTP → INBOX: accepted, delivered (and searchable)", "messages (cumulative)", runs,
            new Line("accepted", EndToEndRun.Sample::accepted, DASHED),
            new Line("delivered", EndToEndRun.Sample::delivered, SOLID),
            new Line("searchable", EndToEndRun.Sample::searchable, DASH_DOTTED));
    }

    /** One line per run; {@code value} is null where the run did not measure it. */
    private record Line(String name, Function<EndToEndRun.Sample, Long> value, BasicStroke stroke) {
    }

    private static JFreeChart lines(String title, String unit, List<EndToEndRun> runs, Line... lines) {
        XYSeriesCollection dataset = new XYSeriesCollection();
        List<EndToEndRun> runOfSeries = new ArrayList<>();
        List<Line> lineOfSeries = new ArrayList<>();
        for (EndToEndRun run : runs) {
            for (Line line : lines) {
                if (run.series().stream().map(line.value()).allMatch(Objects::isNull)) {
                    continue;
                }
                XYSeries series = new XYSeries(run.variant() + " " + line.name());
                run.series().forEach(sample -> series.add(sample.tS(), line.value().apply(sample)));
                dataset.addSeries(series);
                runOfSeries.add(run);
                lineOfSeries.add(line);
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "seconds since the load started (load: "
            + runs.get(0).loadSeconds() + " s)", unit, dataset, PlotOrientation.VERTICAL, true, false, false);
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();
        for (int series = 0; series < dataset.getSeriesCount(); series++) {
            renderer.setSeriesPaint(series, VariantColors.of(runOfSeries.get(series).variant()));
            renderer.setSeriesStroke(series, lineOfSeries.get(series).stroke());
        }
        ChartStyle.apply(chart);
        return chart;
    }
}
