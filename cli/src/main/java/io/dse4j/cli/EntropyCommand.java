package io.dse4j.cli;

import io.dse4j.AdjacencySpectralEntropy;
import io.dse4j.BackendKind;
import io.dse4j.BackendSelection;
import io.dse4j.ClassicShannonEntropy;
import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.DseResult;
import io.dse4j.LinearSpectrumMeasures;
import io.dse4j.Matrix;
import io.dse4j.MatrixEntryEntropy;
import io.dse4j.Spectrum;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dse4j entropy}: Diffusion Spectral Entropy of a file or a built-in example, or another of its entropies. */
@Command(name = "entropy", mixinStandardHelpOptions = true, versionProvider = Main.VersionText.class,
        sortOptions = false,
        description = "Diffusion Spectral Entropy of a file or built-in example.",
        customSynopsis = "dse4j entropy (--input FILE | --example NAME) [options]")
final class EntropyCommand implements Callable<Integer> {

    @Mixin
    PointsOptions points;
    @Mixin
    KernelOptions kernel;
    @Mixin
    TimesOption t;
    @Mixin
    SamplingOptions sampling;
    @Mixin
    ComputeOptions compute;
    @Mixin
    ReportOptions report;
    @Option(names = "--measure", paramLabel = "M", converter = Converters.EntropyMeasureName.class,
            description = "dse | cse | matrix-entry | rankme | vne | ase-gaussian | ase-anisotropic | ase-knn "
                    + "(default dse; cse: classic Shannon entropy by binning; matrix-entry: entropy of the entries of "
                    + "P = D⁻¹K; rankme: RankMe, exp of the entropy of Z's normalised singular values (Garrido et al. "
                    + "2023, ε = 1e-7); vne: von Neumann entropy in bits of ZZᵀ/tr (linear kernel); rankme and vne "
                    + "take Z as it is, not centred; ase-*: adjacency spectral entropy of G, K or the binary k-NN "
                    + "adjacency, no t)")
    EntropyMeasure measure;
    @Option(names = "--method", paramLabel = "M", converter = Converters.MethodName.class,
            description = "exact (default) | chebyshev: the reference's Chebyshev approximation of the eigenvalues "
                    + "(entries below 1e-3 dropped, 50 moments, 100 probes drawn from --seed; on the CPU) | slq: an "
                    + "estimate of DSE with a 95 %% error bar by stochastic Lanczos quadrature (probes drawn from "
                    + "--seed; on the CPU; K recomputed tile by tile when it does not fit the heap)")
    DiffusionSpectralEntropy.Method method;
    @Option(names = "--probes", paramLabel = "P", converter = Converters.Probes.class,
            description = "probe vectors of --method slq, 4 to 4096 (default 24): the error bar shrinks as 1/√P")
    Integer probes;
    @Option(names = "--lanczos-steps", paramLabel = "S", converter = Converters.LanczosSteps.class,
            description = "Lanczos steps per probe of --method slq, 2 to 1000 (default 12)")
    Integer lanczosSteps;
    @Option(names = "--matrix-free", arity = "0", description = "--method slq recomputes K from the points for "
            + "every product even when it fits the heap (memory O(N·(D + P)))")
    boolean matrixFree;
    @Option(names = "--knn", paramLabel = "K", converter = Converters.AtLeast1.class,
            description = "neighbours per point for ase-knn, itself included (default 10)")
    Integer knn;
    @Option(names = "--bins", paramLabel = "B", converter = Converters.AtLeast1.class,
            description = "bins per dimension for cse (default 2)")
    Integer bins;
    @Option(names = "--count-above", paramLabel = "FLOOR", converter = Converters.Decimal.class,
            description = "with --measure dse and --method exact: also count the diffusion matrix's eigenvalues "
                    + "with |λ| > FLOOR (≥ 0, e.g. 1e-6), at t = 1")
    Double countAbove;
    @Option(names = "--eigenvalues-cache", paramLabel = "FILE.npz", description = "reuse the eigenvalues saved "
            + "there (key eigvals, any float dtype), or compute them and save them there (float64) when the file "
            + "does not exist, with a record of what they were computed from (measure, kernel, sigma, precision, N, "
            + "max-n, seed, a SHA-256 of the rows used): a cache whose record differs from this run is refused "
            + "naming the field; one without a record (the reference's, a .npy) is used with a warning that it "
            + "cannot be checked")
    Path eigenvaluesCache;

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
        try (ProgressBar bar = report.progressBar(err, "entropy")) {
            return run(bar);
        }
    }

    /** @param bar the progress bar to report to, or null */
    private int run(ProgressBar bar) throws IOException {
        DiffusionSpectralEntropy.Builder builder = compute.applyTo(sampling.applyTo(kernel.applyTo(
                DiffusionSpectralEntropy.builder()))).progress(bar);
        DiffusionSpectralEntropy.Method method = this.method != null ? this.method
                : DiffusionSpectralEntropy.Method.EXACT;
        boolean slq = method == DiffusionSpectralEntropy.Method.SLQ;
        builder.method(method);
        for (String option : List.of("--probes", "--lanczos-steps", "--matrix-free")) {
            if (given(option) && !slq) {
                throw new UsageException(option + " applies to --method slq only");
            }
        }
        if (probes != null) {
            builder.slqProbes(probes);
        }
        if (lanczosSteps != null) {
            builder.slqSteps(lanczosSteps);
        }
        builder.slqMatrixFree(matrixFree);
        // Every t is checked before any work, so that a bad time late in a list leaves nothing printed.
        TimesOption.Times times = t.applyTo(builder);
        if (slq && times.auto()) {
            throw new UsageException("--t auto chooses t from all the eigenvalues, which --method slq does not "
                    + "compute; give t as a number or a list");
        }
        if (slq) {
            // The library checks the result's t when it computes; the further ones of a list are this command's.
            int steps = lanczosSteps != null ? lanczosSteps : io.dse4j.MeasureOptions.DEFAULT_SLQ_STEPS;
            for (double time : times.values()) {
                if (time > 2.0 * steps) {
                    throw new UsageException("--t " + Reporter.trim(time) + " is beyond what --method slq with "
                            + steps + " Lanczos steps answers for (t ≤ 2 × steps); give --lanczos-steps "
                            + (int) Math.ceil(time / 2) + " or more");
                }
            }
        }
        if (slq && eigenvaluesCache != null) {
            throw new UsageException("--eigenvalues-cache holds eigenvalues, which --method slq does not compute");
        }
        PointsOptions.Input x = points.input();
        EntropyMeasure measure = this.measure != null ? this.measure : EntropyMeasure.DSE;
        if (eigenvaluesCache != null && !measure.spectral()) {
            throw new UsageException("--eigenvalues-cache applies to the spectral measures (dse, ase-*), not to "
                    + measure.label());
        }
        if (this.method != null && measure != EntropyMeasure.DSE) {
            throw new UsageException("--method applies to --measure dse only");
        }
        if (knn != null && measure != EntropyMeasure.ASE_KNN) {
            throw new UsageException("--knn applies to --measure ase-knn only");
        }
        if (bins != null && measure != EntropyMeasure.CSE) {
            throw new UsageException("--bins applies to --measure cse only");
        }
        if (countAbove != null) {
            if (measure != EntropyMeasure.DSE) {
                throw new UsageException("--count-above counts the diffusion matrix's eigenvalues: it applies to "
                        + "--measure dse only");
            }
            if (method != DiffusionSpectralEntropy.Method.EXACT) {
                throw new UsageException("--count-above counts the exact eigenvalues, which --method "
                        + method.label() + (slq ? " does not compute" : " only estimates") + "; leave out --method "
                        + "or give --method exact");
            }
            if (countAbove < 0) {
                throw new UsageException("--count-above must be a number ≥ 0, got " + Reporter.trim(countAbove));
            }
        }
        if (measure.ignored() != null) {
            measure.ignored().refuseGiven(spec.commandLine().getParseResult(), measure.label());
        }
        Reporter reporter = report.reporter(out);
        if (measure == EntropyMeasure.CSE || measure == EntropyMeasure.MATRIX_ENTRY || measure.linear()) {
            withoutEigenvalues(measure, x, builder, reporter);
            return 0;
        }
        DseResult r;
        if (eigenvaluesCache != null) {
            Path cache = cacheFile(eigenvaluesCache);
            Optional<EigenvalueCache.Contents> cached = EigenvalueCache.read(cache);
            if (cached.isPresent() && cached.get().record() == null) {
                // The reference's own caches carry no record: usable, but only their size can be checked.
                String warning = cache + " holds no record of what its eigenvalues were computed from (the "
                        + "reference's cache format, or a .npy); it cannot be checked against this run beyond its "
                        + "size: make sure it was computed from these points with these options";
                err.println("dse4j: warning: " + warning);
                fromCache(cached.get().spectrum(), cache, measure, x, times, reporter, List.of(warning));
                return 0;
            }
            UsedRows rows = UsedRows.of(x, sampling.maxN(), sampling.seed());
            Map<String, String> record = CacheRecord.of(measure, method, knn(), kernel, compute, sampling, rows);
            if (cached.isPresent()) {
                List<String> differences = EigenvalueCache.differences(cached.get().record(), record);
                if (!differences.isEmpty()) {
                    throw new UsageException("--eigenvalues-cache " + cache + " holds the eigenvalues of another "
                            + "computation (" + String.join("; ", differences) + "); they would give a wrong "
                            + "answer here: delete the file, or give another --eigenvalues-cache file");
                }
                fromCache(cached.get().spectrum(), cache, measure, x, times, reporter, List.of());
                return 0;
            }
            // Computed on the very rows the digest was taken of, so the record names the data exactly.
            r = rows.asComputedOnInput(computeSpectral(measure, rows.asInput(x.source()), builder));
            EigenvalueCache.save(cache, r.spectrum(), record);
        } else {
            r = computeSpectral(measure, x, builder);
        }
        reporter.entropy(r, measure, x.source(), times, kernel, sampling, countAbove);
        return 0;
    }

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private int knn() {
        return knn != null ? knn : AdjacencySpectralEntropy.DEFAULT_KNN;
    }

    /**
     * The --eigenvalues-cache file, checked before any work: dse4j writes a cache only as a {@code .npz}, which can
     * hold the record beside the eigenvalues; an existing {@code .npy} (spectrum --out) is read as it is.
     */
    private static Path cacheFile(Path cache) {
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
    private DseResult computeSpectral(EntropyMeasure measure, PointsOptions.Input x,
                                      DiffusionSpectralEntropy.Builder builder) throws IOException {
        if (measure == EntropyMeasure.DSE) {
            try (DiffusionSpectralEntropy dse = builder.build()) {
                return x.file() != null ? dse.compute(x.file()) : dse.compute(x.matrix());
            }
        }
        AdjacencySpectralEntropy.Builder adjacency = AdjacencySpectralEntropy.builder(measure.variant())
                .options(builder.options());
        if (measure.variant() == AdjacencySpectralEntropy.Variant.KNN) {
            adjacency.knn(knn());     // the neighbours are an option of the k-NN adjacency alone
        }
        try (AdjacencySpectralEntropy ase = adjacency.build()) {
            return x.file() != null ? ase.compute(x.file()) : ase.compute(x.matrix());
        }
    }

    /** The entropy from cached eigenvalues: no kernel, no decomposition (as the reference does with its cache). */
    private void fromCache(Spectrum spectrum, Path cache, EntropyMeasure measure, PointsOptions.Input x,
                           TimesOption.Times times, Reporter reporter, List<String> warnings) {
        // A cache holds one eigenvalue per point of the kernel it came from: a different count means another input
        // (or another --max-n), whose entropy this is not.
        int points = Math.min(x.rows(), sampling.maxN());
        if (spectrum.size() != points) {
            throw new UsageException(cache + " holds " + spectrum.size() + " eigenvalues, but this input's kernel has "
                    + points + " points (N = " + x.rows() + ", --max-n " + sampling.maxN() + "); it was saved for "
                    + "another input: delete it, or give another --eigenvalues-cache file");
        }
        long start = System.nanoTime();
        double time = measure != EntropyMeasure.DSE ? 1.0 : times.auto() ? spectrum.autoTime() : times.values()[0];
        double entropy = spectrum.entropy(time);
        double seconds = (System.nanoTime() - start) * 1e-9;
        reporter.entropyFromCache(spectrum, time, entropy, seconds, "eigenvalues loaded from " + cache, measure, x,
                times, compute.requested(), warnings, countAbove);
    }

    /**
     * The measures that need no eigenvalues of a kernel, of the input subsampled to --max-n rows first as the reference
     * does: classic Shannon entropy (binning; counting, on the CPU), the matrix-entry entropy (on the chosen backend),
     * and RankMe and the von Neumann entropy (Z's singular values, on the CPU).
     */
    private void withoutEigenvalues(EntropyMeasure measure, PointsOptions.Input x,
                                    DiffusionSpectralEntropy.Builder builder, Reporter reporter) throws IOException {
        int binsPerDimension = bins != null ? bins : 2;
        long start = System.nanoTime();
        int[] rows = x.rows() > sampling.maxN() ? DiffusionSpectralEntropy.subsampleRows(x.rows(), sampling.maxN(),
                sampling.seed()) : null;
        double entropy;
        BackendSelection selection;
        if (measure == EntropyMeasure.CSE || measure.linear()) {
            // A file's subsample rows alone are read; the measure then sees exactly them, as it would in memory.
            Matrix used = x.file() == null ? x.matrix() : rows == null ? x.file().read() : x.file().readRows(rows);
            int[] usedRows = x.file() == null ? rows : null;
            if (measure.linear()) {
                LinearSpectrumMeasures spectrum = LinearSpectrumMeasures.of(used, usedRows, compute.threads());
                selection = new BackendSelection(BackendKind.CPU, BackendSelection.Source.DEFAULT, "cpu",
                        List.of(measure.label() + " takes Z's singular values from the CPU's eigensolver"));
                reporter.linearSpectrum(measure, spectrum, x, selection, (System.nanoTime() - start) * 1e-9);
                return;
            }
            entropy = usedRows == null ? ClassicShannonEntropy.entropy(used, binsPerDimension)
                    : ClassicShannonEntropy.entropy(used, usedRows, binsPerDimension);
            selection = new BackendSelection(BackendKind.CPU, BackendSelection.Source.DEFAULT, "cpu",
                    List.of("cse is counting; it runs on the CPU"));
        } else {
            try (MatrixEntryEntropy mee = MatrixEntryEntropy.builder().options(builder.options()).build()) {
                entropy = x.file() != null ? mee.compute(x.file()) : mee.compute(x.matrix());
                selection = mee.selection();
            }
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        reporter.entropyWithoutEigenvalues(measure, entropy, rows == null ? x.rows() : rows.length, x,
                binsPerDimension, selection, seconds);
    }
}
