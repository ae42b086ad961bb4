package io.dse4j;

import io.dse4j.internal.BackendRouter;
import io.dse4j.spi.KernelKind;
import io.dse4j.spi.ProgressSink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Diffusion Spectral Mutual Information (DSMI) and its classic counterpart CSMI, as the official {@code dse-dsmi}
 * package defines them:
 *
 * <pre>
 *   MI(Z; Y) = Σ_b p(b)·[ mean over r = 1..R of H(Z*_r) − H(Z | Y = b) ]
 * </pre>
 *
 * where the classes b come from Y (discrete labels, a binned scalar, or precomputed labels), p(b) = count(b)/N,
 * H(Z | Y = b) is the entropy of the rows of class b, and Z*_r are R random subsets of Z (without replacement) of the
 * class's size. H is DSE for DSMI, CSE (binning) for CSMI, and the matrix-entry or adjacency spectral entropies for
 * their MI forms ({@link Measure}). Defaults as the reference: σ = 10, t = 1, R = 5, 10
 * clusters for a scalar Y, seed 0, 2 bins for CSE; no maxN subsampling.
 *
 * <p>Subsets are drawn from one {@link SplittableRandom}(seed), classes in ascending label order, so they differ from
 * the reference's {@code random.sample} (which also re-seeds for every class); {@link #compute(Matrix, int[], int[][][])}
 * replays any given subsets exactly. A class with a single row is skipped with a warning: in the reference both of
 * its entropies are those of one point, so its term is exactly 0.
 *
 * <p>An instance holds a backend until {@link #close()}; afterwards every compute method throws
 * {@link IllegalStateException} ("this MutualInformation is closed"). Interrupting the computing thread stops it
 * with {@link ComputationInterruptedException}, as for {@link DiffusionSpectralEntropy}.
 */
public final class MutualInformation implements AutoCloseable {

    /** Which entropy the mutual information is built from. */
    public enum Measure {
        /** Diffusion spectral entropy. */
        DSMI("dsmi"),
        /** Classic Shannon entropy by binning. */
        CSMI("csmi"),
        /** The entropy of the entries of the diffusion matrix P. */
        MATRIX_ENTRY("matrix-entry"),
        /** Adjacency spectral entropy of the Gaussian adjacency G. */
        ASMI_GAUSSIAN("asmi-gaussian"),
        /** Adjacency spectral entropy of the normalised K (DSMI at t = 1). */
        ASMI_ANISOTROPIC("asmi-anisotropic"),
        /** Adjacency spectral entropy of the binary k-NN adjacency. */
        ASMI_KNN("asmi-knn");

        private final String label;

        Measure(String label) {
            this.label = label;
        }

        /** Parses a label (dsmi, csmi, matrix-entry, asmi-gaussian, asmi-anisotropic, asmi-knn). */
        public static Measure parse(String text) {
            if (text != null) {
                for (Measure m : values()) {
                    if (m.label.equalsIgnoreCase(text.trim())) {
                        return m;
                    }
                }
            }
            throw new InvalidInputException("measure", "must be one of dsmi, csmi, matrix-entry, asmi-gaussian, "
                    + "asmi-anisotropic, asmi-knn; got " + Precision.quote(text));
        }

        public String label() {
            return label;
        }
    }

    /** What a mutual information reads of {@link MeasureOptions}: neither maxN (every row counts) nor the DSE forms. */
    private static final Set<MeasureOptions.Option> USES = EnumSet.of(MeasureOptions.Option.SIGMA,
            MeasureOptions.Option.T, MeasureOptions.Option.SEED, MeasureOptions.Option.BACKEND,
            MeasureOptions.Option.DEVICE, MeasureOptions.Option.GPU, MeasureOptions.Option.PRECISION,
            MeasureOptions.Option.THREADS, MeasureOptions.Option.PROGRESS, MeasureOptions.Option.MEASURE,
            MeasureOptions.Option.REPETITIONS, MeasureOptions.Option.CLUSTERS, MeasureOptions.Option.BINS,
            MeasureOptions.Option.REFERENCE_KIND, MeasureOptions.Option.KNN);

    private final MeasureOptions options;
    private final Measure measure;
    private final int threads;
    private final DiffusionSpectralEntropy dse;
    private final AdjacencySpectralEntropy ase;
    private volatile boolean closed;

    /** A mutual information with these options; none refused (the {@link Builder} refuses those it does not use). */
    MutualInformation(MeasureOptions options) {
        this.options = options;
        this.measure = options.measure();
        this.threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
        // Every row of Z counts: no maxN subsampling. The entropies report to the batch's sink (see run), not on
        // their own: each would otherwise say "done" in the middle of the batch.
        MeasureOptions allRows = options.toBuilder().maxN(Integer.MAX_VALUE).progress(null).build();
        this.dse = DiffusionSpectralEntropy.open(allRows, KernelKind.DIFFUSION);
        AdjacencySpectralEntropy adjacency;
        try {
            adjacency = switch (measure) {
                case ASMI_GAUSSIAN -> AdjacencySpectralEntropy.open(AdjacencySpectralEntropy.Variant.GAUSSIAN, allRows);
                case ASMI_KNN -> AdjacencySpectralEntropy.open(AdjacencySpectralEntropy.Variant.KNN, allRows);
                default -> null;
            };
        } catch (RuntimeException e) {
            dse.close();
            throw e;
        }
        this.ase = adjacency;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The CUDA device ordinal its DSE computations run on, or -1 on the CPU (see {@link DiffusionSpectralEntropy#device()}). */
    public int device() {
        return dse.device();
    }

    /** MI between Z (N×D) and a reference Y (N×1 or N×D′), classified as {@link ReferenceClasses#of} does. */
    public MiResult compute(Matrix z, Matrix y) {
        checkOpen();
        checkZ(z);
        if (y == null || y.rows() != z.rows()) {
            throw new InvalidInputException("reference", "Z has " + z.rows() + " rows but the reference has "
                    + (y == null ? "none" : y.rows()) + "; they must describe the same N inputs");
        }
        ReferenceClasses classes = ReferenceClasses.of(y, options.referenceKind(), options.clusters());
        return run(z, classes.labels(), null, classes.kind().label());
    }

    /** MI between Z and precomputed class labels, one per row of Z. */
    public MiResult compute(Matrix z, int[] labels) {
        checkOpen();
        checkZ(z);
        checkLabels(z, labels);
        return run(z, labels, null, "precomputed");
    }

    /**
     * MI with the random subsets given: {@code subsets[c][r]} are the rows of repetition r for the c-th class in
     * ascending label order, each as many rows as the class. For replaying another implementation's draws.
     */
    public MiResult compute(Matrix z, int[] labels, int[][][] subsets) {
        checkOpen();
        checkZ(z);
        checkLabels(z, labels);
        if (subsets == null) {
            throw new InvalidInputException("subsets", "must not be null");
        }
        return run(z, labels, subsets, "precomputed");
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this MutualInformation is closed");
        }
    }

    private static void checkZ(Matrix z) {
        if (z == null || z.rows() < 2 || z.cols() < 1) {
            throw new InvalidInputException("matrix", "Z must have at least 2 rows and 1 column");
        }
    }

    private static void checkLabels(Matrix z, int[] labels) {
        if (labels == null || labels.length != z.rows()) {
            throw new InvalidInputException("labels", "Z has " + z.rows() + " rows but there are "
                    + (labels == null ? "no" : labels.length) + " labels; they must describe the same N inputs");
        }
    }

    /**
     * Runs the batch reporting to this instance's listener, if any (the entropies' problems as items), else to the
     * caller's sink (a {@link Tracker}'s).
     */
    private MiResult run(Matrix z, int[] labels, int[][][] subsets, String reference) {
        if (options.progress() == null) {
            return batch(z, labels, subsets, reference);
        }
        ProgressSink sink = ProgressSink.to(options.progress());
        try (ProgressSink.Scope installed = sink.install()) {
            MiResult result = batch(z, labels, subsets, reference);
            sink.complete();
            return result;
        }
    }

    private MiResult batch(Matrix z, int[] labels, int[][][] subsets, String reference) {
        long start = System.nanoTime();
        int n = z.rows();
        Map<Integer, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            byClass.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
        }
        if (subsets != null && subsets.length != byClass.size()) {
            throw new InvalidInputException("subsets", "there are " + byClass.size() + " classes but subsets for "
                    + subsets.length);
        }
        // Draw every subset first (in class order, so the draws do not depend on scheduling), then compute all
        // classes × (1 + R) entropies as one batch.
        SplittableRandom random = new SplittableRandom(options.seed());
        List<String> warnings = new ArrayList<>();
        List<Integer> labelsKept = new ArrayList<>();
        List<int[][]> problems = new ArrayList<>();      // per class: {rows, subset_1, ..., subset_R}
        int classIndex = 0;
        for (Map.Entry<Integer, List<Integer>> entry : byClass.entrySet()) {
            int[] rows = entry.getValue().stream().mapToInt(Integer::intValue).toArray();
            int count = rows.length;
            int[][] draws = subsets != null ? subsets[classIndex] : null;
            classIndex++;
            if (count < 2) {
                warnings.add("class " + entry.getKey() + " has a single row and was skipped (its term is 0)");
                continue;
            }
            int reps = draws != null ? draws.length : options.repetitions();
            int[][] problem = new int[1 + reps][];
            problem[0] = rows;
            for (int r = 0; r < reps; r++) {
                problem[1 + r] = draws != null ? checkedSubset(draws[r], count, n, entry.getKey(), r)
                        : Subsampling.sample(random, n, count);
            }
            labelsKept.add(entry.getKey());
            problems.add(problem);
        }
        double[][] entropies = entropies(z, problems);
        BackendSelection selection = dse.selection();
        List<MiResult.ClassTerm> terms = new ArrayList<>();
        double mi = 0;
        for (int c = 0; c < problems.size(); c++) {
            int count = problems.get(c)[0].length;
            double conditional = entropies[c][0];
            double[] values = Arrays.copyOfRange(entropies[c], 1, entropies[c].length);
            double p = (double) count / n;
            MiResult.ClassTerm term = new MiResult.ClassTerm(labelsKept.get(c), count, p, conditional,
                    SampleStatistics.mean(values), SampleStatistics.standardDeviation(values), values);
            mi += term.contribution();
            terms.add(term);
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        boolean onTheCpu = measure == Measure.CSMI || measure == Measure.ASMI_KNN;
        return new MiResult(measure, mi, n, z.cols(), reference, terms, warnings,
                onTheCpu ? new BackendSelection(selection.requested(), selection.source(), "cpu",
                        List.of(measure.label() + " is computed on the CPU")) : selection, seconds);
    }

    /**
     * The entropies of every row set of the batch. The problems are independent; on the CPU they run side by side on
     * a pool of the configured threads (each small problem then uses its own thread instead of splitting its few
     * columns), and a problem's result does not depend on which thread ran it.
     */
    private double[][] entropies(Matrix z, List<int[][]> problems) {
        if (measure == Measure.DSMI || measure == Measure.ASMI_ANISOTROPIC || measure == Measure.ASMI_GAUSSIAN) {
            // Spectral measures: one batch through the backend, which keeps Z in place.
            List<int[]> sets = new ArrayList<>();
            for (int[][] problem : problems) {
                sets.addAll(Arrays.asList(problem));
            }
            double[] flat = measure == Measure.ASMI_GAUSSIAN ? ase.entropiesOfRows(z, sets)
                    : dse.entropiesOfRows(z, sets, measure == Measure.DSMI ? options.t() : 1.0);
            double[][] out = new double[problems.size()][];
            int at = 0;
            for (int c = 0; c < problems.size(); c++) {
                out[c] = Arrays.copyOfRange(flat, at, at + problems.get(c).length);
                at += problems.get(c).length;
            }
            return out;
        }
        double[][] out = new double[problems.size()][];
        List<int[]> slots = new ArrayList<>();      // {class, slot} of each entropy
        for (int c = 0; c < problems.size(); c++) {
            out[c] = new double[problems.get(c).length];
            for (int r = 0; r < problems.get(c).length; r++) {
                slots.add(new int[] {c, r});
            }
        }
        ProgressSink sink = ProgressSink.current();
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        int total = slots.size();
        sink.items(0, total);
        // On the CPU backend's workers, which stop the parts when this thread is interrupted and return only when
        // every part has stopped: no task outlives this call.
        BackendRouter.runSideBySide(threads, total, task -> {
            int[] slot = slots.get(task);
            // The batch reports its items; an entropy's own stages, on whichever thread runs it, stay silent.
            try (ProgressSink.Scope quiet = ProgressSink.to(null).install()) {
                out[slot[0]][slot[1]] = entropy(z, problems.get(slot[0])[slot[1]]);
            }
            sink.items(done.incrementAndGet(), total);
        });
        io.dse4j.spi.Cancellation.checkInterrupted();      // an interrupt after the last task's checks still stops it
        return out;
    }

    private double entropy(Matrix z, int[] rows) {
        return switch (measure) {
            case DSMI -> dse.computeRows(z, rows).entropy();
            case ASMI_ANISOTROPIC -> dse.computeRows(z, rows).spectrum().entropy(1);
            case CSMI -> ClassicShannonEntropy.entropy(z, rows, options.bins());
            case MATRIX_ENTRY -> dse.matrixEntryEntropy(z, rows);
            case ASMI_GAUSSIAN, ASMI_KNN -> {
                if (measure == Measure.ASMI_KNN && options.knn() >= rows.length) {
                    throw new InvalidInputException("knn", "must be smaller than every class (a class has "
                            + rows.length + " rows), got " + options.knn());
                }
                yield ase.computeRows(z, rows, z.rows()).entropy();
            }
        };
    }

    private static int[] checkedSubset(int[] subset, int count, int n, int label, int repetition) {
        if (subset == null || subset.length != count) {
            throw new InvalidInputException("subsets", "repetition " + repetition + " of class " + label + " must have "
                    + count + " rows, has " + (subset == null ? "none" : subset.length));
        }
        for (int row : subset) {
            if (row < 0 || row >= n) {
                throw new InvalidInputException("subsets", "row " + row + " is outside [0, " + n + ")");
            }
        }
        return subset;
    }

    /** Releases the backend; idempotent. Afterwards every compute method throws {@link IllegalStateException}. */
    @Override
    public void close() {
        closed = true;
        try {
            dse.close();
        } finally {
            if (ase != null) {
                ase.close();
            }
        }
    }

    /** Options of a {@link MutualInformation} (every setter checks its argument at once), and its opening. */
    public static final class Builder extends OptionSetters<Builder> {
        private Builder() {
        }

        /**
         * Opens the backend of the entropy computations, chosen as {@link DiffusionSpectralEntropy.Builder#build()}
         * chooses it.
         *
         * @throws InvalidInputException when an option the mutual information does not use was given (maxN, the
         *                               kernel's form, the method)
         */
        public MutualInformation build() {
            MeasureOptions options = options();
            options.refuseUnused("MutualInformation", USES);
            options.requireOneTimeAndSigma("MutualInformation");
            return new MutualInformation(options);
        }
    }
}
