package dev.jamespipeline.bench;

import java.awt.BasicStroke;
import java.util.List;
import java.util.function.ToLongFunction;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Line charts of end-to-end runs over time, one colour per variant: the backlog (accepted, not yet
 * delivered) with the server's own queue dotted, and accepted against delivered messages (dashed).
 */
final class EndToEndCharts {
    private static final BasicStroke SOLID = new BasicStroke(2f);
    private static final BasicStroke DOTTED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {2f, 3f}, 0f);
    private static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f);

    private EndToEndCharts() {
    }

    static JFreeChart backlog(List<EndToEndRun> runs) {
        return lines("Backlog over time: 250 answered, not yet in a mailbox", "messages", runs,
            new Line("backlog", EndToEndRun.Sample::backlog, SOLID),
            new Line("queued (stage queues / spool)", EndToEndRun.Sample::queued, DOTTED));
    }

    static JFreeChart acceptedAndDelivered(List<EndToEndRun> runs) {
        return lines("SMTP → INBOX: accepted and delivered", "messages (cumulative)", runs,
            new Line("accepted", EndToEndRun.Sample::accepted, DASHED),
            new Line("delivered", EndToEndRun.Sample::delivered, SOLID));
    }

    private record Line(String name, ToLongFunction<EndToEndRun.Sample> value, BasicStroke stroke) {
    }

    private static JFreeChart lines(String title, String unit, List<EndToEndRun> runs, Line... lines) {
        XYSeriesCollection dataset = new XYSeriesCollection();
        for (EndToEndRun run : runs) {
            for (Line line : lines) {
                XYSeries series = new XYSeries(run.variant() + " " + line.name());
                run.series().forEach(sample -> series.add(sample.tS(), line.value().applyAsLong(sample)));
                dataset.addSeries(series);
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "seconds since the load started (load: "
            + runs.get(0).loadSeconds() + " s)", unit, dataset, PlotOrientation.VERTICAL, true, false, false);
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();
        for (int series = 0; series < dataset.getSeriesCount(); series++) {
            EndToEndRun run = runs.get(series / lines.length);
            renderer.setSeriesPaint(series, VariantColors.of(run.variant()));
            renderer.setSeriesStroke(series, lines[series % lines.length].stroke());
        }
        ChartStyle.apply(chart);
        return chart;
    }
}
