package io.dse4j.cli;

import io.dse4j.Spectrum;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The picture of one diffusion spectrum: above, the powered eigenvalues |λᵢ|ᵗ, largest modulus first, on a log
 * scale, one line per t (t = 1: the eigenvalues' moduli themselves); below, the cumulative probability mass Σ_{j≤i} pⱼ of
 * pⱼ = |λⱼ|ᵗ / Σ|λ|ᵗ, the distribution whose Shannon entropy is the DSE — written in each line's legend. Drawn by
 * JFreeChart, as PNG or SVG by the file's extension, written atomically.
 */
final class SpectrumPlot {

    static final int WIDTH = 900;
    static final int HEIGHT = 620;

    /**
     * Powered eigenvalues below this are left off the log axis (it cannot show 0, and below it are only rounding
     * errors: the kernel's eigenvalues are accurate to ~1e-16 of the largest); the caption says how many.
     */
    private static final double SMALLEST_SHOWN = 1e-30;

    private static final Color[] COLOURS = {new Color(0x1f, 0x77, 0xb4), new Color(0xff, 0x7f, 0x0e),
        new Color(0x2c, 0xa0, 0x2c), new Color(0xd6, 0x27, 0x28), new Color(0x94, 0x67, 0xbd),
        new Color(0x8c, 0x56, 0x4b), new Color(0xe3, 0x77, 0xc2), new Color(0x7f, 0x7f, 0x7f)};

    private SpectrumPlot() {
    }

    static void write(Path file, Spectrum spectrum, double[] times, String title, String caption) throws IOException {
        JFreeChart chart = chart(spectrum, times, title, caption);
        Charts.write(file, chart, WIDTH, HEIGHT);
    }

    static JFreeChart chart(Spectrum spectrum, double[] times, String title, String caption) {
        // By modulus, as p ranks them: the smallest eigenvalues of a kernel are rounding errors of either sign.
        double[] lambda = java.util.Arrays.stream(spectrum.eigenvalues()).map(Math::abs).sorted().toArray();
        for (int i = 0, j = lambda.length - 1; i < j; i++, j--) {
            double swap = lambda[i];
            lambda[i] = lambda[j];
            lambda[j] = swap;
        }
        int n = lambda.length;
        double max = 0;
        for (double v : lambda) {
            max = Math.max(max, Math.abs(v));
        }
        XYSeriesCollection powered = new XYSeriesCollection();
        XYSeriesCollection mass = new XYSeriesCollection();
        for (double t : times) {
            int hidden = hiddenAt(lambda, t);
            // A line stops where |λ|ᵗ leaves the axis (below SMALLEST_SHOWN: at t = 10 most of a spectrum does); its
            // legend says how many of its values are not drawn, so a short line is not read as a short spectrum.
            String label = String.format(Locale.ROOT, "t = %s: DSE = %.4f bits%s", trim(t), spectrum.entropy(t),
                    hidden == 0 ? "" : String.format(Locale.ROOT, " (%d of %d values below %.0e, not drawn)", hidden,
                            n, SMALLEST_SHOWN));
            XYSeries power = new XYSeries(label, false, true);
            XYSeries cumulative = new XYSeries(label, false, true);
            double[] weight = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                // As Spectrum.entropy: scaled by max|λ| so that no power overflows; p is unchanged by it.
                weight[i] = max == 0 ? 1 : Math.pow(Math.abs(lambda[i]) / max, t);
                sum += weight[i];
            }
            double running = 0;
            for (int i = 0; i < n; i++) {
                double value = Math.pow(Math.abs(lambda[i]), t);
                if (value >= SMALLEST_SHOWN && Double.isFinite(value)) {
                    power.add(i + 1, value);
                }
                running += weight[i];
                cumulative.add(i + 1, running / sum);
            }
            powered.addSeries(power);
            mass.addSeries(cumulative);
        }
        LogAxis index = new LogAxis("eigenvalue index i, largest |λ| first (log scale)");
        index.setBase(10);
        index.setSmallestValue(1);
        index.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1));   // one label per decade
        index.setNumberFormatOverride(new java.text.DecimalFormat("0", java.text.DecimalFormatSymbols
                .getInstance(Locale.ROOT)));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(index);
        plot.setGap(12);
        LogAxis log = new LogAxis("|λᵢ|ᵗ (log scale)");
        log.setSmallestValue(SMALLEST_SHOWN);
        log.setBase(10);
        plot.add(panel(powered, log), 3);
        NumberAxis share = new NumberAxis("cumulative probability Σ pⱼ");
        share.setRange(0, 1.02);
        XYPlot cumulativePanel = panel(mass, share);
        cumulativePanel.getRenderer().setDefaultSeriesVisibleInLegend(false);   // the same lines as above
        plot.add(cumulativePanel, 2);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        TextTitle line = new TextTitle(caption, new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        line.setPosition(RectangleEdge.BOTTOM);
        chart.addSubtitle(line);
        return chart;
    }

    /** How many of the moduli {@code lambda}, raised to t, fall off the log axis (below {@link #SMALLEST_SHOWN}). */
    static int hiddenAt(double[] lambda, double t) {
        int hidden = 0;
        for (double v : lambda) {
            double value = Math.pow(Math.abs(v), t);
            if (!(value >= SMALLEST_SHOWN && Double.isFinite(value))) {
                hidden++;
            }
        }
        return hidden;
    }

    private static XYPlot panel(XYSeriesCollection data, org.jfree.chart.axis.ValueAxis y) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int s = 0; s < data.getSeriesCount(); s++) {
            renderer.setSeriesPaint(s, COLOURS[s % COLOURS.length]);
            renderer.setSeriesStroke(s, new BasicStroke(2f));
        }
        return Charts.panel(data, y, renderer);
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
