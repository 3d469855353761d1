package dev.jamespipeline.bench;

import java.text.DecimalFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Bar charts of the accept matrix: one group of bars per cell (size × sessions), one bar per
 * variant. A cell run for several rounds shows the mean of its rounds.
 */
final class AcceptCharts {
    private AcceptCharts() {
    }

    static JFreeChart throughput(List<AcceptRow> rows) {
        return bars("SMTP accept rate", meanPerCell(rows, AcceptRow::msgPerS), new NumberAxis("msg/s"));
    }

    /** Latency from the final "." to the 250, on a log scale: Postfix answers in about 1 ms, James under load in 100. */
    static JFreeChart latency(List<AcceptRow> rows, String percentile, Function<AcceptRow, Double> value) {
        LogAxis axis = new LogAxis("ms (log scale)");
        axis.setSmallestValue(0.1);
        // One tick per decade, written as plain numbers (0.1, 1, 10, 100) rather than powers of ten.
        axis.setAutoTickUnitSelection(false);
        axis.setTickUnit(new NumberTickUnit(1.0));
        axis.setNumberFormatOverride(new DecimalFormat("0.#"));
        return bars("End of DATA → 250, " + percentile, meanPerCell(rows, value), axis);
    }

    private static JFreeChart bars(String title, DefaultCategoryDataset dataset, ValueAxis rangeAxis) {
        JFreeChart chart = ChartFactory.createBarChart(title, null, null, dataset, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setRangeAxis(rangeAxis);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        renderer.setMaximumBarWidth(0.08);
        for (int series = 0; series < dataset.getRowCount(); series++) {
            renderer.setSeriesPaint(series, VariantColors.of(dataset.getRowKey(series).toString()));
        }
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
        ChartStyle.apply(chart);
        return chart;
    }

    /** Mean over rounds of one value per (variant, cell), skipping rows that lack it; cells keep the matrix's order. */
    private static DefaultCategoryDataset meanPerCell(List<AcceptRow> rows, Function<AcceptRow, Double> value) {
        Map<String, Map<String, double[]>> sumAndCount = new LinkedHashMap<>();
        for (AcceptRow row : rows) {
            Double v = value.apply(row);
            if (v != null) {
                double[] acc = sumAndCount.computeIfAbsent(row.variant(), variant -> new LinkedHashMap<>())
                    .computeIfAbsent(row.cell(), cell -> new double[2]);
                acc[0] += v;
                acc[1]++;
            }
        }
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        // Columns in the order the matrix ran them, whichever variant met them first.
        rows.stream().map(AcceptRow::cell).distinct().forEach(cell ->
            sumAndCount.forEach((variant, cells) -> {
                double[] acc = cells.get(cell);
                if (acc != null) {
                    dataset.addValue(acc[0] / acc[1], variant, cell);
                }
            }));
        return dataset;
    }
}
