package io.dse4j.cli;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.DseResult;
import io.dse4j.Spectrum;
import io.dse4j.io.EigenvalueCache;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dse4j spectrum}: the diffusion spectrum of a file or example — its eigenvalues, the DSE at each of several
 * diffusion times from the one decomposition, a plot, and the eigenvalues saved for later (readable back as the
 * eigenvalue cache of {@code entropy --eigenvalues-cache}).
 *
 * <p>The annotated fields declare the options to picocli; the command reads their values by name through
 * {@link Options}, which checks each against its allowed range.
 */
@Command(name = "spectrum", mixinStandardHelpOptions = true, versionProvider = Main.VersionText.class,
        sortOptions = false,
        description = "The diffusion spectrum: eigenvalues, DSE at several t from one decomposition, a plot.",
        customSynopsis = "dse4j spectrum (--input FILE | --example NAME) [--t 1,2,5,10] [--plot FILE.png|.svg] "
                + "[--out EIGENVALUES.npy] [options]")
final class SpectrumCommand implements Callable<Integer> {

    /** Largest eigenvalues listed in the report and the JSON. */
    static final int LISTED = 10;

    @Mixin
    PointsOptions points;
    @Mixin
    KernelOptions kernelShape;
    @Option(names = "--sigma", paramLabel = "S", description = "Gaussian kernel bandwidth: a number (default 10), "
            + "median (the median distance between the points) or knn:K (the mean distance to the K-th neighbour)")
    String sigma;
    @Option(names = "--t", paramLabel = "T,...", description = "diffusion times, reals ≥ 0, comma-separated, all "
            + "from one decomposition (default 1)")
    String t;
    @Option(names = "--max-n", paramLabel = "M", description = "subsample larger inputs to M rows (default 10000)")
    String maxN;
    @Option(names = "--seed", paramLabel = "K", description = "seed of that subsampling (default 0)")
    String seed;
    @Option(names = "--plot", paramLabel = "FILE", description = "the powered eigenvalues (log scale) and the "
            + "cumulative probability for each t, with its DSE: .png or .svg")
    String plot;
    @Option(names = "--out", paramLabel = "FILE", description = "save the eigenvalues (float64, largest first): "
            + ".npy, or .npz under the key eigvals with a record of what they were computed from (as entropy "
            + "--eigenvalues-cache writes it, which then checks it against its run; a .npy it reads with a warning "
            + "that it cannot be checked)")
    String out;
    @Mixin
    Main.ComputeOptions compute;

    @Spec
    CommandSpec spec;

    private final PrintStream stdout;
    private final PrintStream err;

    SpectrumCommand(PrintStream out, PrintStream err) {
        this.stdout = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        Options o = Options.of(spec.commandLine().getParseResult());
        double[] times = o.numbers("--t", io.dse4j.MeasureOptions.DEFAULT_T);
        java.util.Set<Double> seen = new java.util.HashSet<>();
        for (double time : times) {
            if (time < 0) {
                throw new UsageException("--t: every diffusion time must be ≥ 0, got " + trim(time));
            }
            if (!seen.add(time)) {
                throw new UsageException("--t lists " + trim(time) + " twice; give each time once");
            }
        }
        Path plotFile = plot == null ? null : Path.of(plot);
        if (plotFile != null) {
            Charts.check("--plot", plotFile);
        }
        Path eigenvalues = out == null ? null : Path.of(out);
        if (eigenvalues != null) {
            if (eigenvalues.getFileName() == null) {
                throw new UsageException("--out " + eigenvalues + ": give a file name ending in .npy or .npz");
            }
            String name = eigenvalues.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!name.endsWith(".npy") && !name.endsWith(".npz")) {
                throw new UsageException("--out " + eigenvalues + ": the file must end in .npy or .npz");
            }
            Path folder = eigenvalues.toAbsolutePath().getParent();
            if (folder == null || !Files.isDirectory(folder)) {
                throw new UsageException("--out " + eigenvalues + ": the folder " + folder + " does not exist");
            }
        }
        EntropyCommand.Input x = EntropyCommand.input(o);
        DiffusionSpectralEntropy.Builder builder = EntropyCommand.builder(o).t(times[0]);
        DseResult r;
        // A .npz can hold the record of what the eigenvalues came from beside them, as entropy's cache does: it is
        // then computed on the rows the record's digest was taken of.
        boolean recorded = eigenvalues != null && eigenvalues.getFileName().toString().toLowerCase(Locale.ROOT)
                .endsWith(".npz");
        Map<String, String> record = null;
        try (ProgressBar bar = ProgressBar.forTerminal(err, "spectrum", o.has("--json"), o.has("--quiet"));
             DiffusionSpectralEntropy dse = builder.progress(bar).build()) {
            if (recorded) {
                UsedRows rows = UsedRows.of(x, EntropyCommand.maxN(o), o.integer("--seed",
                        io.dse4j.MeasureOptions.DEFAULT_SEED));
                record = CacheRecord.of(o, "dse", DiffusionSpectralEntropy.Method.EXACT, rows);
                r = rows.asComputedOnInput(dse.compute(rows.matrix()));
            } else {
                r = x.file() != null ? dse.compute(x.file()) : dse.compute(x.matrix());
            }
        }
        Spectrum spectrum = r.spectrum();
        double[] entropies = new double[times.length];
        for (int i = 0; i < times.length; i++) {
            entropies[i] = spectrum.entropy(times[i]);
        }
        if (record != null) {
            EigenvalueCache.save(eigenvalues, spectrum, record);
        } else if (eigenvalues != null) {
            EigenvalueCache.save(eigenvalues, spectrum);
        }
        String caption = String.format(Locale.ROOT, "%s: N = %d%s, D = %d, σ = %s, %s, %s · dse4j %s", x.source(),
                r.n(), r.inputRows() > r.n() ? " of " + r.inputRows() : "", r.d(), trim(r.sigma()),
                r.precision().label(), r.backend(), io.dse4j.Version.string());
        if (plotFile != null) {
            SpectrumPlot.write(plotFile, spectrum, times, "Diffusion spectrum", caption);
        }
        double[] largest = java.util.Arrays.copyOf(spectrum.eigenvalues(), Math.min(LISTED, spectrum.size()));
        if (o.has("--json")) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("measure", "spectrum");
            m.put("n", r.n());
            m.put("d", r.d());
            m.put("input_rows", r.inputRows());
            m.put("sigma", r.sigma());
            KernelOptions.describe(o, m);
            if (!o.bandwidth("--sigma", io.dse4j.MeasureOptions.DEFAULT_SIGMA).isFixed()) {
                m.put("sigma_rule", o.bandwidth("--sigma", io.dse4j.MeasureOptions.DEFAULT_SIGMA).label());
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
            m.put("eigenvalues_file", eigenvalues == null ? null : eigenvalues.toString());
            m.put("plot", plotFile == null ? null : plotFile.toString());
            m.put("precision", r.precision().label());
            m.put("backend", r.backend());
            m.put("selection", Json.selection(r.selection()));
            m.put("seconds", r.seconds());
            m.put("stages", r.stages().seconds());
            m.put("input", x.source());
            m.put("warnings", r.warnings());
            m.put("version", io.dse4j.Version.string());
            stdout.println(Json.write(m));
            return 0;
        }
        stdout.println(r.selection().describeBriefly());
        stdout.printf(Locale.ROOT, "input %s: N = %d%s, D = %d; sigma = %s%s, %s%n", x.source(), r.n(),
                r.inputRows() > r.n() ? " (subsampled from " + r.inputRows() + ")" : "", r.d(), trim(r.sigma()),
                KernelOptions.note(o), r.precision().label());
        r.warnings().forEach(w -> stdout.println("warning: " + w));
        for (int i = 0; i < times.length; i++) {
            stdout.printf(Locale.ROOT, "t = %-6s DSE = %.15g bits%n", trim(times[i]), entropies[i]);
        }
        StringBuilder top = new StringBuilder("largest eigenvalues:");
        for (double v : largest) {
            top.append(String.format(Locale.ROOT, " %.6g", v));
        }
        stdout.println(top);
        if (eigenvalues != null) {
            stdout.println("eigenvalues (" + spectrum.size() + ", largest first) saved to " + eigenvalues);
        }
        if (plotFile != null) {
            stdout.println("plot written to " + plotFile);
        }
        stdout.printf(Locale.ROOT, "time %.3f s (%s)%n", r.seconds(), r.stages());
        return 0;
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
