package io.dse4j.spark;

import io.dse4j.BackendKind;
import io.dse4j.BackendSelection;
import io.dse4j.BackendUnavailableException;
import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.InvalidInputException;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * What the per-group jobs share: the group and vector columns, σ, t and the backend; {@link #run()} checks the table
 * ({@link GroupedTable}), runs one task per group and collects one row per group, the groups in the order they first
 * appear, each row the group's keys followed by the job's columns and then {@code backend}, {@code device} (the CUDA
 * ordinal, null on the CPU), {@code backend_note} (why the CPU ran a task that asked for auto, or null) and
 * {@code seconds}.
 *
 * @param <J> the job's own type, so that the shared setters return it
 */
abstract class GroupedJob<J extends GroupedJob<J>> {

    final Dataset<Row> table;
    String[] groups = new String[0];
    String vectors;
    double sigma = io.dse4j.MeasureOptions.DEFAULT_SIGMA;
    double t = io.dse4j.MeasureOptions.DEFAULT_T;
    BackendKind backend = BackendKind.AUTO;
    int threads;

    GroupedJob(Dataset<Row> table) {
        this.table = table;
    }

    abstract J self();

    /** The columns whose values define a group (at least one). */
    public J groupBy(String... columns) {
        if (columns == null || columns.length == 0) {
            throw new InvalidInputException("groupBy", "needs at least one column");
        }
        this.groups = columns.clone();
        return self();
    }

    /**
     * The column of the points: {@code array<float>} or {@code array<double>}, one point per row and one length per
     * group; or {@code binary}, a whole {@code .npy} file per row (Spark's {@code binaryFile} source's
     * {@code content}), one file per group.
     */
    public J vectors(String column) {
        this.vectors = column;
        return self();
    }

    /** σ (default 10), checked as {@code DiffusionSpectralEntropy.Builder.sigma} does. */
    public J sigma(double sigma) {
        DiffusionSpectralEntropy.builder().sigma(sigma);
        this.sigma = sigma;
        return self();
    }

    /** t (default 1). */
    public J t(double t) {
        DiffusionSpectralEntropy.builder().t(t);
        this.t = t;
        return self();
    }

    /** {@code auto} (default), {@code cpu} or {@code gpu}, for every task (see {@link TaskBackend}). */
    public J backend(String backend) {
        this.backend = BackendKind.parse(backend, "backend");
        return self();
    }

    /** CPU threads per task (default: {@code spark.task.cpus}, so that concurrent tasks share the cores). */
    public J threads(int threads) {
        DiffusionSpectralEntropy.builder().threads(threads);
        this.threads = threads;
        return self();
    }

    /** Gives {@code other} this job's groups, vectors, σ, t, backend and threads. */
    <K extends GroupedJob<K>> K sameSettings(K other) {
        other.groups = groups.clone();
        other.vectors = vectors;
        other.sigma = sigma;
        other.t = t;
        other.backend = backend;
        other.threads = threads;
        return other;
    }

    /** The label column, or null when the job has none. */
    String labels() {
        return null;
    }

    /** The job's columns between the keys and {@code backend}. */
    abstract List<StructField> columns();

    /** The task that computes one group; {@code sizes}: each group's rows. */
    abstract GroupTask task(GroupData.Spec spec, List<List<Object>> keys, List<Integer> sizes);

    /**
     * Runs the job and returns its result, one row per group.
     *
     * @throws InvalidInputException       before any computation for a missing column, a column of another type,
     *                                     an empty table, or a group with fewer than 2 rows, vectors of different
     *                                     lengths or a null vector or label (naming the column and the group); from
     *                                     the group's task for a .npy file the parser refuses
     * @throws BackendUnavailableException from a task that asked for {@code gpu} where the GPU cannot run
     */
    public Dataset<Row> run() {
        List<Row> results;
        List<StructField> fields;
        try (GroupedTable grouped = new GroupedTable(table, groups, vectors, labels())) {
            GroupData.Spec spec = new GroupData.Spec(groups.clone(), vectors, labels(), grouped.kind());
            try {
                results = grouped.partitioned().mapPartitionsWithIndex(task(spec, grouped.keys(),
                        grouped.sizes()), true).collect();
            } catch (Exception e) {
                // A task's failure reaches the driver as a SparkException (checked, thrown through Scala undeclared).
                throw unwrapped(e);
            }
            fields = new ArrayList<>(grouped.keyFields());
        }
        // collect() returns the partitions in order, and partition i holds group i: the first-appearance order.
        fields.addAll(columns());
        fields.add(DataTypes.createStructField("backend", DataTypes.StringType, false));
        fields.add(DataTypes.createStructField("device", DataTypes.IntegerType, true));
        fields.add(DataTypes.createStructField("backend_note", DataTypes.StringType, true));
        fields.add(DataTypes.createStructField("seconds", DataTypes.DoubleType, false));
        return table.sparkSession().createDataFrame(results, DataTypes.createStructType(fields));
    }

    /** The library's own exception when a task failed with one, else the failure as it came. */
    private static RuntimeException unwrapped(Exception e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof InvalidInputException || c instanceof BackendUnavailableException) {
                return (RuntimeException) c;
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }

    /** One group's computation, on an executor: the group's data, the task's backend, the job's values. */
    abstract static class GroupTask
            implements
                Function2<Integer, Iterator<Tuple2<GroupedTable.GroupPosition, ShuffledRow>>, Iterator<Row>> {
        private static final long serialVersionUID = 1L;
        private final GroupData.Spec spec;
        private final List<List<Object>> keys;
        private final List<Integer> sizes;
        final BackendKind backend;
        private final int threads;
        private final int maxN;
        private final long seed;

        /** @param maxN, seed the subsample the job's computation takes beyond maxN rows (as the core library) */
        GroupTask(GroupData.Spec spec, List<List<Object>> keys, List<Integer> sizes, BackendKind backend, int threads,
                  int maxN, long seed) {
            this.spec = spec;
            this.keys = keys;
            this.sizes = sizes;
            this.backend = backend;
            this.threads = threads;
            this.maxN = maxN;
            this.seed = seed;
        }

        /** The job's values for the group, computed on {@code on}; then the backend's columns follow. */
        abstract Computed compute(GroupData group, TaskBackend on, int threads);

        @Override
        public Iterator<Row> call(Integer partition, Iterator<Tuple2<GroupedTable.GroupPosition, ShuffledRow>> rows) {
            GroupData group = GroupData.of(rows, spec, keys.get(partition), sizes.get(partition), maxN, seed);
            if (group == null) {
                return Collections.emptyIterator();
            }
            TaskBackend on = TaskBackend.choose(backend);
            Computed computed;
            try {
                computed = compute(group, on, threads > 0 ? threads : TaskBackend.taskThreads());
            } catch (InvalidInputException e) {
                // The library names the row and the column of the group's points; the caller needs the group too.
                throw new InvalidInputException(e.argument(), group.name() + ": " + e.problem());
            }
            List<Object> values = new ArrayList<>(group.key());
            Collections.addAll(values, computed.values());
            BackendSelection selection = computed.selection();
            boolean gpu = selection.chosen().startsWith("gpu");
            values.add(selection.chosen());
            values.add(gpu ? on.device().ordinal() : null);
            String note = on.note();
            if (!gpu && on.device() != null) {
                note = String.join("; ", selection.reasons());   // auto moved a problem too large for the GPU
            }
            values.add(note);
            values.add(computed.seconds());
            return List.of(RowFactory.create(values.toArray())).iterator();
        }
    }

    /** A group's values, the selection that ran it and its seconds. */
    record Computed(Object[] values, BackendSelection selection, double seconds) {
    }
}
