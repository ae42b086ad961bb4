package io.dse4j.cli;

import io.dse4j.Tracker;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The picture of a tracked run, like the paper's figures: DSE above, DSMI(Z;Y) and DSMI(Z;X) below, each against
 * the checkpoints' order, the DSMIs with error bars of ± one standard deviation over the repetitions, in bits, the
 * parameters in a caption line. Drawn by JFreeChart; written as PNG, or as SVG through JFreeSVG, chosen by the file's
 * extension, and atomically (the previous picture stays until the new one is complete).
 */
final class TrackPlot {

    static final int WIDTH = 900;
    static final int HEIGHT = 620;

    private static final Color DSE_COLOUR = new Color(0x1f, 0x77, 0xb4);
    private static final Color LABELS_COLOUR = new Color(0xd6, 0x27, 0x28);
    private static final Color INPUTS_COLOUR = new Color(0x2c, 0xa0, 0x2c);

    private TrackPlot() {
    }

    static void write(Path file, List<Tracker.Row> rows, String xLabel, String caption) throws IOException {
        JFreeChart chart = chart(rows, xLabel, caption);
        Charts.write(file, chart, WIDTH, HEIGHT);
    }

    static JFreeChart chart(List<Tracker.Row> rows, String xLabel, String caption) {
        YIntervalSeries dse = new YIntervalSeries("DSE(Z)");
        YIntervalSeries onLabels = new YIntervalSeries("DSMI(Z; Y)");
        YIntervalSeries onInputs = new YIntervalSeries("DSMI(Z; X)");
        for (Tracker.Row r : rows) {
            dse.add(r.order(), r.dse(), r.dse(), r.dse());
            add(onLabels, r.order(), r.dsmiLabels(), r.dsmiLabelsSd());
            add(onInputs, r.order(), r.dsmiInputs(), r.dsmiInputsSd());
        }
        NumberAxis x = new NumberAxis(xLabel);
        x.setAutoRangeIncludesZero(false);
        if (rows.stream().allMatch(r -> r.order() == Math.rint(r.order()))) {
            x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());   // epochs and steps: no 2.5
        }
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(x);
        plot.setGap(12);
        plot.add(subplot(new YIntervalSeriesCollection(), dse, "DSE (bits)", DSE_COLOUR), 1);
        YIntervalSeriesCollection dsmi = new YIntervalSeriesCollection();
        boolean anyDsmi = false;
        for (YIntervalSeries s : List.of(onLabels, onInputs)) {
            if (s.getItemCount() > 0) {
                dsmi.addSeries(s);
                anyDsmi = true;
            }
        }
        if (anyDsmi) {
            plot.add(subplot(dsmi, null, "DSMI (bits)", null), 1);
        }
        JFreeChart chart = new JFreeChart("Diffusion spectral entropy and mutual information over training",
                new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        TextTitle line = new TextTitle(caption, new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        line.setPosition(RectangleEdge.BOTTOM);
        chart.addSubtitle(line);
        return chart;
    }

    private static void add(YIntervalSeries series, double x, double value, double sd) {
        if (Double.isNaN(value)) {
            return;
        }
        double spread = Double.isNaN(sd) ? 0 : sd;
        series.add(x, value, value - spread, value + spread);
    }

    /** One panel; {@code only} (with its colour) when the panel shows one series, else the collection's series. */
    private static XYPlot subplot(YIntervalSeriesCollection data, YIntervalSeries only, String yLabel, Color colour) {
        if (only != null) {
            data.addSeries(only);
        }
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(false);
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setDefaultLinesVisible(true);
        renderer.setDefaultShapesVisible(true);
        renderer.setErrorStroke(new BasicStroke(1.2f));
        renderer.setCapLength(6);
        for (int s = 0; s < data.getSeriesCount(); s++) {
            Color c = colour != null ? colour : data.getSeriesKey(s).toString().contains("Y") ? LABELS_COLOUR
                    : INPUTS_COLOUR;
            renderer.setSeriesPaint(s, c);
            renderer.setSeriesStroke(s, new BasicStroke(2f));
        }
        return Charts.panel(data, y, renderer);
    }
}
