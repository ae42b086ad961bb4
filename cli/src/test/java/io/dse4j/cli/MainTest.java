package io.dse4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command-line contract: JSON fields, the report's first line, exit codes 0/2/1 and messages on stderr. */
class MainTest {

    @TempDir
    Path dir;

    private static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    @Test
    void jsonOutputIsExactlyOneObjectWithTheContractFields() throws IOException {
        CommandRun o = run("entropy", "--example", "swiss-roll", "--n", "300", "--backend", "cpu", "--json");
        assertEquals(0, o.code(), o.err());
        JsonNode json = new ObjectMapper().readTree(o.out());
        assertEquals("dse", json.get("measure").asText());
        assertTrue(json.get("entropy").isDouble());
        assertEquals(300, json.get("n").asInt());
        assertEquals(3, json.get("d").asInt());
        assertEquals(10.0, json.get("sigma").asDouble());
        assertEquals(1.0, json.get("t").asDouble());
        assertEquals("cpu", json.get("backend").asText());
        assertEquals("cpu", json.get("selection").get("requested").asText());
        assertEquals("argument", json.get("selection").get("source").asText());
        assertTrue(json.get("seconds").asDouble() > 0);
        assertTrue(json.get("stages").has("tridiagonal"));
        assertEquals(1, o.out().strip().lines().count(), "one line of JSON");
    }

    @Test
    void aCommandLineNamingASubcommandBuildsThatOneOnlyAndTheTopLevelHelpListsThemAll() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(java.util.Set.of("entropy"), Main.commandLine(sink, sink, "entropy").getSubcommands().keySet());
        assertEquals(java.util.Set.of("track"), Main.commandLine(sink, sink, "track").getSubcommands().keySet());
        assertEquals(java.util.Set.of("entropy", "mi", "spectrum", "track", "example-run", "version", "help",
                "completion"), Main.commandLine(sink, sink, "--help").getSubcommands().keySet());
        CommandRun help = run("--help");
        assertEquals(0, help.code(), help.err());
        for (String command : new String[] {"entropy", "mi", "spectrum", "track", "example-run", "completion"}) {
            assertTrue(help.out().contains(command), command + " missing from the help:\n" + help.out());
        }
        CommandRun unknown = run("entropi", "--input", "x.npy");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown command 'entropi'"), unknown.err());
    }

    @Test
    void jsonEntropyHasFullPrecisionAndMatchesTheReference() throws IOException {
        Path input = Path.of(getClass().getResource("/swissroll_700x3.npy").getPath());
        CommandRun o = run("entropy", "--input", input.toString(), "--backend", "cpu", "--json");
        assertEquals(0, o.code(), o.err());
        double entropy = new ObjectMapper().readTree(o.out()).get("entropy").asDouble();
        assertEquals(3.1438583819947, entropy, 1e-9);
    }

    @Test
    void reportStartsWithTheBackendSelection() {
        CommandRun o = run("entropy", "--example", "uniform", "--n", "100", "--d", "4", "--t", "2.5");
        assertEquals(0, o.code(), o.err());
        String first = o.out().lines().findFirst().orElseThrow();
        assertTrue(first.startsWith("backend cpu (requested auto"), first);
        // A short line for a person (the probe's summary); every reason stays in the JSON's selection.
        assertTrue(first.endsWith("; --backend gpu for details)"), first);
        assertTrue(first.length() < 160, first);
        JsonNode selection;
        try {
            selection = new ObjectMapper().readTree(run("entropy", "--example", "uniform", "--n", "100", "--json")
                    .out())
                    .get("selection");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertTrue(selection.get("reasons").get(0).asText().startsWith("GPU unavailable: "), selection.toString());
        assertTrue(first.contains(selection.get("summary").asText()), selection.toString());
        assertTrue(o.out().contains("DSE = "), o.out());
    }

    @Test
    void csvInputWorks() throws IOException {
        Path csv = dir.resolve("points.csv");
        Files.writeString(csv, "a,b\n0,0\n1,0\n0,1\n5,5\n");
        CommandRun o = run("entropy", "--input", csv.toString(), "--sigma", "1", "--json");
        assertEquals(0, o.code(), o.err());
    }

    @Test
    void badUsageAndBadInputExitWithTwoAndNameTheProblem() throws IOException {
        assertBad(run(), "usage: dse4j");
        assertBad(run("frobnicate"), "unknown command 'frobnicate'");
        assertBad(run("entropy"), "exactly one of --input FILE or --example NAME");
        assertBad(run("entropy", "--example", "blobs", "--sigma", "0"), "sigma: must be a finite number > 0");
        assertBad(run("entropy", "--example", "blobs", "--sigma", "abc"),
                "--sigma must be a decimal number, got 'abc'");
        assertBad(run("entropy", "--example", "blobs", "--t", "-1"), "t: must be a finite number ≥ 0");
        assertBad(run("entropy", "--example", "blobs", "--max-n", "1"),
                "--max-n must be between 2 and 2147483647, got 1");
        assertBad(run("entropy", "--example", "blobs", "--backend", "tpu"), "must be one of auto, cpu, gpu");
        // No GPU on the machines this suite runs on: gpu exits 2 with the reasons.
        assertBad(run("entropy", "--example", "blobs", "--backend", "gpu"), "backend 'gpu' is unavailable: ");
        assertBad(run("entropy", "--example", "blobs", "--precision", "f16"),
                "must be f64 (or double, float64) or f32");
        assertBad(run("entropy", "--example", "spiral"), "unknown example 'spiral'");
        assertBad(run("entropy", "--example", "blobs", "--bogus"), "unknown option --bogus");
        assertBad(run("entropy", "--example", "blobs", "--n", "1"), "--n must be between 2 and 2147483647, got 1");
        assertBad(run("entropy", "--example", "blobs", "--measure", "cse", "--eigenvalues-cache", "x.npz"),
                "--eigenvalues-cache applies to the spectral measures");
        assertBad(run("entropy", "--example", "blobs", "--knn", "5"), "--knn applies to --measure ase-knn only");
        assertBad(run("entropy", "--example", "blobs", "--n", "50", "--measure", "ase-knn", "--knn", "50"),
                "knn: must be smaller than N = 50");
        assertBad(run("entropy", "--input", dir.resolve("missing.npy").toString()), "no such file");
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "1,2\n3,x\n");
        assertBad(run("entropy", "--input", bad.toString()), "line 2, column 2: 'x' is not a number");
        Path nan = dir.resolve("nan.csv");
        Files.writeString(nan, "1,2\n3,NaN\n4,5\n");
        assertBad(run("entropy", "--input", nan.toString()), nan + ": line 2, column 2: 'NaN' is not a finite number");
        Path one = dir.resolve("one.csv");
        Files.writeString(one, "1,2\n");
        assertBad(run("entropy", "--input", one.toString()), "needs at least 2 rows");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10d", "2f", "0x1p3", "1e", ".", "nan", "NaN", "inf", "-inf", "Infinity", "-Infinity"})
    void numberOptionsTakeOnlyFiniteDecimalNumbers(String value) {
        assertBad(run("entropy", "--example", "blobs", "--sigma", value),
                "--sigma must be a decimal number, got '" + value + "'");
        assertBad(run("mi", "--input", "z.csv", "--clusters-in", "c.npy", "--t", value),
                "--t must be a decimal number, got '" + value + "'");
    }

    @Test
    void numberOptionsBeyondTheRangeOfADoubleAreRefused() {
        assertBad(run("entropy", "--example", "blobs", "--sigma", "1e400"),
                "--sigma must be a decimal number within the range of a double (about ±1.8e308), got '1e400'");
    }

    @Test
    void everyDecimalFormIsAcceptedAsANumber() throws IOException {
        for (String sigma : new String[] {"10", "+10", "10.", "1e1", "1.0E+1", "100e-1"}) {
            CommandRun o = run("entropy", "--example", "blobs", "--n", "40", "--sigma", sigma, "--backend", "cpu",
                    "--json");
            assertEquals(0, o.code(), sigma + ": " + o.err());
            assertEquals(10.0, new ObjectMapper().readTree(o.out()).get("sigma").asDouble(), sigma);
        }
    }

    @Test
    void integerOptionsNameTheirAllowedRange() {
        assertBad(run("entropy", "--example", "blobs", "--max-n", "3000000000"),
                "--max-n must be between 2 and 2147483647, got 3000000000");
        assertBad(run("entropy", "--example", "blobs", "--seed", "99999999999999999999"),
                "--seed must be between -9223372036854775808 and 9223372036854775807, got 99999999999999999999");
        assertBad(run("entropy", "--example", "blobs", "--n", "1e3"), "--n must be an integer, got '1e3'");
        assertBad(run("entropy", "--example", "blobs", "--threads", "100000"),
                "--threads must be between 1 and 32767, got 100000");
        assertBad(run("entropy", "--example", "blobs", "--threads", "0"),
                "--threads must be between 1 and 32767, got 0");
        assertBad(run("entropy", "--example", "blobs", "--device", "-1"),
                "--device must be between 0 and 2147483647, got -1");
        // A device for the GPU backend: the CPU backend ignores it.
        CommandRun onCpu = run("entropy", "--example", "blobs", "--n", "200", "--backend", "cpu", "--device", "3");
        assertEquals(0, onCpu.code(), onCpu.err());
        assertBad(run("entropy", "--example", "blobs", "--measure", "cse", "--bins", "0"),
                "--bins must be between 1 and 2147483647, got 0");
        assertBad(run("mi", "--input", "z.csv", "--clusters-in", "c.npy", "--threads", "100000"),
                "--threads must be between 1 and 32767, got 100000");
        assertBad(run("mi", "--input", "z.csv", "--clusters-in", "c.npy", "--clusters", "1"),
                "--clusters must be between 2 and 2147483647, got 1");
    }

    @Test
    void anExplicitZeroSizeIsAnErrorAndTheDefaultsApplyOnlyWhenAnOptionIsAbsent() throws IOException {
        assertBad(run("entropy", "--example", "blobs", "--d", "0"), "--d must be between 1 and 2147483647, got 0");
        assertBad(run("entropy", "--example", "uniform", "--n", "0"), "--n must be between 2 and 2147483647, got 0");
        assertBad(run("entropy", "--example", "uniform", "--n", "1"), "--n must be between 2 and 2147483647, got 1");
        assertBad(run("entropy", "--example", "swiss-roll", "--d", "0"),
                "--d must be between 1 and 2147483647, got 0");
        assertBad(run("entropy", "--example", "swiss-roll", "--d", "4"), "the swiss roll is 3-dimensional");
        CommandRun defaults = run("entropy", "--example", "blobs", "--max-n", "60", "--backend", "cpu", "--json");
        assertEquals(0, defaults.code(), defaults.err());
        JsonNode json = new ObjectMapper().readTree(defaults.out());
        assertEquals(1000, json.get("input_rows").asInt());
        assertEquals(10, json.get("d").asInt());
        CommandRun roll = run("entropy", "--example", "swiss-roll", "--n", "50", "--backend", "cpu", "--json");
        assertEquals(0, roll.code(), roll.err());
        assertEquals(3, new ObjectMapper().readTree(roll.out()).get("d").asInt());
    }

    @Test
    void exampleSizesBeyondOneArrayOrTheHeapAreRefusedBeforeAllocating() {
        assertBad(run("entropy", "--example", "uniform", "--n", "2000000000", "--d", "2000000000"),
                "--n 2000000000 × --d 2000000000 = 4000000000000000000 values, more than one Java array holds");
        assertBad(run("entropy", "--example", "swiss-roll", "--n", "2000000000"),
                "--n 2000000000 × --d 3 = 6000000000 values, more than one Java array holds");
        // 2·10⁹ doubles fit one array but need 14.9 GiB: more than this JVM's heap unless the machine is huge.
        Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() < 2_000_000_000L * Double.BYTES);
        CommandRun o = run("entropy", "--example", "uniform", "--n", "1000000000", "--d", "2");
        assertBad(o, "--n 1000000000 × --d 2 = 2000000000 values need 14.9 GiB, more than the ");
        assertTrue(o.err().contains("GiB heap; lower --n or --d, or raise -Xmx through DSE4J_JAVA_OPTS"), o.err());
    }

    @Test
    void precisionAliasesAreAcceptedAndListed() throws IOException {
        for (String[] alias : new String[][] {{"double", "f64"}, {"float64", "f64"}, {"float", "f32"},
            {"float32", "f32"}}) {
            CommandRun o = run("entropy", "--example", "blobs", "--n", "40", "--precision", alias[0], "--backend",
                    "cpu",
                    "--json");
            assertEquals(0, o.code(), o.err());
            assertEquals(alias[1], new ObjectMapper().readTree(o.out()).get("precision").asText(), alias[0]);
        }
        String listed = "f64 (or double, float64) | f32 (or float, float32)";
        assertTrue(run("entropy", "--help").out().contains(listed), "entropy --help lists the aliases");
        assertBad(run("entropy", "--example", "blobs", "--precision", "f16"),
                "precision: must be f64 (or double, float64) or f32 (or float, float32), got 'f16'");
    }

    private static void assertBad(CommandRun o, String message) {
        assertEquals(2, o.code(), "exit code; stderr: " + o.err());
        assertTrue(o.err().contains(message), "stderr should contain '" + message + "' but was: " + o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
        assertTrue(o.out().isEmpty(), "nothing on stdout: " + o.out());
    }

    @Test
    void miCommandGivesTheJsonContractAndReusableClusters() throws IOException {
        Path z = dir.resolve("z.csv");
        Path y = dir.resolve("y.csv");
        StringBuilder zs = new StringBuilder();
        StringBuilder ys = new StringBuilder();
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 90; i++) {
            int label = i % 3;
            zs.append(label * 30 + random.nextGaussian()).append(',').append(random.nextGaussian()).append('\n');
            ys.append(label).append('\n');
        }
        Files.writeString(z, zs);
        Files.writeString(y, ys);
        Path clusters = dir.resolve("clusters.npy");
        CommandRun o = run("mi", "--input", z.toString(), "--reference", y.toString(), "--backend", "cpu",
                "--clusters-out", clusters.toString(), "--json");
        assertEquals(0, o.code(), o.err());
        JsonNode json = new ObjectMapper().readTree(o.out());
        assertEquals("dsmi", json.get("measure").asText());
        assertEquals(90, json.get("n").asInt());
        assertEquals(3, json.get("classes").size());
        assertTrue(json.get("mi").asDouble() > 0.5, o.out());
        assertEquals("discrete", json.get("reference").asText());
        assertTrue(json.has("selection") && json.has("seconds") && json.has("backend"));
        CommandRun again = run("mi", "--input", z.toString(), "--clusters-in", clusters.toString(), "--backend", "cpu",
                "--json");
        assertEquals(0, again.code(), again.err());
        assertEquals(json.get("mi").asDouble(), new ObjectMapper().readTree(again.out()).get("mi").asDouble(), 0.0);
        Path short_ = dir.resolve("short.csv");
        Files.writeString(short_, "1\n2\n");
        assertBad(run("mi", "--input", z.toString(), "--reference", short_.toString()), "Z has 90 rows but the "
                + "reference has 2");
        assertBad(run("mi", "--input", z.toString(), "--reference", y.toString(), "--measure", "nmi"),
                "measure: must be one of dsmi, csmi, matrix-entry");
        assertBad(run("mi", "--input", z.toString()), "exactly one of --reference Y or --clusters-in");
    }

    /**
     * Every option that a measure does not use is refused when given, naming the option and the measure (it was
     * accepted and changed nothing); the same options left out, or given to a measure that uses them, are accepted.
     */
    @Test
    void anOptionAMeasureIgnoresIsRefusedNamingBoth() {
        java.util.Map<String, String> value = java.util.Map.of("--sigma", "2", "--t", "2", "--kernel", "gaussian",
                "--alpha", "1", "--precision", "f32", "--backend", "cpu", "--device", "0", "--threads", "1",
                "--bins", "3", "--knn", "3");
        String[][] entropyPairs = {
            {"cse", "--sigma"}, {"cse", "--t"}, {"cse", "--kernel"}, {"cse", "--alpha"}, {"cse", "--precision"},
            {"cse", "--backend"}, {"cse", "--device"}, {"cse", "--threads"},
            {"matrix-entry", "--t"}, {"matrix-entry", "--kernel"}, {"matrix-entry", "--alpha"},
            {"rankme", "--sigma"}, {"rankme", "--t"}, {"rankme", "--kernel"}, {"rankme", "--alpha"},
            {"rankme", "--precision"}, {"rankme", "--backend"}, {"rankme", "--device"},
            {"vne", "--sigma"}, {"vne", "--t"}, {"vne", "--kernel"}, {"vne", "--alpha"}, {"vne", "--precision"},
            {"vne", "--backend"}, {"vne", "--device"},
            {"ase-gaussian", "--t"}, {"ase-anisotropic", "--t"},
            {"ase-knn", "--t"}, {"ase-knn", "--sigma"}, {"ase-knn", "--kernel"}, {"ase-knn", "--alpha"},
            {"ase-knn", "--precision"},
        };
        for (String[] pair : entropyPairs) {
            assertBad(run("entropy", "--example", "blobs", "--n", "40", "--measure", pair[0], pair[1],
                    value.get(pair[1])), pair[1] + " has no effect on --measure " + pair[0] + " (");
        }
        String[][] miPairs = {
            {"dsmi", "--bins"}, {"dsmi", "--knn"},
            {"csmi", "--sigma"}, {"csmi", "--t"}, {"csmi", "--knn"}, {"csmi", "--precision"}, {"csmi", "--backend"},
            {"csmi", "--device"},
            {"matrix-entry", "--t"}, {"matrix-entry", "--bins"}, {"matrix-entry", "--knn"},
            {"asmi-gaussian", "--t"}, {"asmi-gaussian", "--bins"}, {"asmi-gaussian", "--knn"},
            {"asmi-anisotropic", "--t"}, {"asmi-anisotropic", "--bins"}, {"asmi-anisotropic", "--knn"},
            {"asmi-knn", "--sigma"}, {"asmi-knn", "--t"}, {"asmi-knn", "--bins"}, {"asmi-knn", "--precision"},
        };
        for (String[] pair : miPairs) {
            assertBad(run("mi", "--input", "z.csv", "--clusters-in", "c.npy", "--measure", pair[0], pair[1],
                    value.get(pair[1])), pair[1] + " has no effect on --measure " + pair[0] + " (");
        }
        // The message says what the measure uses instead and what to do.
        assertBad(run("entropy", "--example", "blobs", "--measure", "ase-gaussian", "--t", "2"), "--t has no effect on "
                + "--measure ase-gaussian (adjacency spectral entropy has no diffusion time); leave it out");
        // A σ beside a per-point kernel, whose σᵢ come from the neighbours, is refused as well.
        for (String kernel : new String[] {"adaptive:5", "alpha-decay:5,40"}) {
            assertBad(run("entropy", "--example", "blobs", "--n", "40", "--kernel", kernel, "--sigma", "2"),
                    "--sigma has no effect with --kernel " + kernel);
        }

        // Used options are accepted: cse's bins, seed, max-n; ase-knn's knn, backend and threads; matrix-entry's σ
        // and precision; a measure's defaults are never "given".
        for (String[] accepted : new String[][] {
            {"--measure", "cse", "--bins", "3", "--seed", "1", "--max-n", "30"},
            {"--measure", "ase-knn", "--knn", "3", "--backend", "cpu", "--threads", "1"},
            {"--measure", "matrix-entry", "--sigma", "2", "--precision", "f32"},
            {"--measure", "ase-gaussian", "--sigma", "2", "--alpha", "1"},
            {"--measure", "rankme", "--threads", "1", "--seed", "1", "--max-n", "30"},
            {"--measure", "vne", "--threads", "2", "--max-n", "30"},
        }) {
            String[] args = new String[accepted.length + 5];
            System.arraycopy(new String[] {"entropy", "--example", "blobs", "--n", "40"}, 0, args, 0, 5);
            System.arraycopy(accepted, 0, args, 5, accepted.length);
            CommandRun o = run(args);
            assertEquals(0, o.code(), String.join(" ", accepted) + ": " + o.err());
        }
    }

    @Test
    void aSafetensorsHeaderNestedThousandsDeepIsRefusedWithExitTwoNotACrash() throws IOException {
        // It ended in a StackOverflowError (exit 1, "internal error").
        byte[] json = ("[".repeat(5000) + "]".repeat(5000)).getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer file = java.nio.ByteBuffer.allocate(8 + json.length)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json);
        Path deep = dir.resolve("deep.safetensors");
        Files.write(deep, file.array());
        assertBad(run("entropy", "--input", deep.toString()), deep + ": the .safetensors header nests arrays and "
                + "objects more than 128 deep");
    }

    @Test
    void entropyMeasureCseCountsBins() throws IOException {
        Path csv = dir.resolve("bins.csv");
        Files.writeString(csv, "0\n0\n1\n1\n");
        CommandRun o = run("entropy", "--input", csv.toString(), "--measure", "cse", "--json");
        assertEquals(0, o.code(), o.err());
        JsonNode json = new ObjectMapper().readTree(o.out());
        assertEquals("cse", json.get("measure").asText());
        assertEquals(1.0, json.get("entropy").asDouble(), 1e-12);
    }

    @Test
    void eigenvalueCacheIsWrittenOnceAndThenUsed() throws IOException {
        Path cache = dir.resolve("eig.npz");
        CommandRun first = run("entropy", "--example", "uniform", "--n", "150", "--eigenvalues-cache", cache.toString(),
                "--json");
        assertEquals(0, first.code(), first.err());
        assertTrue(Files.exists(cache));
        CommandRun second = run("entropy", "--example", "uniform", "--n", "150", "--eigenvalues-cache", cache
                .toString(),
                "--t", "1", "--json");
        assertEquals(0, second.code(), second.err());
        JsonNode a = new ObjectMapper().readTree(first.out());
        JsonNode b = new ObjectMapper().readTree(second.out());
        assertEquals("cache", b.get("backend").asText());
        assertEquals(a.get("entropy").asDouble(), b.get("entropy").asDouble(), 1e-15);
        // A cache of 150 eigenvalues is not the spectrum of 151 points: refused, not used for the wrong input.
        CommandRun other = run("entropy", "--example", "uniform", "--n", "151", "--eigenvalues-cache", cache
                .toString());
        assertBad(other, "holds the eigenvalues of another computation (n: 150 in the cache, 151 now");
    }

    @Test
    void aPandasCsvIsReadWithoutItsIndexColumnAndTheCommandSaysSo() throws IOException {
        // DataFrame.to_csv(): an empty first header cell and an index 0..N-1; read as a feature it gave D = 6.
        Path csv = dir.resolve("pandas.csv");
        Files.writeString(csv, ",a,b,c,d,e\n0,1,2,3,4,5\n1,2,3,4,5,6\n2,0,1,0,1,0\n");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        java.util.logging.Handler handler = LibraryLog.install(new PrintStream(log, true, StandardCharsets.UTF_8),
                java.util.logging.Level.WARNING);
        CommandRun o;
        try {
            o = run("entropy", "--input", csv.toString(), "--backend", "cpu", "--json");
        } finally {
            java.util.logging.Logger.getLogger("io.dse4j").removeHandler(handler);
            java.util.logging.Logger.getLogger("io.dse4j").setUseParentHandlers(true);
        }
        assertEquals(0, o.code(), o.err());
        assertEquals(5, new ObjectMapper().readTree(o.out()).get("d").asInt());
        assertTrue(log.toString(StandardCharsets.UTF_8).startsWith("dse4j: warning: " + csv
                + ": the header's first cell is empty, as pandas writes its index; the first column was dropped"),
                log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void finiteValuesWhoseSquaresOverflowThePrecisionAreBadInputNotAnInternalError() throws IOException {
        Path far = dir.resolve("far.csv");
        Files.writeString(far, "1e300,0\n0,1\n2,2\n");
        assertBad(run("entropy", "--input", far.toString(), "--backend", "cpu"),
                "values too large for the squared distances in f64");
        Path large = dir.resolve("large.csv");
        Files.writeString(large, "1e20,0\n0,1\n2,2\n");
        assertBad(run("entropy", "--input", large.toString(), "--backend", "cpu", "--precision", "f32"),
                "use precision f64");
        assertEquals(0, run("entropy", "--input", large.toString(), "--backend", "cpu").code());
    }

    @Test
    void precomputedLabelsBeyondTheIntRangeAreRefusedNotMerged() throws IOException {
        Path z = dir.resolve("z4.csv");
        Files.writeString(z, "0,1\n1,0\n5,5\n6,5\n");
        Path labels = dir.resolve("labels.npy");
        // 3e9 and 5e9: cast to int, both became 2147483647 and the two classes one.
        io.dse4j.io.NpyWriter.writeLongs(labels, new long[] {3_000_000_000L, 3_000_000_000L, 5_000_000_000L,
            5_000_000_000L}, 4);
        assertBad(run("mi", "--input", z.toString(), "--clusters-in", labels.toString()),
                labels + ": class labels (--clusters-in): discrete labels must lie in the int range");
        Path fractional = dir.resolve("fractional.npy");
        io.dse4j.io.NpyWriter.writeDoubles(fractional, new double[] {0, 0.5, 1, 1}, 4);
        assertBad(run("mi", "--input", z.toString(), "--clusters-in", fractional.toString()),
                "discrete labels must be integers; row 1 (0-based) is 0.5");
    }

    @Test
    void versionPrintsTheVersion() {
        CommandRun o = run("--version");
        assertEquals(0, o.code());
        assertTrue(o.out().startsWith("dse4j "), o.out());
    }

    @Test
    void everyCommandHasHelpWithItsOptionsDefaultsAndAllowedValues() {
        PrintStream systemErr = System.err;
        ByteArrayOutputStream picocliWarnings = new ByteArrayOutputStream();
        CommandRun entropy;
        try {
            // picocli formats descriptions with String.format and warns on System.err when one does not format.
            System.setErr(new PrintStream(picocliWarnings, true, StandardCharsets.UTF_8));
            entropy = run("entropy", "--help");
        } finally {
            System.setErr(systemErr);
        }
        assertEquals(0, entropy.code(), entropy.err());
        assertEquals("", picocliWarnings.toString(StandardCharsets.UTF_8), "every description formats");
        assertTrue(entropy.out().contains("1 % of the powered"), "a literal per cent sign: " + entropy.out());
        assertTrue(entropy.out().startsWith("usage: dse4j entropy"), entropy.out());
        for (String expected : new String[] {"--sigma=S", "(default 10)", "--example=NAME",
            "swiss-roll, blobs, uniform",
            "auto | cpu | gpu", "--json"}) {
            assertTrue(entropy.out().contains(expected), "entropy --help shows " + expected + ": " + entropy.out());
        }
        CommandRun mi = run("mi", "--help");
        assertEquals(0, mi.code(), mi.err());
        assertTrue(mi.out().contains("--repetitions=R") && mi.out().contains("random subsets per class (default 5)"),
                mi.out());
        CommandRun top = run("help");
        assertEquals(0, top.code());
        assertTrue(top.out().contains("entropy") && top.out().contains("mi") && top.out().contains("completion"),
                top.out());
        assertEquals(entropy.out(), run("help", "entropy").out(), "help COMMAND is COMMAND --help");
        assertTrue(run("version").out().startsWith("dse4j "), "the version command");
    }

    @Test
    void theCompletionScriptIsBashAndKnowsTheCommandsAndTheirOptions() {
        CommandRun o = run("completion");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().startsWith("#!/usr/bin/env bash"), o.out());
        for (String expected : new String[] {"complete -F", "entropy", "mi", "--sigma", "--reference-kind",
            "swiss-roll"}) {
            assertTrue(o.out().contains(expected), "completion script mentions " + expected);
        }
    }

    @Test
    void parseErrorsNameTheOptionAndSayWhatIsWrong() {
        assertBad(run("entropy", "--example", "blobs", "--sigma"), "dse4j: --sigma needs a value");
        assertBad(run("entropy", "--example", "blobs", "--sigma", "1", "--sigma", "2"),
                "dse4j: --sigma is given more than once");
        assertBad(run("entropy", "--example", "blobs", "stray"), "dse4j: unexpected argument 'stray'");
        CommandRun unknown = run("entropy", "--example", "blobs", "--sigmaa=3");
        assertBad(unknown, "unknown option --sigmaa; known options: ");
        assertTrue(unknown.err().contains("--sigma ") && !unknown.err().contains("--help"),
                "the known options are the command's own: " + unknown.err());
        assertBad(run("mi", "--input", "z.csv", "--bogus"), "unknown option --bogus");
    }

    @Test
    void aListOfTimesGivesEachDseFromOneDecompositionAndAutoSaysWhichItChose() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode list = json.readTree(run("entropy", "--example", "swiss-roll", "--n", "300", "--t", "1,2,0.5",
                "--backend", "cpu", "--json").out());
        assertEquals(3, list.get("entropies").size());
        assertEquals(1.0, list.get("t").asDouble(), "the first time is the result's");
        assertEquals(list.get("entropy").asDouble(), list.get("entropies").get(0).get("entropy").asDouble(), 0.0);
        for (JsonNode each : list.get("entropies")) {
            JsonNode alone = json.readTree(run("entropy", "--example", "swiss-roll", "--n", "300", "--t",
                    each.get("t").asText(), "--backend", "cpu", "--json").out());
            assertEquals(alone.get("entropy").asDouble(), each.get("entropy").asDouble(), 0.0);
            assertFalse(alone.has("entropies"), "one time: no list");
        }
        JsonNode auto = json.readTree(run("entropy", "--example", "swiss-roll", "--n", "300", "--t", "auto",
                "--backend", "cpu", "--json").out());
        assertEquals("auto", auto.get("t_rule").asText());
        double t = auto.get("t").asDouble();
        assertTrue(t >= 1 && t == Math.rint(t), "an integer t: " + t);
        JsonNode same = json.readTree(run("entropy", "--example", "swiss-roll", "--n", "300", "--t",
                Long.toString((long) t), "--backend", "cpu", "--json").out());
        assertEquals(same.get("entropy").asDouble(), auto.get("entropy").asDouble(), 0.0);
        assertBad(run("entropy", "--example", "blobs", "--t", "1,x"), "--t must be a comma-separated list of "
                + "decimal numbers (such as 1,2,5,10), got '1,x'");
        assertBad(run("entropy", "--example", "blobs", "--t", "1,-2"), "t: must be a finite number ≥ 0, got -2.0");
    }

    @Test
    void sigmaTakesTheMedianOrTheKnnRuleAndWarnsOfADegenerateKernel() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode median = json.readTree(run("entropy", "--example", "blobs", "--n", "300", "--sigma", "median",
                "--backend", "cpu", "--json").out());
        assertEquals("median", median.get("sigma_rule").asText());
        double sigma = median.get("sigma").asDouble();
        JsonNode fixed = json.readTree(run("entropy", "--example", "blobs", "--n", "300", "--sigma",
                Double.toString(sigma), "--backend", "cpu", "--json").out());
        assertEquals(fixed.get("entropy").asDouble(), median.get("entropy").asDouble(), 0.0,
                "the rule's σ, given as a number, gives the same DSE");
        assertFalse(fixed.has("sigma_rule"));
        JsonNode knn = json.readTree(run("entropy", "--example", "blobs", "--n", "300", "--sigma", "knn:7",
                "--backend", "cpu", "--json").out());
        assertEquals("knn:7", knn.get("sigma_rule").asText());
        assertTrue(knn.get("sigma").asDouble() < sigma, "the 7th neighbour is nearer than the median point");
        CommandRun tiny = run("entropy", "--example", "blobs", "--n", "300", "--sigma", "0.0001", "--backend", "cpu",
                "--json");
        JsonNode warned = json.readTree(tiny.out());
        assertEquals(1, warned.get("warnings").size());
        assertTrue(warned.get("warnings").get(0).asText().contains("try sigma = median"), warned.toString());
        assertEquals(0, fixed.get("warnings").size());
        assertTrue(run("entropy", "--example", "blobs", "--n", "300", "--sigma", "0.0001", "--backend", "cpu").out()
                .contains("warning: the kernel is nearly the identity at σ = 1.0E-4"), "the report says it too");
        assertBad(run("entropy", "--example", "blobs", "--sigma", "knn:abc"), "knn:K needs a whole number K ≥ 1");
        assertBad(run("mi", "--input", "z.csv", "--clusters-in", "c.npy", "--sigma", "median"),
                "--sigma median applies to entropy and spectrum");
    }

    @Test
    void theKernelAndAlphaOptionsGiveTheLibrarysShapes() throws IOException {
        ObjectMapper json = new ObjectMapper();
        io.dse4j.Matrix x = ExampleData.generate("blobs", 200, 10, 0);
        String[][] cases = {{"adaptive:7", "0"}, {"alpha-decay:5,40", "0"}, {"gaussian", "1"}, {"adaptive:7", "0.5"}};
        for (String[] c : cases) {
            JsonNode r = json.readTree(run("entropy", "--example", "blobs", "--n", "200", "--kernel", c[0], "--alpha",
                    c[1], "--backend", "cpu", "--json").out());
            io.dse4j.DiffusionSpectralEntropy.Builder b = io.dse4j.DiffusionSpectralEntropy.builder().backend("cpu")
                    .alpha(Double.parseDouble(c[1]));
            if (c[0].startsWith("adaptive:")) {
                b.adaptiveKernel(7);
            } else if (c[0].startsWith("alpha-decay:")) {
                b.alphaDecayKernel(5, 40);
            }
            try (io.dse4j.DiffusionSpectralEntropy dse = b.build()) {
                assertEquals(dse.compute(x).entropy(), r.get("entropy").asDouble(), 0.0, String.join(" ", c));
            }
            assertEquals(c[0].equals("gaussian") ? null : c[0], r.has("kernel") ? r.get("kernel").asText() : null);
            assertEquals(Double.parseDouble(c[1]), r.get("alpha").asDouble());
        }
        assertBad(run("entropy", "--example", "blobs", "--kernel", "cosine"),
                "--kernel must be gaussian, adaptive:K or alpha-decay:K,A; got 'cosine'");
        assertBad(run("entropy", "--example", "blobs", "--kernel", "adaptive:0"), "K must be a whole number ≥ 1");
        assertBad(run("entropy", "--example", "blobs", "--kernel", "alpha-decay:5"), "needs a neighbour count and "
                + "an exponent");
        assertBad(run("entropy", "--example", "blobs", "--alpha", "-1"), "alpha: must be a finite number ≥ 0");
    }

    @Test
    void aSafetensorsTensorGivesTheSameEntropyAsTheSameNpy() throws IOException {
        Path npy = Path.of(getClass().getResource("/swissroll_700x3.npy").getPath());
        io.dse4j.Matrix m = io.dse4j.io.MatrixFiles.read(npy);
        java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(m.rows() * m.cols() * 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                data.putDouble(m.get(i, j));
            }
        }
        byte[] header = ("{\"emb\":{\"dtype\":\"F64\",\"shape\":[" + m.rows() + "," + m.cols()
                + "],\"data_offsets\":[0," + data.capacity() + "]}}").getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("roll.safetensors");
        try (var out = Files.newOutputStream(file)) {
            out.write(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(header.length)
                    .array());
            out.write(header);
            out.write(data.array());
        }
        ObjectMapper json = new ObjectMapper();
        double fromNpy = json.readTree(run("entropy", "--input", npy.toString(), "--backend", "cpu", "--json").out())
                .get("entropy").asDouble();
        CommandRun fromTensor = run("entropy", "--input", file.toString(), "--key", "emb", "--backend", "cpu",
                "--json");
        assertEquals(0, fromTensor.code(), fromTensor.err());
        assertEquals(fromNpy, json.readTree(fromTensor.out()).get("entropy").asDouble(), 0.0);
        assertBad(run("entropy", "--input", file.toString(), "--key", "nope"), "has no tensor 'nope'; it holds [emb]");
    }

    @Test
    void theChebyshevMethodIsTheLibrarysAndSaysSo() throws IOException {
        JsonNode r = new ObjectMapper().readTree(run("entropy", "--example", "swiss-roll", "--n", "300", "--method",
                "chebyshev", "--seed", "3", "--json").out());
        assertEquals("chebyshev", r.get("method").asText());
        try (io.dse4j.DiffusionSpectralEntropy dse = io.dse4j.DiffusionSpectralEntropy.builder().seed(3)
                .method(io.dse4j.DiffusionSpectralEntropy.Method.CHEBYSHEV).build()) {
            assertEquals(dse.compute(ExampleData.generate("swiss-roll", 300, 3, 0)).entropy(),
                    r.get("entropy").asDouble(), 0.0);
        }
        assertTrue(r.get("selection").get("reasons").toString().contains("Chebyshev approximation"));
        assertBad(run("entropy", "--example", "blobs", "--method", "fast"),
                "method: must be exact, chebyshev or slq");
        assertBad(run("entropy", "--example", "blobs", "--measure", "cse", "--method", "chebyshev"),
                "--method applies to --measure dse only");
    }

    /**
     * --method slq: the library's estimate with its bar in the report and JSON (each t of a list with its own), the
     * SLQ options refused without it, and what needs eigenvalues refused with it.
     */
    @Test
    void theSlqMethodReportsItsEstimateAndErrorBar() throws IOException {
        JsonNode r = new ObjectMapper().readTree(run("entropy", "--example", "swiss-roll", "--n", "400", "--method",
                "slq", "--seed", "2", "--probes", "8", "--lanczos-steps", "6", "--t", "1,2", "--json").out());
        assertEquals("slq", r.get("method").asText());
        try (io.dse4j.DiffusionSpectralEntropy dse = io.dse4j.DiffusionSpectralEntropy.builder().seed(2)
                .method(io.dse4j.DiffusionSpectralEntropy.Method.SLQ).slqProbes(8).slqSteps(6).build()) {
            io.dse4j.DseResult expected = dse.compute(ExampleData.generate("swiss-roll", 400, 3, 0));
            assertEquals(expected.entropy(), r.get("entropy").asDouble(), 0.0);
            assertEquals(expected.errorBar(), r.get("error_bar").asDouble(), 0.0);
            assertEquals(expected.estimate().errorBar(2), r.get("entropies").get(1).get("error_bar").asDouble(), 0.0);
        }
        assertEquals(8, r.get("slq").get("probes").asInt());
        assertFalse(r.get("slq").get("matrix_free").asBoolean());
        assertTrue(r.get("standard_error").asDouble() > 0);
        String report = run("entropy", "--example", "blobs", "--n", "300", "--method", "slq", "--matrix-free",
                "--quiet").out();
        assertTrue(report.matches("(?s).*DSE = [0-9.]+ ± [0-9.e-]+ bits \\(95 %; SLQ estimate: 24 probes × 12 Lanczos "
                + "steps, \\d+ eigenvalues? deflated, K recomputed for each of \\d+ products\\).*"), report);
        assertBad(run("entropy", "--example", "blobs", "--probes", "8"), "--probes applies to --method slq only");
        assertBad(run("entropy", "--example", "blobs", "--matrix-free"), "--matrix-free applies to --method slq only");
        assertBad(run("entropy", "--example", "blobs", "--method", "slq", "--probes", "3"),
                "--probes must be between 4 and 4096");
        assertBad(run("entropy", "--example", "blobs", "--method", "slq", "--t", "auto"),
                "--t auto chooses t from all the eigenvalues");
        assertBad(run("entropy", "--example", "blobs", "--method", "slq", "--t", "1,30"),
                "--t 30 is beyond what --method slq with 12 Lanczos steps answers for");
        assertBad(run("entropy", "--example", "blobs", "--method", "slq", "--kernel", "adaptive:5"),
                "slq needs a positive semi-definite kernel");
        assertBad(run("entropy", "--example", "blobs", "--method", "slq", "--eigenvalues-cache", "x.npz"),
                "--eigenvalues-cache holds eigenvalues");
    }
}
