package io.dse4j;

import io.dse4j.spi.KernelKind;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DSE and DSMI of a training run, checkpoint by checkpoint, as the paper watches them evolve (Liao, Liu et al.,
 * arXiv 2312.04823): for each checkpoint's representation Z, DSE(Z); with labels Y, DSMI(Z;Y); with the inputs
 * X, DSMI(Z;X), whose reference classes — the spectral clusters of X — are computed once, when the tracker is
 * built, and reused for every checkpoint.
 *
 * <pre>{@code
 * try (Tracker tracker = Tracker.builder().labels(y).sigma(10).build()) {
 *     for (int epoch = 1; epoch <= epochs; epoch++) {
 *         train(model);
 *         Tracker.Row row = tracker.add("epoch " + epoch, epoch, Matrix.of(model.embed(probe)));
 *         System.out.println(row.dse() + " " + row.dsmiLabels());
 *     }
 *     List<Tracker.Row> curve = tracker.rows();
 * }
 * }</pre>
 *
 * <p>Every checkpoint is measured on the same rows, so the curve compares like with like: all of them, or — when a
 * checkpoint has more than maxN rows — the seeded subsample that {@link DiffusionSpectralEntropy} takes, with the
 * labels and the inputs' classes of the same rows. DSE and DSMI of a checkpoint therefore equal what
 * {@code DiffusionSpectralEntropy} and {@code MutualInformation} give for those rows with the same options. Every
 * checkpoint must have as many rows as the labels and inputs (and as the first checkpoint, when there are neither).
 *
 * <p>Safe for use from one thread at a time; {@link #close()} releases the backends.
 */
public final class Tracker implements AutoCloseable {

    /**
     * One checkpoint's measures — of one of its layers, when it has several ({@code layer} names it; empty for a
     * checkpoint of one representation). DSMIs, RankMe and the von Neumann entropy that were not asked for, and the
     * spreads of a single repetition, are NaN.
     *
     * @param rankMe            RankMe of the rows measured ({@link LinearSpectrumMeasures#rankMe()})
     * @param vonNeumannEntropy the von Neumann entropy of their trace-normalised Gram matrix, in bits
     *                          ({@link LinearSpectrumMeasures#vonNeumannEntropy()})
     * @param countAbove        how many of the diffusion kernel's eigenvalues have |λ| above the builder's
     *                          {@link Builder#countAbove floor} ({@link DseResult#countAbove}); NaN when not asked
     */
    public record Row(String name, String layer, double order, int n, int d, double dse, double dsmiLabels,
                      double dsmiLabelsSd, double dsmiInputs, double dsmiInputsSd, double rankMe,
                      double vonNeumannEntropy, double countAbove, double seconds, String backend) {
        /** The checkpoint's name, and its layer's after a colon when it has one: what messages call it. */
        public String label() {
            return layer.isEmpty() ? name : name + ":" + layer;
        }
    }

    /** What a tracker reads of {@link MeasureOptions}: DSE's fixed-σ Gaussian kernel and DSMI's subsets. */
    private static final Set<MeasureOptions.Option> USES = EnumSet.of(MeasureOptions.Option.SIGMA,
            MeasureOptions.Option.T, MeasureOptions.Option.MAX_N, MeasureOptions.Option.SEED,
            MeasureOptions.Option.BACKEND, MeasureOptions.Option.DEVICE, MeasureOptions.Option.PRECISION,
            MeasureOptions.Option.THREADS, MeasureOptions.Option.PROGRESS, MeasureOptions.Option.REPETITIONS,
            MeasureOptions.Option.CLUSTERS);

    private final int maxN;
    private final long seed;
    private final int[] labels;
    private final int[] inputClasses;
    private final int expected;
    /** Whether each row also gets RankMe and the von Neumann entropy (one decomposition gives both). */
    private final boolean linearMeasures;
    private final int threads;
    /** The floor of {@link Row#countAbove}, or NaN: not counted. */
    private final double countFloor;
    /** The eigenproblems per class of a DSMI: its own and one per random subset. */
    private final int problemsPerClass;
    private final ProgressListener listener;
    private final Relay relay = new Relay();
    private final DiffusionSpectralEntropy dse;
    private final MutualInformation mi;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, String> parameters;
    private final long start = System.nanoTime();
    /** The rows every checkpoint is measured on (null: all), fixed by the first checkpoint's row count. */
    private int[] used;
    private int inputRows = -1;
    private boolean closed;

    private Tracker(Builder b, MeasureOptions options) {
        this.maxN = options.maxN();
        this.seed = options.seed();
        this.labels = b.labels;
        this.expected = b.expected;
        this.linearMeasures = b.linearMeasures;
        this.countFloor = b.countFloor;
        this.threads = options.threads();
        this.problemsPerClass = 1 + options.repetitions();
        this.listener = options.progress();
        this.parameters = parameters(options);
        // The measures report to the relay, which places their progress within the checkpoint's; every checkpoint
        // is subsampled here, once, so the measures take all the rows they are given.
        MeasureOptions inner = options.toBuilder().maxN(Integer.MAX_VALUE)
                .progress(listener == null ? null : relay).measure(MutualInformation.Measure.DSMI).build();
        int n = labels != null ? labels.length : b.inputs != null ? b.inputs.rows() : -1;
        if (labels != null && b.inputs != null && b.inputs.rows() != labels.length) {
            throw new InvalidInputException("inputs", "X has " + b.inputs.rows() + " rows but there are "
                    + labels.length + " labels; they must describe the same N inputs");
        }
        if (n >= 0) {
            fixRows(n);
        }
        // The inputs' reference classes, once: the spectral clusters of X on the rows every checkpoint uses.
        this.inputClasses = b.inputs == null ? null : ReferenceClasses.of(select(b.inputs, used),
                ReferenceKind.VECTOR, options.clusters()).labels();
        this.dse = DiffusionSpectralEntropy.open(inner, KernelKind.DIFFUSION);
        MutualInformation built;
        try {
            built = labels != null || inputClasses != null ? new MutualInformation(inner) : null;
        } catch (RuntimeException e) {
            dse.close();
            throw e;
        }
        this.mi = built;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Measures one checkpoint and appends its row.
     *
     * @param name  what the checkpoint is called (a file name, "epoch 3")
     * @param order its place on the curve's axis (the epoch or step)
     * @param z     its representation, one row per input
     */
    public Row add(String name, double order, Matrix z) {
        return add(name, "", order, z);
    }

    /**
     * Measures one layer of a checkpoint and appends its row: a network's layers are tracked as one curve each,
     * {@code add(checkpoint, layer, order, z)} for each layer of each checkpoint. Every layer describes the same
     * inputs, so every layer of every checkpoint must have the same number of rows (their widths may differ), and
     * each is measured on the same rows.
     *
     * @param name  what the checkpoint is called (a file name, "epoch 3")
     * @param layer which of its representations {@code z} is ("block3", "encoder.layer.5"); empty for a checkpoint
     *              of one representation
     * @param order its place on the curve's axis (the epoch or step)
     * @param z     the layer's representation, one row per input
     */
    public Row add(String name, String layer, double order, Matrix z) {
        if (closed) {
            throw new IllegalStateException("this Tracker is closed");
        }
        if (name == null) {
            throw new InvalidInputException("name", "must not be null");
        }
        if (layer == null) {
            throw new InvalidInputException("layer", "must not be null (empty for a checkpoint of one "
                    + "representation)");
        }
        String what = layer.isEmpty() ? "checkpoint " + name : "checkpoint " + name + " (layer " + layer + ")";
        if (z == null) {
            throw new InvalidInputException("matrix", what + ": no representation (null)");
        }
        if (inputRows < 0) {
            fixRows(z.rows());
        } else if (z.rows() != inputRows) {
            throw new InvalidInputException("matrix", what + " has " + z.rows() + " rows but "
                    + (labels != null ? "the labels have " : inputClasses != null ? "the inputs have "
                            : "the first checkpoint has ") + inputRows
                    + "; every checkpoint" + (layer.isEmpty() ? "" : " and layer") + " must describe the same inputs");
        }
        long begin = System.nanoTime();
        Matrix points = select(z, used);
        int[] onRows = labels == null ? null : pick(labels, used);
        // The measures' shares of a checkpoint, by their eigenproblems' cost ∝ n³: DSE one of all rows, each DSMI
        // one per class and one per random subset of a class's size.
        double n3 = Math.pow(points.rows(), 3);
        double[] work = {n3, onRows == null ? 0 : problemsPerClass * classCubes(onRows),
            inputClasses == null ? 0 : problemsPerClass * classCubes(inputClasses)};
        relay.begin(rows.size(), work);
        DseResult entropy = dse.compute(points);
        double[] onLabels = {Double.NaN, Double.NaN};
        double[] onInputs = {Double.NaN, Double.NaN};
        String backend = entropy.backend();
        if (labels != null) {
            relay.next(1);
            onLabels = dsmi(mi.compute(points, onRows));
        }
        if (inputClasses != null) {
            relay.next(2);
            onInputs = dsmi(mi.compute(points, inputClasses));
        }
        LinearSpectrumMeasures linear = linearMeasures ? LinearSpectrumMeasures.of(points, null, threads) : null;
        Row row = new Row(name, layer, order, points.rows(), z.cols(), entropy.entropy(), onLabels[0], onLabels[1],
                onInputs[0], onInputs[1], linear == null ? Double.NaN : linear.rankMe(),
                linear == null ? Double.NaN : linear.vonNeumannEntropy(),
                Double.isNaN(countFloor) ? Double.NaN : entropy.countAbove(countFloor),
                (System.nanoTime() - begin) * 1e-9, backend);
        rows.add(row);
        relay.checkpointDone(rows.size());
        return row;
    }

    /** The rows so far, in the order they were added. */
    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /**
     * The options that determine the numbers, by name and as text (σ, t, max_n, seed, repetitions, clusters,
     * precision): what a table of these rows must record to be extended later with the same meaning.
     */
    public Map<String, String> parameters() {
        return parameters;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            dse.close();
        } finally {
            if (mi != null) {
                mi.close();
            }
        }
    }

    /** Σ over the classes of (class size)³: a DSMI's eigenproblems cost, per repetition. */
    private static double classCubes(int[] classes) {
        Map<Integer, Integer> counts = new java.util.HashMap<>();
        for (int c : classes) {
            counts.merge(c, 1, Integer::sum);
        }
        double sum = 0;
        for (int count : counts.values()) {
            sum += Math.pow(count, 3);
        }
        return sum;
    }

    private void fixRows(int n) {
        inputRows = n;
        used = Subsampling.usedRows(n, maxN, seed);
    }

    /** DSMI and its spread over the repetitions: the sample standard deviation of Σ_b p(b)·[H(Z*_b,r) − H(Z|b)]. */
    private static double[] dsmi(MiResult r) {
        int reps = r.classes().isEmpty() ? 0 : r.classes().get(0).subsetValues().length;
        double[] perRepetition = new double[reps];
        for (MiResult.ClassTerm term : r.classes()) {
            double[] values = term.subsetValues();
            for (int k = 0; k < reps; k++) {
                perRepetition[k] += term.probability() * (values[k] - term.conditional());
            }
        }
        return new double[] {r.mi(), SampleStatistics.standardDeviation(perRepetition)};
    }

    private static Matrix select(Matrix x, int[] rows) {
        if (rows == null) {
            return x;
        }
        double[] values = new double[Math.multiplyExact(rows.length, x.cols())];
        for (int i = 0; i < rows.length; i++) {
            x.copyRow(rows[i], values, i * x.cols());
        }
        return Matrix.ofRowMajor(values, rows.length, x.cols());
    }

    private static int[] pick(int[] values, int[] rows) {
        if (rows == null) {
            return values;
        }
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
        }
        return out;
    }

    /**
     * The measures' progress as the tracker's: a checkpoint's measures share its slice of the run equally, and a
     * report says which checkpoint of how many (when the builder was told how many to expect) it is on.
     */
    private final class Relay implements ProgressListener {
        private volatile int checkpoint;
        private volatile double before;
        private volatile double share;
        private volatile Thread caller;
        private double[] work = {1, 0, 0};
        private double reported;

        void begin(int checkpointIndex, double[] measureWork) {
            checkpoint = checkpointIndex;
            work = measureWork;
            next(0);
            caller = Thread.currentThread();
        }

        /** Measure m (0 DSE, 1 DSMI(Z;Y), 2 DSMI(Z;X)) starts: the share of the checkpoint before it, and its own. */
        void next(int m) {
            double total = work[0] + work[1] + work[2];
            double sum = 0;
            for (int i = 0; i < m; i++) {
                sum += work[i];
            }
            before = sum / total;
            share = work[m] / total;
        }

        void checkpointDone(int done) {
            if (listener == null) {
                return;
            }
            boolean all = expected > 0 && done >= expected;
            synchronized (this) {
                listener.onProgress(new Progress(all ? "done" : "checkpoint", 1, overall(done, 0), elapsed(), done,
                        expected,
                        Thread.currentThread()));
            }
        }

        @Override
        public synchronized void onProgress(Progress p) {
            if (p.stage().equals("done")) {
                return;     // a measure's end; the checkpoint's is reported once all its measures are done
            }
            listener.onProgress(new Progress(p.stage(), p.stageFraction(), overall(checkpoint, before + share * p
                    .fraction()),
                    elapsed(), checkpoint, expected, caller));
        }

        /** Without an expected count the whole is unknown: the fraction stays 0 (it must never decrease). */
        private double overall(int done, double within) {
            double f = expected > 0 ? Math.min(1, (done + within) / expected) : 0;
            reported = Math.max(reported, f);
            return reported;
        }

        private Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    /** The options that determine the numbers, by name and as text, as {@link #parameters()} gives them. */
    private static Map<String, String> parameters(MeasureOptions options) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sigma", Double.toString(options.sigma()));
        m.put("t", Double.toString(options.t()));
        m.put("max_n", Integer.toString(options.maxN()));
        m.put("seed", Long.toString(options.seed()));
        m.put("repetitions", Integer.toString(options.repetitions()));
        m.put("clusters", Integer.toString(options.clusters()));
        m.put("precision", options.precision().label());
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Options of a {@link Tracker} (every setter checks its argument at once), its data, and its opening. */
    public static final class Builder extends OptionSetters<Builder> {
        private int[] labels;
        private Matrix inputs;
        private int expected;
        private boolean linearMeasures;
        private double countFloor = Double.NaN;

        private Builder() {
        }

        /**
         * Each row also counts the diffusion kernel's eigenvalues with |λ| above {@code floor} (at t = 1, as
         * {@link DseResult#countAbove} does: what users of the reference count by hand as the representation's
         * "rank" at that floor).
         *
         * @param floor finite and ≥ 0
         */
        public Builder countAbove(double floor) {
            if (!(floor >= 0) || !Double.isFinite(floor)) {
                throw new InvalidInputException("countAbove", "the floor must be finite and ≥ 0, got " + floor);
            }
            this.countFloor = floor;
            return this;
        }

        /**
         * Whether each row also gets RankMe and the von Neumann entropy of the same rows ({@link
         * LinearSpectrumMeasures}: the measures DSE is compared with, from one eigen-decomposition of the smaller of
         * ZᵀZ and ZZᵀ, on the CPU).
         */
        public Builder linearMeasures(boolean also) {
            this.linearMeasures = also;
            return this;
        }

        /** Class labels Y, one per input (row of every checkpoint): adds DSMI(Z;Y). */
        public Builder labels(int[] labels) {
            if (labels == null || labels.length < 2) {
                throw new InvalidInputException("labels", "needs a label for each of at least 2 inputs, got "
                        + (labels == null ? "none" : labels.length));
            }
            this.labels = labels.clone();
            return this;
        }

        /** The inputs X, one row per input: adds DSMI(Z;X), against X's spectral clusters. */
        public Builder inputs(Matrix inputs) {
            if (inputs == null || inputs.rows() < 2 || inputs.cols() < 1) {
                throw new InvalidInputException("inputs", "X must have at least 2 rows and 1 column");
            }
            this.inputs = inputs;
            return this;
        }

        /**
         * How many rows will be added — checkpoints, or checkpoints × layers — for the progress reports' "k of n"
         * and their fraction (optional: without it the fraction stays 0, as the whole is unknown, and {@code item}
         * counts the rows done).
         */
        public Builder expectedCheckpoints(int checkpoints) {
            if (checkpoints < 0) {
                throw new InvalidInputException("checkpoints", "must be ≥ 0, got " + checkpoints);
            }
            this.expected = checkpoints;
            return this;
        }

        /** The options that determine the numbers, as {@link Tracker#parameters()} gives them. */
        public Map<String, String> parameters() {
            return Tracker.parameters(options());
        }

        /**
         * Opens the backends (and classifies the inputs, when given).
         *
         * @throws InvalidInputException when an option a tracker does not use was given (the DSE forms and methods
         *                               beyond the fixed-σ Gaussian, a shared GPU device, the other MI measures)
         */
        public Tracker build() {
            MeasureOptions options = options();
            options.refuseUnused("Tracker", USES);
            options.requireOneTimeAndSigma("Tracker");
            return new Tracker(this, options);
        }
    }
}
