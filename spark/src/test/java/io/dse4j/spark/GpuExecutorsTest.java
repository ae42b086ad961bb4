package io.dse4j.spark;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.Matrix;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GPUs on executors, on the CUDA stand-in: a local cluster of one executor JVM with 2 cores and 2 GPUs (a fake
 * discovery script reports addresses 0 and 1), one GPU per task. Tasks run on the device Spark assigned them —
 * both devices used, each group's row naming its device; two tasks running at once see different addresses and get
 * those devices' backends — and the executor opens one GPU backend per device, not one per task (the stand-in counts the cuBLAS handles it created and the allocations on each device); the values
 * equal the CPU's.
 */
class GpuExecutorsTest {

    private static final String STANDIN = System.getProperty("dse4j.test.standin");

    @TempDir
    Path dir;

    @Test
    void tasksComputeOnTheGpuSparkAssignedThemWithOneBackendPerDevice() throws Exception {
        assertTrue(STANDIN != null && Files.isRegularFile(Path.of(STANDIN)),
                "the CUDA stand-in must be built (native/build.sh) and named by -Ddse4j.test.standin: " + STANDIN);
        Path script = dir.resolve("gpus.sh");
        Files.writeString(script, "#!/bin/sh\necho '{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        SparkSession spark = SparkSession.builder().master("local-cluster[1,2,1024]").appName("dse4j-gpu-test")
                .config("spark.ui.enabled", "false")
                .config("spark.worker.resource.gpu.amount", "2")
                .config("spark.worker.resource.gpu.discoveryScript", script.toString())
                .config("spark.executor.resource.gpu.amount", "2")
                .config("spark.executor.resource.gpu.discoveryScript", script.toString())
                .config("spark.task.resource.gpu.amount", "1")
                .config("spark.executor.extraClassPath", classPath)
                .config("spark.executor.extraJavaOptions", "--enable-native-access=ALL-UNNAMED "
                        + "--sun-misc-unsafe-memory-access=allow --add-modules jdk.incubator.vector "
                        + "-Ddse4j.cuda.libraries=" + STANDIN + " -Ddse4j.cuda.kernelCache=" + dir.resolve("kernels"))
                // What the launcher reads to start an executor from a test's class path, the executor's JDK (this
                // one, not whatever JAVA_HOME names), and the stand-in's two simulated devices.
                .config("spark.executorEnv.SPARK_TESTING", "1")
                .config("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
                .config("spark.executorEnv.JAVA_HOME", System.getProperty("java.home"))
                .config("spark.executorEnv.DSE4J_STANDIN_DEVICES", "2")
                .getOrCreate();
        try {
            Random random = new Random(3);
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 6 * 70; i++) {
                List<Double> v = new ArrayList<>();
                for (int k = 0; k < 6; k++) {
                    v.add(3 * random.nextGaussian() + (i % 6));
                }
                rows.add(RowFactory.create("g" + (i % 6), v));
            }
            Dataset<Row> table = spark.createDataFrame(rows, DataTypes.createStructType(List.of(
                    DataTypes.createStructField("model", DataTypes.StringType, false),
                    DataTypes.createStructField("embedding", DataTypes.createArrayType(DataTypes.DoubleType), false))));
            List<Row> result = Dse4jSpark.entropy(table).groupBy("model").vectors("embedding").sigma(4)
                    .backend("gpu").run().collectAsList();
            assertEquals(6, result.size());
            Set<Integer> devices = new HashSet<>();
            for (Row r : result) {
                assertEquals("gpu (stand-in)", r.getString(r.fieldIndex("backend")));
                devices.add(r.getInt(r.fieldIndex("device")));
                assertTrue(r.isNullAt(r.fieldIndex("backend_note")), r.toString());
                double[][] points = new double[70][];
                int at = 0;
                for (Row row : rows) {
                    if (row.getString(0).equals(r.getString(0))) {
                        @SuppressWarnings("unchecked")
                        List<Double> v = (List<Double>) row.get(1);
                        points[at++] = v.stream().mapToDouble(Double::doubleValue).toArray();
                    }
                }
                try (var dse = DiffusionSpectralEntropy.builder().backend("cpu").sigma(4).build()) {
                    assertEquals(dse.compute(Matrix.of(points)).entropy(), r.getDouble(r.fieldIndex("dse")), 1e-9);
                }
            }
            assertEquals(Set.of(0, 1), devices, "tasks ran on both GPUs Spark assigned");
            // auto takes the assigned GPU too, on the backends already open.
            for (Row r : Dse4jSpark.entropy(table).groupBy("model").vectors("embedding").sigma(4).run()
                    .collectAsList()) {
                assertEquals("gpu (stand-in)", r.getString(r.fieldIndex("backend")), r.toString());
            }

            // Two tasks that provably run at the same time (each waits until both have started) see different GPU
            // addresses, and the backend each is given is that device's.
            Path rendezvous = Files.createDirectories(dir.resolve("rendezvous"));
            String meeting = rendezvous.toString();
            List<int[]> seen = new JavaSparkContext(spark.sparkContext()).parallelize(List.of(0, 1), 2)
                    .map(i -> concurrentChoice(meeting, i)).collect();
            assertEquals(2, seen.size());
            assertTrue(seen.get(0)[0] != seen.get(1)[0], "concurrent tasks got GPUs " + seen.get(0)[0] + " and "
                    + seen.get(1)[0]);
            for (int[] s : seen) {
                assertEquals(s[0], s[1], "the backend opened the assigned device");
            }

            // In the executor JVM: one backend per device (two cuBLAS handles for six tasks), allocations on both.
            String standIn = STANDIN;
            List<long[]> ledgers = new JavaSparkContext(spark.sparkContext()).parallelize(List.of(0), 1)
                    .map(ignored -> executorLedger(standIn)).collect();
            long[] ledger = ledgers.get(0);
            assertEquals(2, ledger[0], "GPU backends open in the executor");
            assertEquals(2, ledger[1], "cuBLAS handles created: one per device, not one per task (12 tasks)");
            assertTrue(ledger[2] > 0 && ledger[3] > 0, "allocations on device 0 and device 1: " + ledger[2] + ", "
                    + ledger[3]);
        } finally {
            spark.stop();
        }
    }

    /**
     * In a task: announces itself in {@code meeting}, waits (up to 60 s) until the other task has too — so both are
     * running at once — then returns {the GPU address Spark assigned, the device of the backend TaskBackend gives}.
     */
    private static int[] concurrentChoice(String meeting, int index) throws Exception {
        Path dir = Path.of(meeting);
        Files.createFile(dir.resolve("task-" + index));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try (var entries = Files.list(dir)) {
                if (entries.count() >= 2) {
                    break;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the other task never started: the two did not run at once");
            }
            Thread.sleep(20);
        }
        int address = Integer.parseInt(TaskContext.get().resourcesJMap().get("gpu").addresses()[0]);
        TaskBackend backend = TaskBackend.choose(io.dse4j.BackendKind.GPU);
        return new int[] {address, backend.device().ordinal()};
    }

    /** The executor's open devices, cuBLAS handles created, and allocations on devices 0 and 1 (the stand-in's). */
    private static long[] executorLedger(String standIn) {
        try {
            return ledger(standIn);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static long[] ledger(String standIn) throws Throwable {
        assertTrue(TaskContext.get() != null);
        Linker linker = Linker.nativeLinker();
        // The library the backend loaded: the same path, so the same copy and the same counters.
        SymbolLookup library = SymbolLookup.libraryLookup(Path.of(standIn), Arena.global());
        MethodHandle calls = linker.downcallHandle(library.find("dse4j_standin_calls").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        MethodHandle on = linker.downcallHandle(library.find("dse4j_standin_allocations_on").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            long handles = (long) calls.invokeExact(arena.allocateFrom("cublasCreate_v2"));
            return new long[] {TaskBackend.openDevices(), handles, (long) on.invokeExact(0), (long) on.invokeExact(1)};
        }
    }
}
