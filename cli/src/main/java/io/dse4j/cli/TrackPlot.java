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
    private static final Color OTHER_COLOUR = new Color(0x94, 0x67, 0xbd);

    private TrackPlot() {
    }

    static void write(Path file, List<Tracker.Row> rows, String xLabel, String caption) throws IOException {
        JFreeChart chart = chart(rows, xLabel, caption);
        Charts.write(file, chart, WIDTH, HEIGHT);
    }

    static JFreeChart chart(List<Tracker.Row> rows, String xLabel, String caption) {
        if (rows.stream().anyMatch(r -> !r.layer().isEmpty())) {
            return layered(rows, xLabel, caption);
        }
        YIntervalSeries dse = new YIntervalSeries("DSE(Z)");
        YIntervalSeries onLabels = new YIntervalSeries("DSMI(Z; Y)");
        YIntervalSeries onInputs = new YIntervalSeries("DSMI(Z; X)");
        for (Tracker.Row r : rows) {
            dse.add(r.order(), r.dse(), r.dse(), r.dse());
            add(onLabels, r.order(), r.dsmiLabels(), r.dsmiLabelsSd());
            add(onInputs, r.order(), r.dsmiInputs(), r.dsmiInputsSd());
        }
        CombinedDomainXYPlot plot = panels(rows, xLabel);
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
        if (rows.stream().anyMatch(r -> !Double.isNaN(r.rankMe()))) {
            YIntervalSeries rankMe = new YIntervalSeries("RankMe(Z)");
            YIntervalSeries vne = new YIntervalSeries("VNE(Z)");
            for (Tracker.Row r : rows) {
                add(rankMe, r.order(), r.rankMe(), 0);
                add(vne, r.order(), r.vonNeumannEntropy(), 0);
            }
            plot.add(subplot(new YIntervalSeriesCollection(), rankMe, "RankMe", OTHER_COLOUR), 1);
            plot.add(subplot(new YIntervalSeriesCollection(), vne, "VNE (bits)", OTHER_COLOUR), 1);
        }
        if (rows.stream().anyMatch(r -> !Double.isNaN(r.countAbove()))) {
            YIntervalSeries count = new YIntervalSeries("eigenvalues above the floor");
            rows.forEach(r -> add(count, r.order(), r.countAbove(), 0));
            plot.add(subplot(new YIntervalSeriesCollection(), count, "|λ| > floor", OTHER_COLOUR), 1);
        }
        JFreeChart chart = new JFreeChart("Diffusion spectral entropy and mutual information over training",
                new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        TextTitle line = new TextTitle(caption, new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        line.setPosition(RectangleEdge.BOTTOM);
        chart.addSubtitle(line);
        return chart;
    }

    /**
     * The picture of a run with layers: a panel per measure (DSE, and the DSMIs computed), a line per layer in it,
     * coloured along one sequential scale from the first layer to the last (dark blue to yellow, as matplotlib's
     * viridis runs), so that depth reads as colour however many layers there are; the legend, on the right, lists
     * them in order. The DSMIs' bars are drawn for up to {@value #BARS_UP_TO} layers (more would hide the lines).
     */
    private static JFreeChart layered(List<Tracker.Row> rows, String xLabel, String caption) {
        java.util.List<String> layers = rows.stream().map(Tracker.Row::layer).distinct()
                .sorted(Checkpoints::compareNaturally).toList();
        boolean bars = layers.size() <= BARS_UP_TO;
        java.util.Map<String, YIntervalSeries> dse = new java.util.LinkedHashMap<>();
        java.util.Map<String, YIntervalSeries> onLabels = new java.util.LinkedHashMap<>();
        java.util.Map<String, YIntervalSeries> onInputs = new java.util.LinkedHashMap<>();
        java.util.Map<String, YIntervalSeries> rankMe = new java.util.LinkedHashMap<>();
        java.util.Map<String, YIntervalSeries> vne = new java.util.LinkedHashMap<>();
        java.util.Map<String, YIntervalSeries> count = new java.util.LinkedHashMap<>();
        for (String layer : layers) {
            String shown = layer.isEmpty() ? "(the checkpoint's array)" : layer;
            for (java.util.Map<String, YIntervalSeries> m : List.of(dse, onLabels, onInputs, rankMe, vne, count)) {
                m.put(layer, new YIntervalSeries(shown));
            }
        }
        for (Tracker.Row r : rows) {
            dse.get(r.layer()).add(r.order(), r.dse(), r.dse(), r.dse());
            add(onLabels.get(r.layer()), r.order(), r.dsmiLabels(), bars ? r.dsmiLabelsSd() : 0);
            add(onInputs.get(r.layer()), r.order(), r.dsmiInputs(), bars ? r.dsmiInputsSd() : 0);
            add(rankMe.get(r.layer()), r.order(), r.rankMe(), 0);
            add(vne.get(r.layer()), r.order(), r.vonNeumannEntropy(), 0);
            add(count.get(r.layer()), r.order(), r.countAbove(), 0);
        }
        CombinedDomainXYPlot plot = panels(rows, xLabel);
        plot.add(layerPanel(dse, "DSE (bits)", true), 1);
        if (onLabels.values().stream().anyMatch(series -> series.getItemCount() > 0)) {
            plot.add(layerPanel(onLabels, "DSMI(Z; Y) (bits)", false), 1);
        }
        if (onInputs.values().stream().anyMatch(series -> series.getItemCount() > 0)) {
            plot.add(layerPanel(onInputs, "DSMI(Z; X) (bits)", false), 1);
        }
        if (rankMe.values().stream().anyMatch(series -> series.getItemCount() > 0)) {
            plot.add(layerPanel(rankMe, "RankMe", false), 1);
            plot.add(layerPanel(vne, "VNE (bits)", false), 1);
        }
        if (count.values().stream().anyMatch(series -> series.getItemCount() > 0)) {
            plot.add(layerPanel(count, "|λ| > floor", false), 1);
        }
        JFreeChart chart = new JFreeChart("Diffusion spectral entropy and mutual information per layer",
                new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        // One legend for all panels (their layers are the same), beside them: a long list stays readable there.
        org.jfree.chart.title.LegendTitle legend = new org.jfree.chart.title.LegendTitle(plot.getSubplots().get(0));
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, layers.size() > 16 ? 10 : 12));
        legend.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(legend);
        TextTitle line = new TextTitle(caption, new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        line.setPosition(RectangleEdge.BOTTOM);
        chart.addSubtitle(line);
        return chart;
    }

    /** The panels' frame: the checkpoints' order on the shared axis, whole numbers only when every order is one. */
    private static CombinedDomainXYPlot panels(List<Tracker.Row> rows, String xLabel) {
        NumberAxis x = new NumberAxis(xLabel);
        x.setAutoRangeIncludesZero(false);
        if (rows.stream().allMatch(r -> r.order() == Math.rint(r.order()))) {
            x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());   // epochs and steps: no 2.5
        }
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(x);
        plot.setGap(12);
        return plot;
    }

    /** Layers beyond this many are drawn without the DSMIs' error bars. */
    static final int BARS_UP_TO = 6;

    /** One measure's panel of a layered run: a line per layer, coloured by its place in the layers' order. */
    private static XYPlot layerPanel(java.util.Map<String, YIntervalSeries> series, String yLabel, boolean legend) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        series.values().forEach(data::addSeries);
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(false);
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setDefaultLinesVisible(true);
        renderer.setDefaultShapesVisible(series.size() <= 12);
        // One marker for every layer, in every panel: the colour tells the layers apart, and the legend (drawn from
        // the first panel) matches the others.
        renderer.setAutoPopulateSeriesShape(false);
        renderer.setDefaultShape(new java.awt.geom.Ellipse2D.Double(-3, -3, 6, 6));
        renderer.setErrorStroke(new BasicStroke(1f));
        renderer.setCapLength(4);
        int count = series.size();
        for (int s = 0; s < count; s++) {
            renderer.setSeriesPaint(s, sequential(count == 1 ? 0 : (double) s / (count - 1)));
            renderer.setSeriesStroke(s, new BasicStroke(2f));
            renderer.setSeriesVisibleInLegend(s, legend);
        }
        return Charts.panel(data, y, renderer);
    }

    /**
     * A colour at {@code f} ∈ [0, 1] along a sequential scale through five anchors of matplotlib's viridis (dark
     * blue, blue, teal, green, yellow), linearly between them: distinct steps for neighbouring layers, readable in
     * grey, monotone in lightness.
     */
    static Color sequential(double f) {
        int[][] anchors = {{0x44, 0x01, 0x54}, {0x3b, 0x52, 0x8b}, {0x21, 0x91, 0x8c}, {0x5e, 0xc9, 0x62},
            {0xfd, 0xe7, 0x25}};
        double at = Math.max(0, Math.min(1, f)) * (anchors.length - 1);
        int i = Math.min(anchors.length - 2, (int) at);
        double w = at - i;
        int[] rgb = new int[3];
        for (int c = 0; c < 3; c++) {
            rgb[c] = (int) Math.round(anchors[i][c] * (1 - w) + anchors[i + 1][c] * w);
        }
        return new Color(rgb[0], rgb[1], rgb[2]);
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
