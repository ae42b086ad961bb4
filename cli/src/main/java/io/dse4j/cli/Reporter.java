package io.dse4j.cli;

import io.dse4j.BackendSelection;
import io.dse4j.DseResult;
import io.dse4j.EntropyEstimate;
import io.dse4j.LinearSpectrumMeasures;
import io.dse4j.MiResult;
import io.dse4j.Spectrum;
import io.dse4j.Tracker;
import io.dse4j.Version;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes every command's result: with {@code --json} one JSON object per result (one line), else the report for a
 * person, whose first line is the backend selection in brief. The field order and the report's lines are the
 * command-line contract.
 */
final class Reporter {

    private final PrintStream out;
    private final boolean json;

    Reporter(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    /**
     * entropy: a DSE or ASE result.
     *
     * @param kernel     the kernel options it was computed with (σ's rule, the kernel's form, α)
     * @param sampling   its --max-n and --seed
     * @param countAbove the floor of --count-above, or null
     */
    void entropy(DseResult r, EntropyMeasure measure, String source, TimesOption.Times times, KernelOptions kernel,
                 SamplingOptions sampling, Double countAbove) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("measure", measure.label());
            m.put("entropy", r.entropy());
            m.put("n", r.n());
            m.put("d", r.d());
            m.put("input_rows", r.inputRows());
            m.put("sigma", r.sigma());
            if (!kernel.bandwidth().isFixed()) {
                m.put("sigma_rule", kernel.bandwidth().label());
            }
            kernel.describe(m);
            m.put("method", r.method().label());
            EntropyEstimate e = r.estimate();
            if (e != null) {
                m.put("error_bar", r.errorBar());
                m.put("standard_error", e.standardError(r.t()));
                Map<String, Object> slq = new LinkedHashMap<>();
                slq.put("probes", e.probes());
                slq.put("lanczos_steps", e.lanczosSteps());
                slq.put("deflated", e.deflatedEigenvalues().length);
                slq.put("passes", e.passes());
                slq.put("matrix_free", e.matrixFree());
                slq.put("quadrature_bound", e.quadratureBound(r.t()));
                m.put("slq", slq);
            }
            m.put("t", r.t());
            m.put("max_n", sampling.maxN());
            m.put("seed", sampling.seed());
            m.put("precision", r.precision().label());
            if (countAbove != null) {
                m.put("count_above", countAboveJson(countAbove, r.countAbove(countAbove), r.spectrum().size()));
            }
            result(m, r, source);
            if (e == null) {
                times(m, r.spectrum(), measure, times);
            } else if (measure == EntropyMeasure.DSE && times.values().length > 1) {
                List<Map<String, Object>> each = new ArrayList<>();
                for (double time : times.values()) {
                    Map<String, Object> at = new LinkedHashMap<>();
                    at.put("t", time);
                    at.put("entropy", e.entropy(time));
                    at.put("error_bar", e.errorBar(time));
                    each.add(at);
                }
                m.put("entropies", each);
            }
            out.println(Json.write(m));
            return;
        }
        out.println(r.selection().describeBriefly());
        String name = measure.label().toUpperCase(Locale.ROOT);
        EntropyEstimate e = r.estimate();
        if (e != null) {
            int deflated = e.deflatedEigenvalues().length;
            out.printf(Locale.ROOT, "%s = %.6f ± %.2g bits (95 %%; SLQ estimate: %d probes × %d Lanczos steps, %d "
                    + "%s deflated, %s)%n", name, r.entropy(), r.errorBar(), e.probes(), e.lanczosSteps(),
                    deflated, deflated == 1 ? "eigenvalue" : "eigenvalues",
                    e.matrixFree() ? "K recomputed for each of " + e.passes() + " products" : "K held in memory");
            if (measure == EntropyMeasure.DSE) {
                for (int i = 1; i < times.values().length; i++) {
                    double time = times.values()[i];
                    out.printf(Locale.ROOT, "  at t = %s: DSE = %.6f ± %.2g bits%n", trim(time), e.entropy(time),
                            e.errorBar(time));
                }
            }
        } else {
            out.printf(Locale.ROOT, "%s = %.15g bits%n", name, r.entropy());
            times(r.spectrum(), measure, times);
            if (countAbove != null) {
                countAboveLine(countAbove, r.countAbove(countAbove), r.spectrum().size());
            }
        }
        input(source, r, kernel.note(), ", t = " + trim(r.t()));
        warnings(r.warnings(), "warning: ");
        out.printf(Locale.ROOT, "time %.3f s (%s)%n", r.seconds(), r.stages());
    }

    /**
     * entropy from an eigenvalue cache: no kernel, no decomposition.
     *
     * @param requested  the backend asked for (the cache answers instead)
     * @param countAbove the floor of --count-above, or null
     */
    void entropyFromCache(Spectrum spectrum, double t, double entropy, double seconds, String reason,
                          EntropyMeasure measure, PointsOptions.Input x, TimesOption.Times times, String requested,
                          List<String> warnings, Double countAbove) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("measure", measure.label());
            m.put("entropy", entropy);
            m.put("n", spectrum.size());
            m.put("d", x.cols());
            m.put("input_rows", x.rows());
            m.put("t", t);
            if (countAbove != null) {
                m.put("count_above", countAboveJson(countAbove, spectrum.countAbove(countAbove), spectrum.size()));
            }
            Map<String, Object> selection = new LinkedHashMap<>();
            selection.put("requested", requested);
            selection.put("source", "eigenvalue cache");
            selection.put("chosen", "cache");
            selection.put("reasons", List.of(reason));
            tail(m, "cache", selection, seconds, Map.of("entropy", seconds), x.source(), warnings);
            times(m, spectrum, measure, times);
            out.println(Json.write(m));
        } else {
            out.println("backend none (" + reason + ")");
            out.printf(Locale.ROOT, "%s = %.15g bits (N = %d, t = %s)%n", measure.label().toUpperCase(Locale.ROOT),
                    entropy, spectrum.size(), trim(t));
            times(spectrum, measure, times);
            if (countAbove != null) {
                countAboveLine(countAbove, spectrum.countAbove(countAbove), spectrum.size());
            }
        }
    }

    /** JSON's {@code count_above}: the floor, the count of eigenvalues with |λ| above it, and of how many. */
    private static Map<String, Object> countAboveJson(double floor, int count, int of) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("floor", floor);
        m.put("count", count);
        m.put("of", of);
        return m;
    }

    /** The report's line of --count-above. */
    private void countAboveLine(double floor, int count, int of) {
        out.printf(Locale.ROOT, "eigenvalues with |λ| > %s: %d of %d%n", trim(floor), count, of);
    }

    /**
     * entropy --measure rankme or vne: the measure of Z's singular values, with what they are of.
     *
     * @param selection where it ran (the CPU)
     */
    void linearSpectrum(EntropyMeasure measure, LinearSpectrumMeasures z, PointsOptions.Input x,
                        BackendSelection selection, double seconds) {
        boolean rankMe = measure == EntropyMeasure.RANKME;
        double value = rankMe ? z.rankMe() : z.vonNeumannEntropy();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("measure", measure.label());
            m.put(rankMe ? "rankme" : "entropy", value);
            m.put("n", z.n());
            m.put("d", z.d());
            m.put("input_rows", x.rows());
            m.put("rank", z.rank());
            m.put("centred", false);
            if (rankMe) {
                m.put("epsilon", LinearSpectrumMeasures.RANKME_EPSILON);
            } else {
                m.put("kernel", "linear");
            }
            tail(m, selection.chosen(), Json.selection(selection), seconds, Map.of("spectrum", seconds), x.source(),
                    null);
            out.println(Json.write(m));
            return;
        }
        out.println(selection.describeBriefly());
        out.printf(Locale.ROOT, "%s = %.15g%s%n", measure.label().toUpperCase(Locale.ROOT), value, rankMe
                ? " (effective rank: exp of the entropy of Z's normalised singular values, ε = 1e-7)"
                : " bits (von Neumann entropy of ZZᵀ / tr ZZᵀ, linear kernel)");
        out.printf(Locale.ROOT, "input %s: N = %d%s, D = %d, numerical rank %d; Z taken as it is (not centred)%n",
                x.source(), z.n(), x.rows() > z.n() ? " (subsampled from " + x.rows() + ")" : "", z.d(), z.rank());
        out.printf(Locale.ROOT, "time %.3f s%n", seconds);
    }

    /**
     * entropy of a measure that needs no eigenvalues (cse, matrix-entry).
     *
     * @param n    the rows used
     * @param bins cse's bins per dimension (not shown for matrix-entry)
     */
    void entropyWithoutEigenvalues(EntropyMeasure measure, double entropy, int n, PointsOptions.Input x, int bins,
                                   BackendSelection selection, double seconds) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("measure", measure.label());
            m.put("entropy", entropy);
            m.put("n", n);
            m.put("d", x.cols());
            m.put("input_rows", x.rows());
            if (measure == EntropyMeasure.CSE) {
                m.put("bins", bins);
            }
            tail(m, selection.chosen(), Json.selection(selection), seconds, Map.of("entropy", seconds), x.source(),
                    null);
            out.println(Json.write(m));
        } else {
            out.println(selection.describeBriefly());
            out.printf(Locale.ROOT, "%s = %.15g bits (N = %d, D = %d)%n", measure.label().toUpperCase(Locale.ROOT),
                    entropy, n, x.cols());
            out.printf(Locale.ROOT, "time %.3f s%n", seconds);
        }
    }

    /**
     * spectrum: the DSE at each t, the largest eigenvalues, and where they and the plot were written.
     *
     * @param eigenvalues the file they were saved to, or null
     * @param plot        the plot written, or null
     */
    void spectrum(DseResult r, double[] times, double[] entropies, double[] largest, String source,
                  KernelOptions kernel, String eigenvalues, String plot) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("measure", "spectrum");
            m.put("n", r.n());
            m.put("d", r.d());
            m.put("input_rows", r.inputRows());
            m.put("sigma", r.sigma());
            kernel.describe(m);
            if (!kernel.bandwidth().isFixed()) {
                m.put("sigma_rule", kernel.bandwidth().label());
            }
            List<Map<String, Object>> perT = new ArrayList<>();
            for (int i = 0; i < times.length; i++) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("t", times[i]);
                e.put("entropy", entropies[i]);
                perT.add(e);
            }
            m.put("entropies", perT);
            m.put("largest_eigenvalues", largest);
            m.put("eigenvalues_file", eigenvalues);
            m.put("plot", plot);
            m.put("precision", r.precision().label());
            result(m, r, source);
            out.println(Json.write(m));
            return;
        }
        out.println(r.selection().describeBriefly());
        input(source, r, kernel.note(), "");
        warnings(r.warnings(), "warning: ");
        for (int i = 0; i < times.length; i++) {
            out.printf(Locale.ROOT, "t = %-6s DSE = %.15g bits%n", trim(times[i]), entropies[i]);
        }
        StringBuilder top = new StringBuilder("largest eigenvalues:");
        for (double v : largest) {
            top.append(String.format(Locale.ROOT, " %.6g", v));
        }
        out.println(top);
        if (eigenvalues != null) {
            out.println("eigenvalues (" + r.spectrum().size() + ", largest first) saved to " + eigenvalues);
        }
        if (plot != null) {
            out.println("plot written to " + plot);
        }
        out.printf(Locale.ROOT, "time %.3f s (%s)%n", r.seconds(), r.stages());
    }

    /**
     * mi: the MI with each class's terms.
     *
     * @param reference the kind of reference the classes came from, or "precomputed"
     */
    void mi(MiResult r, String reference) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("measure", r.measure().label());
            m.put("mi", r.mi());
            m.put("n", r.n());
            m.put("d", r.d());
            m.put("reference", reference);
            List<Map<String, Object>> classes = new ArrayList<>();
            for (MiResult.ClassTerm term : r.classes()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("class", term.label());
                c.put("count", term.count());
                c.put("p", term.probability());
                c.put("conditional_entropy", term.conditional());
                c.put("subset_entropy_mean", term.subsetMean());
                c.put("subset_entropy_sd", term.subsetSd());
                List<Double> values = new ArrayList<>();
                for (double v : term.subsetValues()) {
                    values.add(v);
                }
                c.put("subset_entropies", values);
                classes.add(c);
            }
            m.put("classes", classes);
            m.put("warnings", r.warnings());
            m.put("backend", r.selection().chosen());
            m.put("selection", Json.selection(r.selection()));
            m.put("seconds", r.seconds());
            m.put("version", Version.string());
            out.println(Json.write(m));
            return;
        }
        out.println(r.selection().describeBriefly());
        out.printf(Locale.ROOT, "%s = %.15g bits (N = %d, D = %d, reference %s, %d classes)%n",
                r.measure().label().toUpperCase(Locale.ROOT), r.mi(), r.n(), r.d(), reference, r.classes().size());
        for (MiResult.ClassTerm term : r.classes()) {
            out.printf(Locale.ROOT, "  class %-6d n = %-6d p = %.4f  H(Z|Y) = %.6f  H(Z*) = %.6f ± %.6f%n",
                    term.label(), term.count(), term.probability(), term.conditional(), term.subsetMean(),
                    term.subsetSd());
        }
        warnings(r.warnings(), "  warning: ");
        out.printf(Locale.ROOT, "time %.3f s%n", r.seconds());
    }

    /**
     * track: one checkpoint's row, as it is measured or as the table held it.
     *
     * @param fromTable whether the row comes from the table (not measured by this run)
     */
    void trackRow(Tracker.Row r, boolean fromTable) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("checkpoint", r.name());
            m.put("layer", r.layer());
            m.put("order", r.order());
            m.put("n", r.n());
            m.put("d", r.d());
            m.put("dse", r.dse());
            m.put("dsmi_y", r.dsmiLabels());
            m.put("dsmi_y_sd", r.dsmiLabelsSd());
            m.put("dsmi_x", r.dsmiInputs());
            m.put("dsmi_x_sd", r.dsmiInputsSd());
            m.put("rankme", r.rankMe());
            m.put("vne", r.vonNeumannEntropy());
            m.put("count_above", r.countAbove());
            m.put("seconds", r.seconds());
            m.put("backend", r.backend());
            m.put("from_table", fromTable);
            out.println(Json.write(m));
        } else {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-32s order %-8s N = %-6d DSE = %.6f",
                    r.label(), trim(r.order()), r.n(), r.dse()));
            if (!Double.isNaN(r.dsmiLabels())) {
                s.append(String.format(Locale.ROOT, "  DSMI(Z;Y) = %.6f ± %.6f", r.dsmiLabels(), r.dsmiLabelsSd()));
            }
            if (!Double.isNaN(r.dsmiInputs())) {
                s.append(String.format(Locale.ROOT, "  DSMI(Z;X) = %.6f ± %.6f", r.dsmiInputs(), r.dsmiInputsSd()));
            }
            if (!Double.isNaN(r.rankMe())) {
                s.append(String.format(Locale.ROOT, "  RankMe = %.4f  VNE = %.6f", r.rankMe(), r.vonNeumannEntropy()));
            }
            if (!Double.isNaN(r.countAbove())) {
                s.append(String.format(Locale.ROOT, "  above floor: %d", (long) r.countAbove()));
            }
            s.append(fromTable ? "  (from the table)" : String.format(Locale.ROOT, "  %.2f s %s", r.seconds(),
                    r.backend()));
            out.println(s);
        }
        out.flush();
    }

    /** A number as a person writes it: whole numbers without ".0". */
    static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** The fields that end a computed result's JSON: backend, selection, timings, input, warnings, version. */
    private static void result(Map<String, Object> m, DseResult r, String source) {
        tail(m, r.backend(), Json.selection(r.selection()), r.seconds(), r.stages().seconds(), source, r.warnings());
    }

    /** @param warnings the warnings, or null where the result has none to give (no field then) */
    private static void tail(Map<String, Object> m, String backend, Map<String, Object> selection, double seconds,
                             Map<String, Double> stages, String source, List<String> warnings) {
        m.put("backend", backend);
        m.put("selection", selection);
        m.put("seconds", seconds);
        m.put("stages", stages);
        m.put("input", source);
        if (warnings != null) {
            m.put("warnings", warnings);
        }
        m.put("version", Version.string());
    }

    /** The report's line of the input, its size and the kernel: "input …: N = …, D = …; sigma = …{t}, f64". */
    private void input(String source, DseResult r, String note, String t) {
        out.printf(Locale.ROOT, "input %s: N = %d%s, D = %d; sigma = %s%s%s, %s%n", source, r.n(),
                r.inputRows() > r.n() ? " (subsampled from " + r.inputRows() + ")" : "", r.d(), trim(r.sigma()), note,
                t, r.precision().label());
    }

    private void warnings(List<String> warnings, String prefix) {
        warnings.forEach(w -> out.println(prefix + w));
    }

    /** JSON: {@code t_rule} "auto" when chosen so; {@code entropies} (t, entropy) for a list of several. */
    private static void times(Map<String, Object> m, Spectrum spectrum, EntropyMeasure measure,
                              TimesOption.Times times) {
        if (measure != EntropyMeasure.DSE) {
            return;
        }
        if (times.auto()) {
            m.put("t_rule", "auto");
        } else if (times.values().length > 1) {
            List<Map<String, Object>> each = new ArrayList<>();
            for (double time : times.values()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("t", time);
                e.put("entropy", spectrum.entropy(time));
                each.add(e);
            }
            m.put("entropies", each);
        }
    }

    /** The report's line per further t of a list, or the rule that chose t. */
    private void times(Spectrum spectrum, EntropyMeasure measure, TimesOption.Times times) {
        if (measure != EntropyMeasure.DSE) {
            return;
        }
        if (times.auto()) {
            out.println("t chosen by --t auto: at most 1 % of the powered eigenvalues stay above 0.01");
        } else {
            for (int i = 1; i < times.values().length; i++) {
                out.printf(Locale.ROOT, "  at t = %s: DSE = %.15g bits%n", trim(times.values()[i]),
                        spectrum.entropy(times.values()[i]));
            }
        }
    }
}
