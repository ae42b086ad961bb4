package io.dse4j.spark;

import io.dse4j.BackendKind;
import io.dse4j.InvalidInputException;
import io.dse4j.MiResult;
import io.dse4j.MutualInformation;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.util.List;

/**
 * DSMI(Z; Y) per group, Y the group's labels: the result has the group's keys, then {@code n}, {@code d},
 * {@code classes}, {@code sigma}, {@code t}, {@code repetitions}, {@code dsmi}, then the backend's columns and
 * {@code seconds} (see {@link #run()}). Every row of a group is used (DSMI has no maxN), and each group's value
 * equals {@code MutualInformation.compute(z, labels)} on the group's rows in the table's order, with the same seed.
 * String labels become ints by their rank among the group's distinct labels, ascending.
 */
public final class MutualInformationJob extends GroupedJob<MutualInformationJob> {

    private String labels;
    private int repetitions = 5;
    private long seed;

    MutualInformationJob(Dataset<Row> table) {
        super(table);
    }

    @Override
    MutualInformationJob self() {
        return this;
    }

    /** The column of each row's class: an integer type or string, no nulls. */
    public MutualInformationJob labels(String column) {
        this.labels = column;
        return this;
    }

    /** The random subsets Z* per class (default 5), as {@code MutualInformation.Builder.repetitions}. */
    public MutualInformationJob repetitions(int repetitions) {
        MutualInformation.builder().repetitions(repetitions);
        this.repetitions = repetitions;
        return this;
    }

    /** The seed of the subsets (default 0). */
    public MutualInformationJob seed(long seed) {
        this.seed = seed;
        return this;
    }

    @Override
    String labels() {
        if (labels == null) {
            throw new InvalidInputException("labels", "give the label column (labels(\"label\"))");
        }
        return labels;
    }

    @Override
    List<StructField> columns() {
        return List.of(DataTypes.createStructField("n", DataTypes.IntegerType, false),
                DataTypes.createStructField("d", DataTypes.IntegerType, false),
                DataTypes.createStructField("classes", DataTypes.IntegerType, false),
                DataTypes.createStructField("sigma", DataTypes.DoubleType, false),
                DataTypes.createStructField("t", DataTypes.DoubleType, false),
                DataTypes.createStructField("repetitions", DataTypes.IntegerType, false),
                DataTypes.createStructField("dsmi", DataTypes.DoubleType, false));
    }

    @Override
    GroupTask task(GroupData.Spec spec, List<List<Object>> keys, List<Integer> sizes) {
        return new Task(spec, keys, sizes, backend, threads, sigma, t, repetitions, seed);
    }

    private static final class Task extends GroupTask {
        private static final long serialVersionUID = 1L;
        private final double sigma;
        private final double t;
        private final int repetitions;
        private final long seed;

        Task(GroupData.Spec spec, List<List<Object>> keys, List<Integer> sizes, BackendKind backend, int threads,
             double sigma, double t, int repetitions, long seed) {
            super(spec, keys, sizes, backend, threads, Integer.MAX_VALUE, 0);   // DSMI uses every row
            this.sigma = sigma;
            this.t = t;
            this.repetitions = repetitions;
            this.seed = seed;
        }

        @Override
        Computed compute(GroupData group, TaskBackend on, int threads) {
            try (MutualInformation mi = MutualInformation.builder().sigma(sigma).t(t).repetitions(repetitions)
                    .seed(seed).threads(threads).backend(on.kind()).gpu(on.device()).build()) {
                MiResult r = mi.compute(group.points(), group.labels());
                return new Computed(new Object[] {r.n(), r.d(), r.classes().size(), sigma, t, repetitions, r.mi()},
                        r.selection(), r.seconds());
            }
        }
    }
}
