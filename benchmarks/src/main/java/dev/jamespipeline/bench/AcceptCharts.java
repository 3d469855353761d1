package dev.jamespipeline.bench;

import java.text.DecimalFormat;
import java.util.List;
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
 * variant. A cell run for several rounds shows the mean of its rounds. Latency is from the final
 * "." of DATA to the 250.
 */
final class AcceptCharts {
    private AcceptCharts() {
    }

    static JFreeChart throughput(List<AcceptRow> rows) {
        return bars("SMTP accept rate", meanPerCell(rows, AcceptRow::msgPerS), new NumberAxis("msg/s"));
    }

    /** Latency from the final "." to the 250, on a log scale: Postfix answers in about 1 ms, James under load in 100. */
    static JFreeChart latency(String title, List<AcceptRow> rows, Function<AcceptRow, Double> value) {
        LogAxis axis = new LogAxis("ms (log scale)");
        axis.setSmallestValue(0.1);
        // One tick per decade, written as plain numbers (0.1, 1, 10, 100) rather than powers of ten.
        axis.setAutoTickUnitSelection(false);
        axis.setTickUnit(new NumberTickUnit(1.0));
        axis.setNumberFormatOverride(new DecimalFormat("0.#"));
        return bars(title, meanPerCell(rows, value), axis);
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

    /** Mean over rounds of one value per (variant, cell); cells keep the matrix's order. */
    private static DefaultCategoryDataset meanPerCell(List<AcceptRow> rows, Function<AcceptRow, Double> value) {
        AcceptCells cells = new AcceptCells(rows);
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (String cell : cells.cells()) {
            for (String variant : cells.variants()) {
                cells.mean(cell, variant, value).ifPresent(mean -> dataset.addValue(mean, variant, cell));
            }
        }
        return dataset;
    }
}
