package io.dse4j.cli;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;

import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writing the command line's charts: PNG, or SVG through JFreeSVG, by the file's extension; atomically. */
final class Charts {

    private Charts() {
    }

    /** Refuses, before any work, a path whose folder does not exist or whose extension is not .png or .svg. */
    static void check(String option, Path file) {
        if (file.getFileName() == null) {
            throw new UsageException(option + " " + file + ": give a file name ending in .png or .svg");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".png") && !name.endsWith(".svg")) {
            throw new UsageException(option + " " + file + ": the file must end in .png or .svg (that is the format "
                    + "written)");
        }
        Path folder = file.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new UsageException(option + " " + file + ": the folder " + folder + " does not exist");
        }
        if (!Files.isWritable(folder)) {
            throw new UsageException(option + " " + file + ": the folder " + folder + " is not writable");
        }
    }

    /** A panel on white with light grey grid lines, as both commands' charts draw them. */
    static org.jfree.chart.plot.XYPlot panel(org.jfree.data.xy.XYDataset data, org.jfree.chart.axis.ValueAxis y,
                                             org.jfree.chart.renderer.xy.XYItemRenderer renderer) {
        org.jfree.chart.plot.XYPlot plot = new org.jfree.chart.plot.XYPlot(data, null, y, renderer);
        plot.setBackgroundPaint(java.awt.Color.WHITE);
        java.awt.Color grid = new java.awt.Color(0xdd, 0xdd, 0xdd);
        plot.setDomainGridlinePaint(grid);
        plot.setRangeGridlinePaint(grid);
        return plot;
    }

    /** Draws {@code chart} at width × height and replaces {@code file} by it (the old picture stays until then). */
    static void write(Path file, JFreeChart chart, int width, int height) throws IOException {
        byte[] bytes;
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg")) {
            SVGGraphics2D g = new SVGGraphics2D(width, height);
            chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
            bytes = g.getSVGDocument().getBytes(StandardCharsets.UTF_8);
        } else {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(png, chart, width, height);
            bytes = png.toByteArray();
        }
        io.dse4j.internal.io.AtomicWrite.replace(file, bytes);
    }
}
