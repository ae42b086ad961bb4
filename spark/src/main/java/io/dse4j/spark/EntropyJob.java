package io.dse4j.spark;

import io.dse4j.BackendKind;
import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.DseResult;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.util.ArrayList;
import java.util.List;

/**
 * DSE per group: the result has the group's keys, then {@code n} (the points used), {@code d}, {@code input_rows}
 * (the group's rows), {@code sigma}, {@code t}, {@code dse}, with {@link #withSpectrum()} the eigenvalues as
 * {@code spectrum} ({@code array<double>}: DSE at any t without recomputing), {@code warnings} (what the caller
 * should know about the group's result, such as a kernel that is nearly the identity at this σ; empty when none),
 * then the backend's columns and {@code seconds} (see {@link #run()}).
 */
public final class EntropyJob extends GroupedJob<EntropyJob> {

    private int maxN = io.dse4j.MeasureOptions.DEFAULT_MAX_N;
    private long seed = io.dse4j.MeasureOptions.DEFAULT_SEED;
    private boolean spectrum;

    EntropyJob(Dataset<Row> table) {
        super(table);
    }

    @Override
    EntropyJob self() {
        return this;
    }

    /** The most points per group (default 10000); a larger group is subsampled with {@link #seed}, as the core does. */
    public EntropyJob maxN(int maxN) {
        DiffusionSpectralEntropy.builder().maxN(maxN);
        this.maxN = maxN;
        return this;
    }

    /** The subsampling seed (default 0). */
    public EntropyJob seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Adds the column {@code spectrum}: the kernel's eigenvalues, from which {@code Spectrum.of(…).entropy(t)}. */
    public EntropyJob withSpectrum() {
        this.spectrum = true;
        return this;
    }

    /**
     * DSMI(Z; Y) over the same table with this job's groups, vectors, σ, t, backend and threads; give the labels
     * next: {@code Dse4jSpark.entropy(table).groupBy("model").vectors("z").mutualInformation().labels("label")}.
     */
    public MutualInformationJob mutualInformation() {
        return sameSettings(new MutualInformationJob(table));
    }

    @Override
    List<StructField> columns() {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("n", DataTypes.IntegerType, false));
        fields.add(DataTypes.createStructField("d", DataTypes.IntegerType, false));
        fields.add(DataTypes.createStructField("input_rows", DataTypes.IntegerType, false));
        fields.add(DataTypes.createStructField("sigma", DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField("t", DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField("dse", DataTypes.DoubleType, false));
        if (spectrum) {
            fields.add(DataTypes.createStructField("spectrum", DataTypes.createArrayType(DataTypes.DoubleType, false),
                    false));
        }
        fields.add(DataTypes.createStructField("warnings", DataTypes.createArrayType(DataTypes.StringType, false),
                false));
        return fields;
    }

    @Override
    GroupTask task(GroupData.Spec spec, List<List<Object>> keys, List<Integer> sizes) {
        return new Task(spec, keys, sizes, backend, threads, sigma, t, maxN, seed, spectrum);
    }

    private static final class Task extends GroupTask {
        private static final long serialVersionUID = 1L;
        private final double sigma;
        private final double t;
        private final int maxN;
        private final long seed;
        private final boolean spectrum;

        Task(GroupData.Spec spec, List<List<Object>> keys, List<Integer> sizes, BackendKind backend, int threads,
             double sigma, double t, int maxN, long seed, boolean spectrum) {
            super(spec, keys, sizes, backend, threads, maxN, seed);
            this.sigma = sigma;
            this.t = t;
            this.maxN = maxN;
            this.seed = seed;
            this.spectrum = spectrum;
        }

        @Override
        Computed compute(GroupData group, TaskBackend on, int threads) {
            DiffusionSpectralEntropy.Builder builder = DiffusionSpectralEntropy.builder().sigma(sigma).t(t).maxN(maxN)
                    .seed(seed).threads(threads).backend(on.kind()).gpu(on.device());
            try (DiffusionSpectralEntropy dse = builder.build()) {
                // The points are the subsample already (a .npy group's, beyond maxN, is taken here); the input rows
                // are the group's.
                DseResult r = dse.compute(group.points());
                List<Object> values = new ArrayList<>(List.of(r.n(), r.d(), group.inputRows(), r.sigma(), r.t(),
                        r.entropy()));
                if (spectrum) {
                    values.add(r.spectrum().eigenvalues());
                }
                values.add(r.warnings().toArray(new String[0]));
                return new Computed(values.toArray(), r.selection(), r.seconds());
            }
        }
    }
}
