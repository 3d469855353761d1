package dev.jamespipeline.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.jfree.chart.JFreeChart;

/** Draws several charts into one PNG, left to right then top to bottom, under caption lines. */
final class PngGrid {
    private static final int CELL_WIDTH = 800;
    private static final int CELL_HEIGHT = 420;
    private static final int CAPTION_LINE_HEIGHT = 18;

    private PngGrid() {
    }

    static void write(List<String> caption, List<JFreeChart> charts, int columns, Path png) throws IOException {
        int rows = (charts.size() + columns - 1) / columns;
        int captionHeight = (caption.size() + 1) * CAPTION_LINE_HEIGHT;
        BufferedImage image = new BufferedImage(columns * CELL_WIDTH, captionHeight + rows * CELL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            for (int line = 0; line < caption.size(); line++) {
                g.drawString(caption.get(line), 10, (line + 1) * CAPTION_LINE_HEIGHT);
            }
            for (int i = 0; i < charts.size(); i++) {
                charts.get(i).draw(g, new Rectangle2D.Double((i % columns) * CELL_WIDTH,
                    captionHeight + (i / columns) * CELL_HEIGHT, CELL_WIDTH, CELL_HEIGHT));
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", png.toFile());
    }
}
