package dev.jamespipeline.bench;

import java.awt.Color;
import java.awt.Font;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;

/** The look every result chart shares: white background, light grid, readable title. */
final class ChartStyle {
    private static final Font AXIS_LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private ChartStyle() {
    }

    static void apply(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        Plot plot = chart.getPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(Color.LIGHT_GRAY);
        if (plot instanceof CategoryPlot category) {
            category.setRangeGridlinePaint(Color.LIGHT_GRAY);
            category.getRangeAxis().setLabelFont(AXIS_LABEL_FONT);
        } else if (plot instanceof XYPlot xy) {
            xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
            xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
            xy.getRangeAxis().setLabelFont(AXIS_LABEL_FONT);
            xy.getDomainAxis().setLabelFont(AXIS_LABEL_FONT);
        }
    }
}
