package io.dse4j.cli;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.DseResult;
import io.dse4j.Matrix;
import io.dse4j.io.MatrixFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code dse4j entropy}: Diffusion Spectral Entropy of a file or a built-in example.
 *
 * <p>The annotated fields declare the options to picocli (parsing, {@code --help}, completion); the command reads
 * their values by name through {@link Options}, which checks each against its allowed range.
 */
@Command(name = "entropy", mixinStandardHelpOptions = true, versionProvider = Main.VersionText.class,
        sortOptions = false,
        description = "Diffusion Spectral Entropy of a file or built-in example.",
        customSynopsis = "dse4j entropy (--input FILE | --example NAME) [options]")
final class EntropyCommand implements Callable<Integer> {

    @Mixin
    PointsOptions points;
    @Mixin
    KernelOptions kernelShape;
    @Option(names = "--sigma", paramLabel = "S", description = "Gaussian kernel bandwidth: a number (default 10), "
            + "median (the median distance between the points) or knn:K (the mean distance to the K-th neighbour)")
    String sigma;
    @Option(names = "--t", paramLabel = "T", description = "diffusion time, a real ≥ 0 (default 1); a list (1,2,5,10) "
            + "gives the DSE at each from one decomposition; auto: the smallest integer t at which at most 1 %% of the "
            + "powered eigenvalues stay above 0.01")
    String t;
    @Option(names = "--max-n", paramLabel = "M", description = "subsample larger inputs to M rows (default 10000)")
    String maxN;
    @Option(names = "--seed", paramLabel = "K", description = "seed of that subsampling (default 0)")
    String seed;
    @Mixin
    Main.ComputeOptions compute;
    @Option(names = "--measure", paramLabel = "M", description = {
        "dse | cse | matrix-entry | ase-gaussian | ase-anisotropic | ase-knn (default dse; cse: classic Shannon "
                + "entropy by binning; matrix-entry: entropy of the entries of P = D⁻¹K; ase-*: adjacency spectral "
                + "entropy of G, K or the binary k-NN adjacency, no t)"})
    String measure;
    @Option(names = "--method", paramLabel = "M", description = "exact (default) | chebyshev: the reference's "
            + "Chebyshev approximation of the eigenvalues (entries below 1e-3 dropped, 50 moments, 100 probes drawn "
            + "from --seed; on the CPU) | slq: an estimate of DSE with a 95 %% error bar by stochastic Lanczos "
            + "quadrature (probes drawn from --seed; on the CPU; K recomputed tile by tile when it does not fit "
            + "the heap)")
    String method;
    @Option(names = "--probes", paramLabel = "P", description = "probe vectors of --method slq, 4 to 4096 "
            + "(default 24): the error bar shrinks as 1/√P")
    String probes;
    @Option(names = "--lanczos-steps", paramLabel = "S", description = "Lanczos steps per probe of --method slq, "
            + "2 to 1000 (default 12)")
    String lanczosSteps;
    @Option(names = "--matrix-free", arity = "0", description = "--method slq recomputes K from the points for "
            + "every product even when it fits the heap (memory O(N·(D + P)))")
    boolean matrixFree;
    @Option(names = "--knn", paramLabel = "K", description = "neighbours per point for ase-knn, itself included "
            + "(default 10)")
    String knn;
    @Option(names = "--bins", paramLabel = "B", description = "bins per dimension for cse (default 2)")
    String bins;
    @Option(names = "--eigenvalues-cache", paramLabel = "FILE.npz", description = "reuse the eigenvalues saved "
            + "there (key eigvals, any float dtype), or compute them and save them there (float64) when the file "
            + "does not exist, with a record of what they were computed from (measure, kernel, sigma, precision, N, "
            + "max-n, seed, a SHA-256 of the rows used): a cache whose record differs from this run is refused "
            + "naming the field; one without a record (the reference's, a .npy) is used with a warning that it "
            + "cannot be checked")
    String eigenvaluesCache;

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;

    EntropyCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        Options o = Options.of(spec.commandLine().getParseResult());
        try (ProgressBar bar = ProgressBar.forTerminal(err, "entropy", o.has("--json"), o.has("--quiet"))) {
            return run(o, out, err, bar);
        }
    }

    /** Options that a measure does not use, and what it uses instead. */
    record Ignored(List<String> options, String why) {
    }

    /**
     * The options of this command that each measure besides dse ignores (--knn, --bins, --method and
     * --eigenvalues-cache are refused by their own checks), read from what each computation takes: cse bins and counts
     * on the CPU (ClassicShannonEntropy takes the matrix and the bins); matrix-entry takes σ alone, no kernel form
     * (MatrixEntryEntropy calls the backend's Gaussian) and no t; every ASE variant has no t (it is fixed at 1);
     * ase-knn's 0/1 adjacency has no σ or kernel form and is computed in double whatever --precision says.
     */
    static final Map<String, Ignored> IGNORED = Map.of(
            "cse", new Ignored(List.of("--sigma", "--t", "--kernel", "--alpha", "--precision", "--backend", "--device",
                    "--threads"), "cse bins the coordinates and counts, on the CPU: no kernel, no diffusion time"),
            "matrix-entry", new Ignored(List.of("--t", "--kernel", "--alpha"),
                    "matrix-entry takes the entries of P = D⁻¹K of the Gaussian kernel at σ: no diffusion time, no "
                            + "other kernel form"),
            "ase-gaussian", new Ignored(List.of("--t"), "adjacency spectral entropy has no diffusion time"),
            "ase-anisotropic", new Ignored(List.of("--t"), "adjacency spectral entropy has no diffusion time"),
            "ase-knn", new Ignored(List.of("--t", "--sigma", "--kernel", "--alpha", "--precision"),
                    "ase-knn uses the 0/1 k-NN adjacency (--knn), computed in double: no σ, no kernel form, no "
                            + "diffusion time"));

    /** ForkJoinPool's limit, which the library's thread setting enforces too. */
    static final int MAX_THREADS = 32767;

    static int maxN(Options o) {
        return o.intValue("--max-n", io.dse4j.MeasureOptions.DEFAULT_MAX_N, 2, Integer.MAX_VALUE);
    }

    /** @param bar the progress bar to report to, or null */
    /**
     * The DSE options that {@code entropy} and {@code spectrum} share: σ (a number or a rule), max-n, seed,
     * precision, backend, threads and the kernel's form.
     */
    static DiffusionSpectralEntropy.Builder builder(Options o) {
        DiffusionSpectralEntropy.Builder builder = DiffusionSpectralEntropy.builder()
                .bandwidth(o.bandwidth("--sigma", io.dse4j.MeasureOptions.DEFAULT_SIGMA))
                .maxN(maxN(o))
                .seed(o.integer("--seed", io.dse4j.MeasureOptions.DEFAULT_SEED))
                .precision(o.string("--precision", "f64"));
        if (o.has("--backend")) {
            builder.backend(o.string("--backend", null));
        }
        if (o.has("--device")) {
            builder.device(o.intValue("--device", 0, 0, Integer.MAX_VALUE));
        }
        if (o.has("--threads")) {
            builder.threads(o.intValue("--threads", 0, 1, MAX_THREADS));
        }
        KernelOptions.apply(o, builder);
        return builder;
    }

    static int run(Options o, PrintStream out, PrintStream err, ProgressBar bar) throws IOException {
        DiffusionSpectralEntropy.Builder builder = builder(o).progress(bar);
        DiffusionSpectralEntropy.Method method = DiffusionSpectralEntropy.Method.parse(o.string("--method", "exact"));
        builder.method(method);
        for (String option : List.of("--probes", "--lanczos-steps", "--matrix-free")) {
            if (o.has(option) && method != DiffusionSpectralEntropy.Method.SLQ) {
                throw new UsageException(option + " applies to --method slq only");
            }
        }
        if (o.has("--probes")) {
            builder.slqProbes(o.intValue("--probes", io.dse4j.MeasureOptions.DEFAULT_SLQ_PROBES, 4, 4096));
        }
        if (o.has("--lanczos-steps")) {
            builder.slqSteps(o.intValue("--lanczos-steps", io.dse4j.MeasureOptions.DEFAULT_SLQ_STEPS, 2, 1000));
        }
        builder.slqMatrixFree(o.has("--matrix-free"));
        Times times = Times.of(o);
        if (method == DiffusionSpectralEntropy.Method.SLQ && times.auto()) {
            throw new UsageException("--t auto chooses t from all the eigenvalues, which --method slq does not "
                    + "compute; give t as a number or a list");
        }
        if (method == DiffusionSpectralEntropy.Method.SLQ && !times.auto()) {
            int steps = o.intValue("--lanczos-steps", io.dse4j.MeasureOptions.DEFAULT_SLQ_STEPS, 2, 1000);
            for (double time : times.values()) {
                if (time > 2.0 * steps) {
                    throw new UsageException("--t " + trim(time) + " is beyond what --method slq with " + steps
                            + " Lanczos steps answers for (t ≤ 2 × steps); give --lanczos-steps "
                            + (int) Math.ceil(time / 2) + " or more");
                }
            }
        }
        if (method == DiffusionSpectralEntropy.Method.SLQ && o.has("--eigenvalues-cache")) {
            throw new UsageException("--eigenvalues-cache holds eigenvalues, which --method slq does not compute");
        }
        if (times.auto()) {
            builder.autoTime();
        } else {
            builder.t(times.values()[0]);
        }
        Input x = input(o);
        String source = x.source();
        String measure = o.string("--measure", "dse").toLowerCase(java.util.Locale.ROOT);
        if (!List.of("dse", "cse", "matrix-entry", "ase-gaussian", "ase-anisotropic", "ase-knn").contains(measure)) {
            throw new UsageException("--measure must be one of dse, cse, matrix-entry, ase-gaussian, "
                    + "ase-anisotropic, ase-knn; got '" + measure + "'");
        }
        if (o.has("--eigenvalues-cache") && !measure.equals("dse") && !measure.startsWith("ase-")) {
            throw new UsageException("--eigenvalues-cache applies to the spectral measures (dse, ase-*), not to "
                    + measure);
        }
        if (o.has("--method") && !measure.equals("dse")) {
            throw new UsageException("--method applies to --measure dse only");
        }
        if (o.has("--knn") && !measure.equals("ase-knn")) {
            throw new UsageException("--knn applies to --measure ase-knn only");
        }
        if (o.has("--bins") && !measure.equals("cse")) {
            throw new UsageException("--bins applies to --measure cse only");
        }
        Ignored ignored = IGNORED.get(measure);
        if (ignored != null) {
            o.refuseIgnored(ignored.options(), measure, ignored.why());
        }
        if (measure.equals("cse") || measure.equals("matrix-entry")) {
            return withoutEigenvalues(measure, x, source, builder, o, out);
        }
        Path cache = o.has("--eigenvalues-cache") ? cacheFile(o) : null;
        DseResult r;
        if (cache != null) {
            var cached = io.dse4j.io.EigenvalueCache.read(cache);
            if (cached.isPresent() && cached.get().record() == null) {
                // The reference's own caches carry no record: usable, but only their size can be checked.
                String warning = cache + " holds no record of what its eigenvalues were computed from (the "
                        + "reference's cache format, or a .npy); it cannot be checked against this run beyond its "
                        + "size: make sure it was computed from these points with these options";
                err.println("dse4j: warning: " + warning);
                return fromCache(cached.get().spectrum(), cache, measure, x, source, o, out, List.of(warning));
            }
            UsedRows rows = UsedRows.of(x, maxN(o), o.integer("--seed", io.dse4j.MeasureOptions.DEFAULT_SEED));
            Map<String, String> record = CacheRecord.of(o, measure, method, rows);
            if (cached.isPresent()) {
                List<String> differences = io.dse4j.io.EigenvalueCache.differences(cached.get().record(), record);
                if (!differences.isEmpty()) {
                    throw new UsageException("--eigenvalues-cache " + cache + " holds the eigenvalues of another "
                            + "computation (" + String.join("; ", differences) + "); they would give a wrong "
                            + "answer here: delete the file, or give another --eigenvalues-cache file");
                }
                return fromCache(cached.get().spectrum(), cache, measure, x, source, o, out, List.of());
            }
            // Computed on the very rows the digest was taken of, so the record names the data exactly.
            r = rows.asComputedOnInput(computeSpectral(measure, rows.asInput(source), builder, o));
            io.dse4j.io.EigenvalueCache.save(cache, r.spectrum(), record);
        } else {
            r = computeSpectral(measure, x, builder, o);
        }
        if (o.has("--json")) {
            Map<String, Object> m = json(r, measure, source, o);
            times.addTo(m, r, measure);
            out.println(Json.write(m));
        } else {
            report(r, measure, source, times, KernelOptions.note(o), out);
        }
        return 0;
    }

    /**
     * The --eigenvalues-cache file, checked before any work: dse4j writes a cache only as a {@code .npz}, which can
     * hold the record beside the eigenvalues; an existing {@code .npy} (spectrum --out) is read as it is.
     */
    private static Path cacheFile(Options o) {
        Path cache = Path.of(o.string("--eigenvalues-cache", null));
        String name = cache.getFileName() == null ? "" : cache.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isDirectory(cache)) {
            throw new UsageException("--eigenvalues-cache " + cache + " is a folder; give a .npz file");
        }
        if (name.endsWith(".npy") && !Files.exists(cache)) {
            throw new UsageException("--eigenvalues-cache " + cache + ": dse4j saves its caches as .npz, which "
                    + "holds the record of what the eigenvalues were computed from beside them (a .npy holds one "
                    + "array only, so a later run could not check it); give a .npz name");
        }
        if (!name.endsWith(".npz") && !name.endsWith(".npy")) {
            throw new UsageException("--eigenvalues-cache " + cache + ": the file must end in .npz (or be an "
                    + "existing .npy of eigenvalues)");
        }
        Path folder = cache.toAbsolutePath().getParent();
        if (!Files.exists(cache) && (folder == null || !Files.isDirectory(folder))) {
            throw new UsageException("--eigenvalues-cache " + cache + ": the folder " + folder + " does not exist");
        }
        return cache;
    }

    /** The eigenvalue measures (dse, ase-*) of the input. */
    private static DseResult computeSpectral(String measure, Input x, DiffusionSpectralEntropy.Builder builder,
                                             Options o) throws IOException {
        DseResult r;
        switch (measure) {
            case "dse" -> {
                try (DiffusionSpectralEntropy dse = builder.build()) {
                    r = x.file() != null ? dse.compute(x.file()) : dse.compute(x.matrix());
                }
            }
            case "ase-gaussian", "ase-anisotropic", "ase-knn" -> {
                var variant = switch (measure) {
                    case "ase-gaussian" -> io.dse4j.AdjacencySpectralEntropy.Variant.GAUSSIAN;
                    case "ase-anisotropic" -> io.dse4j.AdjacencySpectralEntropy.Variant.ANISOTROPIC;
                    default -> io.dse4j.AdjacencySpectralEntropy.Variant.KNN;
                };
                try (var ase = io.dse4j.AdjacencySpectralEntropy.builder(variant).options(builder.options())
                        .knn(o.intValue("--knn", io.dse4j.AdjacencySpectralEntropy.DEFAULT_KNN, 1, Integer.MAX_VALUE))
                        .build()) {
                    r = x.file() != null ? ase.compute(x.file()) : ase.compute(x.matrix());
                }
            }
            default -> throw new UsageException("--measure must be one of dse, cse, matrix-entry, ase-gaussian, "
                    + "ase-anisotropic, ase-knn; got '" + measure + "'");
        }
        return r;
    }

    /** The entropy from cached eigenvalues: no kernel, no decomposition (as the reference does with its cache). */
    private static int fromCache(io.dse4j.Spectrum spectrum, Path cache, String measure, Input x, String source,
                                 Options o, PrintStream out, List<String> warnings) {
        // A cache holds one eigenvalue per point of the kernel it came from: a different count means another input
        // (or another --max-n), whose entropy this is not.
        int points = Math.min(x.rows(), maxN(o));
        if (spectrum.size() != points) {
            throw new UsageException(cache + " holds " + spectrum.size() + " eigenvalues, but this input's kernel has "
                    + points + " points (N = " + x.rows() + ", --max-n " + maxN(o) + "); it was saved for another"
                    + " input: delete it, or give another --eigenvalues-cache file");
        }
        long start = System.nanoTime();
        Times times = Times.of(o);
        double t = !measure.equals("dse") ? 1.0 : times.auto() ? spectrum.autoTime() : times.values()[0];
        double entropy = spectrum.entropy(t);
        double seconds = (System.nanoTime() - start) * 1e-9;
        String reason = "eigenvalues loaded from " + cache;
        if (o.has("--json")) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("measure", measure);
            m.put("entropy", entropy);
            m.put("n", spectrum.size());
            m.put("d", x.cols());
            m.put("input_rows", x.rows());
            m.put("t", t);
            m.put("backend", "cache");
            m.put("selection", Map.of("requested", o.string("--backend", "auto"), "source", "eigenvalue cache",
                    "chosen", "cache", "reasons", List.of(reason)));
            m.put("seconds", seconds);
            m.put("stages", Map.of("entropy", seconds));
            m.put("input", source);
            m.put("warnings", warnings);
            m.put("version", io.dse4j.Version.string());
            times.addTo(m, spectrum, measure);
            out.println(Json.write(m));
        } else {
            out.println("backend none (" + reason + ")");
            out.printf(Locale.ROOT, "%s = %.15g bits (N = %d, t = %s)%n", measure.toUpperCase(Locale.ROOT), entropy,
                    spectrum.size(), trim(t));
            times.report(spectrum, measure, out);
        }
        return 0;
    }

    /**
     * The measures that need no eigenvalues, of the input subsampled to --max-n rows first as the reference does:
     * classic Shannon entropy (binning; counting, on the CPU) and the matrix-entry entropy (on the chosen backend).
     */
    private static int withoutEigenvalues(String measure, Input x, String source,
                                          DiffusionSpectralEntropy.Builder builder, Options o, PrintStream out)
            throws IOException {
        int bins = o.intValue("--bins", 2, 1, Integer.MAX_VALUE);
        int maxN = maxN(o);
        long seed = o.integer("--seed", io.dse4j.MeasureOptions.DEFAULT_SEED);
        long start = System.nanoTime();
        int[] rows = x.rows() > maxN ? DiffusionSpectralEntropy.subsampleRows(x.rows(), maxN, seed) : null;
        double entropy;
        io.dse4j.BackendSelection selection;
        if (measure.equals("cse")) {
            if (x.file() != null) {
                // The subsample's rows alone are read; the binning then sees exactly them, as it would in memory.
                Matrix used = rows == null ? x.file().read() : x.file().readRows(rows);
                entropy = io.dse4j.ClassicShannonEntropy.entropy(used, bins);
            } else {
                entropy = rows == null ? io.dse4j.ClassicShannonEntropy.entropy(x.matrix(), bins)
                        : io.dse4j.ClassicShannonEntropy.entropy(x.matrix(), rows, bins);
            }
            selection = new io.dse4j.BackendSelection(io.dse4j.BackendKind.CPU,
                    io.dse4j.BackendSelection.Source.DEFAULT, "cpu", List.of("cse is counting; it runs on the CPU"));
        } else {
            try (var mee = io.dse4j.MatrixEntryEntropy.builder().options(builder.options()).build()) {
                entropy = x.file() != null ? mee.compute(x.file()) : mee.compute(x.matrix());
                selection = mee.selection();
            }
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        int n = rows == null ? x.rows() : rows.length;
        if (o.has("--json")) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("measure", measure);
            m.put("entropy", entropy);
            m.put("n", n);
            m.put("d", x.cols());
            m.put("input_rows", x.rows());
            if (measure.equals("cse")) {
                m.put("bins", bins);
            }
            m.put("backend", selection.chosen());
            m.put("selection", Json.selection(selection));
            m.put("seconds", seconds);
            m.put("stages", Map.of("entropy", seconds));
            m.put("input", source);
            m.put("version", io.dse4j.Version.string());
            out.println(Json.write(m));
        } else {
            out.println(selection.describeBriefly());
            out.printf(Locale.ROOT, "%s = %.15g bits (N = %d, D = %d)%n", measure.toUpperCase(Locale.ROOT), entropy, n,
                    x.cols());
            out.printf(Locale.ROOT, "time %.3f s%n", seconds);
        }
        return 0;
    }

    private static Map<String, Object> json(DseResult r, String measure, String source, Options o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("measure", measure);
        m.put("entropy", r.entropy());
        m.put("n", r.n());
        m.put("d", r.d());
        m.put("input_rows", r.inputRows());
        m.put("sigma", r.sigma());
        String rule = o.bandwidth("--sigma", io.dse4j.MeasureOptions.DEFAULT_SIGMA).isFixed() ? null
                : o.bandwidth("--sigma", io.dse4j.MeasureOptions.DEFAULT_SIGMA).label();
        if (rule != null) {
            m.put("sigma_rule", rule);
        }
        KernelOptions.describe(o, m);
        m.put("method", r.method().label());
        if (r.estimate() != null) {
            io.dse4j.EntropyEstimate e = r.estimate();
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
        m.put("max_n", maxN(o));
        m.put("seed", o.integer("--seed", io.dse4j.MeasureOptions.DEFAULT_SEED));
        m.put("precision", r.precision().label());
        m.put("backend", r.backend());
        m.put("selection", Json.selection(r.selection()));
        m.put("seconds", r.seconds());
        m.put("stages", r.stages().seconds());
        m.put("input", source);
        m.put("warnings", r.warnings());
        m.put("version", io.dse4j.Version.string());
        return m;
    }

    private static void report(DseResult r, String measure, String source, Times times, String rule,
                               PrintStream out) {
        out.println(r.selection().describeBriefly());
        if (r.estimate() != null) {
            io.dse4j.EntropyEstimate e = r.estimate();
            int deflated = e.deflatedEigenvalues().length;
            out.printf(Locale.ROOT, "%s = %.6f ± %.2g bits (95 %%; SLQ estimate: %d probes × %d Lanczos steps, %d "
                            + "%s deflated, %s)%n", measure.toUpperCase(Locale.ROOT), r.entropy(),
                    r.errorBar(), e.probes(), e.lanczosSteps(), deflated, deflated == 1 ? "eigenvalue" : "eigenvalues",
                    e.matrixFree() ? "K recomputed for each of " + e.passes() + " products" : "K held in memory");
        } else {
            out.printf(Locale.ROOT, "%s = %.15g bits%n", measure.toUpperCase(Locale.ROOT), r.entropy());
        }
        times.report(r, measure, out);
        out.printf(Locale.ROOT, "input %s: N = %d%s, D = %d; sigma = %s%s, t = %s, %s%n", source, r.n(),
                r.inputRows() > r.n() ? " (subsampled from " + r.inputRows() + ")" : "", r.d(),
                trim(r.sigma()), rule, trim(r.t()), r.precision().label());
        r.warnings().forEach(w -> out.println("warning: " + w));
        out.printf(Locale.ROOT, "time %.3f s (%s)%n", r.seconds(), r.stages());
    }

    /**
     * The --t of a DSE: one time, a list (the first is the result's t; each gets its DSE from the same spectrum), or
     * auto ({@link io.dse4j.Spectrum#autoTime()}).
     */
    record Times(boolean auto, double[] values) {
        static Times of(Options o) {
            if ("auto".equalsIgnoreCase(o.string("--t", "").trim())) {
                return new Times(true, null);
            }
            double[] values = o.numbers("--t", io.dse4j.MeasureOptions.DEFAULT_T);
            for (double time : values) {
                if (!(time >= 0)) {
                    // Checked before any work, so that a bad time late in a list leaves nothing printed.
                    throw new UsageException("t: must be a finite number ≥ 0, got " + time);
                }
            }
            return new Times(false, values);
        }

        /** As {@link #addTo(Map, io.dse4j.Spectrum, String)} for a result: from its spectrum or its estimate. */
        void addTo(Map<String, Object> m, DseResult r, String measure) {
            if (r.estimate() == null) {
                addTo(m, r.spectrum(), measure);
            } else if (measure.equals("dse") && values.length > 1) {
                List<Map<String, Object>> each = new java.util.ArrayList<>();
                for (double time : values) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("t", time);
                    e.put("entropy", r.estimate().entropy(time));
                    e.put("error_bar", r.estimate().errorBar(time));
                    each.add(e);
                }
                m.put("entropies", each);
            }
        }

        /** As {@link #report(io.dse4j.Spectrum, String, PrintStream)} for a result. */
        void report(DseResult r, String measure, PrintStream out) {
            if (r.estimate() == null) {
                report(r.spectrum(), measure, out);
            } else if (measure.equals("dse")) {
                for (int i = 1; i < values.length; i++) {
                    out.printf(Locale.ROOT, "  at t = %s: DSE = %.6f ± %.2g bits%n", trim(values[i]),
                            r.estimate().entropy(values[i]), r.estimate().errorBar(values[i]));
                }
            }
        }

        /** JSON: {@code t_rule} "auto" when chosen so; {@code entropies} (t, entropy) for a list of several. */
        void addTo(Map<String, Object> m, io.dse4j.Spectrum spectrum, String measure) {
            if (!measure.equals("dse")) {
                return;
            }
            if (auto) {
                m.put("t_rule", "auto");
            } else if (values.length > 1) {
                List<Map<String, Object>> each = new java.util.ArrayList<>();
                for (double time : values) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("t", time);
                    e.put("entropy", spectrum.entropy(time));
                    each.add(e);
                }
                m.put("entropies", each);
            }
        }

        /** The report's line per further t of a list, or the rule that chose t. */
        void report(io.dse4j.Spectrum spectrum, String measure, PrintStream out) {
            if (!measure.equals("dse")) {
                return;
            }
            if (auto) {
                out.println("t chosen by --t auto: at most 1 % of the powered eigenvalues stay above 0.01");
            } else {
                for (int i = 1; i < values.length; i++) {
                    out.printf(Locale.ROOT, "  at t = %s: DSE = %.15g bits%n", trim(values[i]),
                            spectrum.entropy(values[i]));
                }
            }
        }
    }

    /** The points that --input (its header read, no data yet) or --example (generated) names. */
    static Input input(Options o) throws IOException {
        if (o.has("--input") == o.has("--example")) {
            throw new UsageException("give exactly one of --input FILE or --example NAME");
        }
        if (o.has("--input")) {
            if (o.has("--n") || o.has("--d") || o.has("--example-seed")) {
                throw new UsageException("--n, --d and --example-seed apply to --example only");
            }
            Path file = Path.of(o.string("--input", null));
            // Only the header now: each measure reads just the rows it uses (a subsample beyond --max-n).
            return new Input(file.toString(), MatrixFiles.open(file, o.string("--key", null)), null);
        }
        if (o.has("--key")) {
            throw new UsageException("--key applies to --input FILE.npz or FILE.safetensors only");
        }
        String name = o.string("--example", null);
        // The defaults apply only when an option is absent: an explicit --d 0 is an error, not "default".
        int n = o.intValue("--n", ExampleData.DEFAULT_N, 2, Integer.MAX_VALUE);
        int d = o.intValue("--d", ExampleData.defaultDims(name), 1, Integer.MAX_VALUE);
        return new Input("example:" + name, null, ExampleData.generate(name, n, d, o.integer("--example-seed", 0)));
    }

    /** The points: a file (only its header read so far) or a generated example in memory. */
    record Input(String source, io.dse4j.io.MatrixFile file, Matrix matrix) {
        int rows() {
            return file != null ? file.rows() : matrix.rows();
        }

        int cols() {
            return file != null ? file.cols() : matrix.cols();
        }
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
