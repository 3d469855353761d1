package dev.jamespipeline.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The backpressure benchmark's PNG, one chart above the other on a shared time axis: the stage
 * queue's depth with the enter and leave thresholds and the bound asserted, seconds in which
 * backpressure refused mail shaded; 250 and 451 answers per second; James's heap used, with the
 * retained heap after warm-up.
 */
final class BackpressureCharts {
    private static final Color REFUSING = new Color(255, 200, 200, 90);
    private static final String TIME_AXIS = "seconds since the overload started";

    private BackpressureCharts() {
    }

    static void write(List<String> caption, List<BackpressureBench.Sample> series, long enter, long leave, long bound,
                      long heapAfterWarmUp, Path png) throws IOException {
        JFreeChart depth = lines("Stage queue depth (ready messages)", "messages", series,
            new Line("ready", BackpressureBench.Sample::ready, new Color(31, 119, 180)));
        XYPlot depthPlot = depth.getXYPlot();
        depthPlot.addRangeMarker(threshold("enter " + enter, enter, new Color(214, 39, 40)));
        depthPlot.addRangeMarker(threshold("leave " + leave, leave, new Color(44, 160, 44)));
        depthPlot.addRangeMarker(threshold("bound " + bound, bound, Color.GRAY));
        depthPlot.getRangeAxis().setUpperBound(Math.max(bound, series.stream().mapToLong(BackpressureBench.Sample::ready).max().orElse(0)) * 1.1);
        for (BackpressureBench.Sample sample : series) {
            if (sample.state().equals("refusing")) {
                depthPlot.addDomainMarker(new IntervalMarker(sample.tS() - 1, sample.tS(), REFUSING), Layer.BACKGROUND);
            }
        }
        JFreeChart answers = lines("SMTP answers per second (shaded above: backpressure refusing)", "answers / s", series,
            new Line("250 accepted", BackpressureBench.Sample::acceptedPerS, new Color(44, 160, 44)),
            new Line("451 refused", BackpressureBench.Sample::refusedPerS, new Color(214, 39, 40)));
        JFreeChart heap = lines("James heap used (jvm_memory_heap_used)", "MiB", series,
            new Line("heap used", sample -> sample.heapUsedBytes() / 1048576.0, new Color(148, 103, 189)));
        heap.getXYPlot().addRangeMarker(threshold(String.format("retained after warm-up %.0f MiB", heapAfterWarmUp / 1048576.0),
            heapAfterWarmUp / 1048576.0, Color.GRAY));
        PngGrid.write(caption, List.of(depth, answers, heap), 1, png);
    }

    private record Line(String name, ToDoubleFunction<BackpressureBench.Sample> value, Color color) {
    }

    private static JFreeChart lines(String title, String unit, List<BackpressureBench.Sample> series, Line... lines) {
        XYSeriesCollection dataset = new XYSeriesCollection();
        for (Line line : lines) {
            XYSeries xy = new XYSeries(line.name());
            series.forEach(sample -> xy.add(sample.tS(), line.value().applyAsDouble(sample)));
            dataset.addSeries(xy);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, TIME_AXIS, unit, dataset, PlotOrientation.VERTICAL, true, false, false);
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();
        for (int i = 0; i < lines.length; i++) {
            renderer.setSeriesPaint(i, lines[i].color());
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        ChartStyle.apply(chart);
        return chart;
    }

    private static ValueMarker threshold(String label, double value, Color color) {
        ValueMarker marker = new ValueMarker(value, color, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
            new float[] {6f, 4f}, 0f));
        marker.setLabel(label);
        marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        marker.setLabelPaint(color);
        marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        marker.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        return marker;
    }
}
