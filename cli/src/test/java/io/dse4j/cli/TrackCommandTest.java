package io.dse4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dse4j.io.NpyWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dse4j track} on a synthetic training run of 12 checkpoints whose representations move from noise to class
 * clusters: the table and the plot, numbers equal to per-checkpoint {@code entropy} and {@code mi} runs, resuming
 * after a kill without recomputing or losing rows, parameter changes refused, {@code --follow}, and bad input.
 */
class TrackCommandTest {

    static final int N = 120;
    static final int D = 6;
    static final int CLASSES = 3;

    @TempDir
    Path dir;
    Path runs;
    Path labels;
    Path inputs;

    private static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    /** Checkpoint k (1..12): noise mixed with the class centres, (k − 1)/11 of the way to separated classes. */
    static void writeCheckpoint(Path file, int k, int n) throws IOException {
        Random centres = new Random(3);
        double[][] centre = new double[CLASSES][D];
        for (double[] c : centre) {
            for (int j = 0; j < D; j++) {
                c[j] = 6 * centres.nextGaussian();
            }
        }
        Random random = new Random(500 + k);
        double a = (k - 1) / 11.0;
        double[] z = new double[n * D];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < D; j++) {
                z[i * D + j] = (1 - a) * 4 * random.nextGaussian() + a * (centre[i % CLASSES][j]
                        + random.nextGaussian());
            }
        }
        NpyWriter.writeDoubles(file, z, n, D);
    }

    @BeforeEach
    void trainingRun() throws IOException {
        runs = Files.createDirectory(dir.resolve("runs"));
        for (int k = 1; k <= 12; k++) {
            writeCheckpoint(runs.resolve("epoch_" + k + ".npy"), k, N);
        }
        long[] y = new long[N];
        double[] x = new double[N * 2];
        Random random = new Random(11);
        for (int i = 0; i < N; i++) {
            y[i] = i % CLASSES;
            x[2 * i] = 4 * (i % CLASSES) + random.nextGaussian();
            x[2 * i + 1] = random.nextGaussian();
        }
        labels = dir.resolve("y.npy");
        inputs = dir.resolve("x.npy");
        NpyWriter.writeLongs(labels, y, N);
        NpyWriter.writeDoubles(inputs, x, N, 2);
    }

    private String glob() {
        return runs + "/epoch_*.npy";
    }

    private static List<String> dataLines(Path table) throws IOException {
        List<String> lines = Files.readAllLines(table);
        return lines.subList(1, lines.size());
    }

    @Test
    void theTableAndPlotHoldEveryCheckpointInNaturalOrderWithTheNumbersOfSeparateRuns() throws IOException {
        Path table = dir.resolve("dse.csv");
        Path plot = dir.resolve("dse.png");
        CommandRun o = run("track", "--checkpoints", glob(), "--labels", labels.toString(), "--inputs", inputs
                .toString(),
                "--out", table.toString(), "--plot", plot.toString(), "--sigma", "4", "--repetitions", "2",
                "--clusters", "3", "--backend", "cpu", "--json");
        assertEquals(0, o.code(), o.err());
        List<String> rows = dataLines(table);
        assertEquals(12, rows.size(), String.join("\n", rows));
        assertEquals(String.join(",", TrackTableFormat.COLUMNS), Files.readAllLines(table).get(0),
                "the first line is the header, as CSV readers (pandas.read_csv) expect");
        for (String row : rows) {
            assertEquals(TrackTableFormat.COLUMNS.size(), row.split(",", -1).length, row);
        }
        JsonNode sidecar = new ObjectMapper().readTree(dir.resolve("dse.csv.json").toFile());
        assertEquals("4.0", sidecar.get("parameters").get("sigma").asText(), "the parameters lie beside the table");
        assertEquals("2", sidecar.get("parameters").get("repetitions").asText());
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> printed = new ArrayList<>();
        for (String line : o.out().strip().split("\n")) {
            printed.add(json.readTree(line));
        }
        assertEquals(12, printed.size(), "one JSON line per checkpoint");
        for (int k = 1; k <= 12; k++) {
            JsonNode row = printed.get(k - 1);
            String file = runs.resolve("epoch_" + k + ".npy").toString();
            assertEquals(file, row.get("checkpoint").asText(), "natural order: epoch_2 before epoch_10");
            assertEquals(k, row.get("order").asDouble(), "the order key is the name's number");
            assertTrue(rows.get(k - 1).startsWith(file + ",," + k + "," + N + "," + D + ","), rows.get(k - 1));
            JsonNode entropy = json.readTree(run("entropy", "--input", file, "--sigma", "4", "--backend", "cpu",
                    "--json").out());
            assertEquals(entropy.get("entropy").asDouble(), row.get("dse").asDouble(), 0.0, "DSE of epoch " + k);
            JsonNode onLabels = json.readTree(run("mi", "--input", file, "--reference", labels.toString(),
                    "--sigma", "4", "--repetitions", "2", "--backend", "cpu", "--json").out());
            assertEquals(onLabels.get("mi").asDouble(), row.get("dsmi_y").asDouble(), 0.0, "DSMI(Z;Y) of " + k);
            JsonNode onInputs = json.readTree(run("mi", "--input", file, "--reference", inputs.toString(),
                    "--reference-kind", "vector", "--clusters", "3", "--sigma", "4", "--repetitions", "2",
                    "--backend", "cpu", "--json").out());
            assertEquals(onInputs.get("mi").asDouble(), row.get("dsmi_x").asDouble(), 0.0, "DSMI(Z;X) of " + k);
            assertTrue(row.get("dsmi_y_sd").asDouble() >= 0);
        }
        assertTrue(printed.get(11).get("dsmi_y").asDouble() > printed.get(0).get("dsmi_y").asDouble() + 0.5,
                "DSMI(Z;Y) rises as the classes separate");
        BufferedImage image = ImageIO.read(plot.toFile());
        assertEquals(TrackPlot.WIDTH, image.getWidth());
        assertEquals(TrackPlot.HEIGHT, image.getHeight());
        Path svg = dir.resolve("dse.svg");
        CommandRun again = run("track", "--checkpoints", glob(), "--labels", labels.toString(), "--inputs",
                inputs.toString(), "--out", table.toString(), "--plot", svg.toString(), "--sigma", "4",
                "--repetitions", "2", "--clusters", "3", "--backend", "cpu");
        assertEquals(0, again.code(), again.err());
        assertEquals(12, again.out().lines().filter(l -> l.endsWith("(from the table)")).count(),
                "a rerun recomputes nothing: " + again.out());
        String drawing = Files.readString(svg);
        assertTrue(drawing.startsWith("<?xml") && drawing.contains("<svg") && drawing.contains("DSMI(Z; Y)"),
                "an SVG of the same table");
    }

    @Test
    void aKilledRunLosesAtMostTheCheckpointInProgressAndResumesWithTheSameNumbers() throws Exception {
        Path table = dir.resolve("killed.csv");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "track", "--checkpoints", glob(), "--labels", labels.toString(), "--out", table.toString(),
                "--sigma", "4", "--repetitions", "150", "--backend", "cpu"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (process.isAlive() && System.nanoTime() < deadline
                && (!Files.exists(table) || dataLines(table).size() < 3)) {
            Thread.sleep(20);
        }
        process.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
        List<String> kept = dataLines(table);
        assertTrue(kept.size() >= 3, "the kill came after 3 rows at least: " + kept);
        for (String line : kept) {
            assertEquals(TrackTableFormat.COLUMNS.size(), line.split(",", -1).length, "a whole row: " + line);
        }
        CommandRun resumed = run("track", "--checkpoints", glob(), "--labels", labels.toString(), "--out",
                table.toString(), "--sigma", "4", "--repetitions", "150", "--backend", "cpu");
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(kept.size(), resumed.out().lines().filter(l -> l.endsWith("(from the table)")).count(),
                "the rows already in the table are not recomputed");
        List<String> finished = dataLines(table);
        assertEquals(12, finished.size());
        assertEquals(kept, finished.subList(0, kept.size()), "no row lost or changed");
        Path clean = dir.resolve("clean.csv");
        assertEquals(0, run("track", "--checkpoints", glob(), "--labels", labels.toString(), "--out",
                clean.toString(), "--sigma", "4", "--repetitions", "150", "--backend", "cpu").code());
        assertEquals(numbers(dataLines(clean)), numbers(finished), "the same numbers as an uninterrupted run");
        try (var leftovers = Files.list(dir)) {
            assertFalse(leftovers.anyMatch(p -> p.getFileName().toString().endsWith(".part")),
                    "no temporary file is left beside the table");
        }
    }

    /** The rows without their seconds column (the only one that differs between two runs). */
    private static List<String> numbers(List<String> rows) {
        return rows.stream().map(r -> r.replaceAll(",[0-9.]+,cpu,", ",cpu,")).toList();
    }

    @Test
    void otherParametersAreRefusedUnlessForced() throws IOException {
        Path table = dir.resolve("t.csv");
        assertEquals(0, run("track", "--checkpoints", glob(), "--out", table.toString(), "--backend", "cpu").code());
        String before = Files.readString(table);
        CommandRun changed = run("track", "--checkpoints", glob(), "--out", table.toString(), "--sigma", "5",
                "--backend", "cpu");
        assertBad(changed, "was made with other parameters (sigma 10.0 there, 5.0 now)");
        assertEquals(before, Files.readString(table), "the refused run leaves the table as it was");
        CommandRun forced = run("track", "--checkpoints", glob(), "--out", table.toString(), "--sigma", "5",
                "--backend", "cpu", "--force");
        assertEquals(0, forced.code(), forced.err());
        assertTrue(Files.readString(dir.resolve("t.csv.json")).contains("\"sigma\":\"5.0\""));
        assertEquals(12, dataLines(table).size());
    }

    @Test
    void followPicksUpACheckpointWrittenWhileItWaits() throws Exception {
        Path table = dir.resolve("follow.csv");
        CommandRun[] outcome = new CommandRun[1];
        Thread watcher = new Thread(() -> outcome[0] = run("track", "--checkpoints", glob(), "--out",
                table.toString(), "--backend", "cpu", "--follow", "--poll-interval", "0.2", "--idle-timeout", "3"));
        watcher.start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline && (!Files.exists(table) || dataLines(table).size() < 12)) {
            Thread.sleep(20);
        }
        writeCheckpoint(runs.resolve("epoch_13.npy"), 12, N);
        watcher.join(TimeUnit.MINUTES.toMillis(2));
        assertFalse(watcher.isAlive(), "--idle-timeout ends the watch");
        assertEquals(0, outcome[0].code(), outcome[0].err());
        List<String> rows = dataLines(table);
        assertEquals(13, rows.size(), String.join("\n", rows));
        assertTrue(rows.get(12).startsWith(runs.resolve("epoch_13.npy") + ",,13,"), rows.get(12));
    }

    @Test
    void badInputIsNamedAndExitsWithTwoLeavingNothingHalfWritten() throws IOException {
        Path table = dir.resolve("t.csv");
        assertBad(run("track", "--checkpoints", dir + "/nothing_*.npy"), "the pattern matches no file");
        assertBad(run("track", "--checkpoints", dir.resolve("missing.npy").toString()), "no such file");
        assertBad(run("track", "--checkpoints", glob(), "--plot", dir.resolve("no/such/folder/p.png").toString()),
                "does not exist");
        assertBad(run("track", "--checkpoints", glob(), "--plot", dir.resolve("p.jpg").toString()),
                "must end in .png or .svg");
        assertBad(run("track", "--checkpoints", glob(), "--out", dir.resolve("no/such/t.csv").toString()),
                "does not exist");
        assertBad(run("track", "--checkpoints", glob(), "--order-by", "(ep)och"), "which is not a number");
        assertBad(run("track", "--checkpoints", glob(), "--order-by", "("), "not a regular expression");
        assertBad(run("track", "--checkpoints", glob(), "--idle-timeout", "3"), "apply to --follow only");
        Files.writeString(dir.resolve("other.csv"), "a,b\n1,2\n");
        assertBad(run("track", "--checkpoints", glob(), "--out", dir.resolve("other.csv").toString()),
                "is not a dse4j track table");
        writeCheckpoint(runs.resolve("epoch_7.npy"), 7, N - 1);
        CommandRun shorter = run("track", "--checkpoints", glob(), "--labels", labels.toString(), "--out",
                table.toString(), "--backend", "cpu");
        assertBad(shorter, "checkpoint " + runs.resolve("epoch_7.npy") + " has 119 rows but the labels have 120");
        assertEquals(6, dataLines(table).size(), "the six checkpoints before it are kept, whole");
        Files.write(runs.resolve("epoch_7.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 9});
        assertBad(run("track", "--checkpoints", glob(), "--labels", labels.toString(), "--out", table.toString(),
                "--backend", "cpu"), "checkpoint " + runs.resolve("epoch_7.npy") + ": ");
        assertEquals(6, dataLines(table).size());
    }

    @Test
    void theExampleRunIsATrainingRunWhoseDsmiRises() throws IOException {
        Path demo = dir.resolve("demo");
        CommandRun written = run("example-run", demo.toString(), "--checkpoints", "4", "--n", "90", "--d", "5");
        assertEquals(0, written.code(), written.err());
        assertTrue(written.out().contains("try: ./dse4j track --checkpoints '" + demo + "/epoch_*.npy'"),
                written.out());
        Path table = dir.resolve("demo.csv");
        CommandRun tracked = run("track", "--checkpoints", demo + "/epoch_*.npy", "--labels",
                demo.resolve("labels.npy").toString(), "--inputs", demo.resolve("inputs.npy").toString(), "--out",
                table.toString(), "--backend", "cpu", "--clusters", "4");
        assertEquals(0, tracked.code(), tracked.err());
        List<String> rows = dataLines(table);
        assertEquals(4, rows.size());
        double first = Double.parseDouble(rows.get(0).split(",")[6]);
        double last = Double.parseDouble(rows.get(3).split(",")[6]);
        assertTrue(last > first + 0.5, "DSMI(Z;Y) from " + first + " to " + last);
        assertBad(run("example-run", demo.toString(), "--checkpoints", "1"), "--checkpoints must be between 2");

        // The run's folder as the argument, with a table of an earlier run inside: the labels, the inputs and the
        // table are not checkpoints (named on stderr), the four epochs are.
        Path inside = demo.resolve("dse.csv");
        assertEquals(0, run("track", "--checkpoints", demo + "/epoch_*.npy", "--out", inside.toString(),
                "--backend", "cpu").code());
        CommandRun folder = run("track", "--checkpoints", demo.toString(), "--backend", "cpu", "--json");
        assertEquals(0, folder.code(), folder.err());
        assertEquals(4, folder.out().lines().count(), folder.out());
        assertTrue(folder.err().contains("not taken as checkpoints: dse.csv, inputs.npy, labels.npy"), folder.err());

        // With layers: one .npz per checkpoint holding block1 … blockL; the deepest block separates first.
        Path deep = dir.resolve("deep");
        CommandRun layered = run("example-run", deep.toString(), "--checkpoints", "3", "--n", "90", "--d", "5",
                "--layers", "3");
        assertEquals(0, layered.code(), layered.err());
        assertTrue(layered.out().contains("--checkpoints '" + deep + "/epoch_*.npz' --layers all"), layered.out());
        Path layersTable = dir.resolve("deep.csv");
        Path logs = dir.resolve("deep-logs");
        CommandRun perLayer = run("track", "--checkpoints", deep + "/epoch_*.npz", "--layers", "all", "--labels",
                deep.resolve("labels.npy").toString(), "--out", layersTable.toString(), "--tensorboard",
                logs.toString(), "--backend", "cpu");
        assertEquals(0, perLayer.code(), perLayer.err());
        List<String> layerRows = dataLines(layersTable);
        assertEquals(9, layerRows.size());
        assertEquals(expectedPoints(layerRows), shownPoints(logs.resolve("deep")),
                "every point in TensorBoard's files");
        assertEquals(List.of("block1", "block2", "block3"), layerRows.subList(6, 9).stream()
                .map(r -> r.split(",")[1]).toList());
        double shallow = Double.parseDouble(layerRows.get(3).split(",")[6]);
        double deepest = Double.parseDouble(layerRows.get(5).split(",")[6]);
        assertTrue(deepest > shallow + 0.3, "halfway, DSMI(Z;Y) of block3 " + deepest + " above block1's "
                + shallow);
    }

    @Test
    void aCheckpointIsOneRowHoweverItsPathIsWrittenAndTheRunsOwnFilesAreNotCheckpoints() throws IOException {
        Path table = runs.resolve("t.csv");
        Files.copy(labels, runs.resolve("y.npy"));
        CommandRun first = run("track", "--checkpoints", runs.toString(), "--labels", runs.resolve("y.npy")
                .toString(), "--out", table.toString(), "--plot", runs.resolve("t.png").toString(), "--backend",
                "cpu");
        assertEquals(0, first.code(), first.err());
        assertEquals(12, dataLines(table).size(), "the folder's labels and table are not checkpoints");
        CommandRun again = run("track", "--checkpoints", runs + "/./", "--labels", runs.resolve("y.npy").toString(),
                "--out", runs + "/../runs/t.csv", "--backend", "cpu");
        assertEquals(0, again.code(), again.err());
        assertEquals(12, again.out().lines().filter(l -> l.endsWith("(from the table)")).count(), again.out());
        assertEquals(12, dataLines(table).size(), "no row twice");
    }

    @Test
    void aCheckpointLinkedIntoTheFolderIsMeasured() throws IOException {
        Path linked = Files.createDirectory(dir.resolve("linked"));
        Files.createSymbolicLink(linked.resolve("epoch_1.npy"), runs.resolve("epoch_1.npy"));
        Files.createSymbolicLink(linked.resolve("epoch_2.npy"), runs.resolve("epoch_2.npy"));
        Path table = dir.resolve("linked.csv");
        CommandRun o = run("track", "--checkpoints", linked + "/epoch_*.npy", "--out", table.toString(), "--backend",
                "cpu");
        assertEquals(0, o.code(), o.err());
        assertEquals(2, dataLines(table).size());
    }

    @Test
    void aSecondRunOnATableInUseIsRefused() throws IOException {
        Path table = dir.resolve("busy.csv");
        try (TrackTable held = TrackTable.open(table, java.util.Map.of("sigma", "10.0"), false)) {
            assertBad(run("track", "--checkpoints", glob(), "--out", table.toString(), "--backend", "cpu"),
                    "is being written by another dse4j track run");
        }
        assertEquals(0, run("track", "--checkpoints", glob(), "--out", table.toString(), "--backend", "cpu").code(),
                "once the other run has ended");
    }

    @Test
    void followMayStartBeforeTheFirstCheckpointExists() throws Exception {
        Path later = Files.createDirectory(dir.resolve("later"));
        Path table = dir.resolve("later.csv");
        CommandRun[] outcome = new CommandRun[1];
        Thread watcher = new Thread(() -> outcome[0] = run("track", "--checkpoints", later + "/step_*.npy", "--out",
                table.toString(), "--backend", "cpu", "--follow", "--poll-interval", "0.1", "--idle-timeout", "3"));
        watcher.start();
        Thread.sleep(300);
        writeCheckpoint(later.resolve("step_5.npy"), 3, N);
        watcher.join(TimeUnit.MINUTES.toMillis(2));
        assertFalse(watcher.isAlive());
        assertEquals(0, outcome[0].code(), outcome[0].err());
        assertEquals(1, dataLines(table).size());
    }

    @Test
    void naturalOrderComparesDigitRunsAsNumbers() {
        List<String> names = new ArrayList<>(List.of("epoch_10.npy", "epoch_2.npy", "epoch_1.npy", "epoch_02.npy",
                "b.npy", "a10b2", "a10b10", "a9"));
        names.sort(Checkpoints::compareNaturally);
        assertEquals(List.of("a9", "a10b2", "a10b10", "b.npy", "epoch_1.npy", "epoch_02.npy", "epoch_2.npy",
                "epoch_10.npy"), names);
    }

    /**
     * --layers: every chosen array of a checkpoint is a row of its own (folders of one file per layer, .npz
     * archives), in natural order, equal to {@code entropy} on that array; a run stopped between two layers resumes
     * with the missing layer only; a changed layer file recomputes its checkpoint's layers and nothing else; a table
     * of the format before layers is read back and kept.
     */
    @Test
    void eachChosenLayerIsARowAndResumingAndChangesHoldPerLayer() throws IOException {
        Path layered = layerFolders("layered", 3, Map.of("block1", 0, "block10", 6, "block2", 3));
        Path table = dir.resolve("layers.csv");
        Path plot = dir.resolve("layers.png");
        String[] command = {"track", "--checkpoints", layered.toString(), "--layers", "block1*", "--labels",
            labels.toString(), "--out", table.toString(), "--plot", plot.toString(), "--sigma", "4",
            "--repetitions", "2", "--backend", "cpu"};
        CommandRun first = run(command);
        assertEquals(0, first.code(), first.err());
        List<String> rows = dataLines(table);
        assertEquals(6, rows.size(), String.join("\n", rows));
        ObjectMapper json = new ObjectMapper();
        for (int k = 1; k <= 3; k++) {
            String checkpoint = layered.resolve("epoch_" + k).toString();
            for (int l = 0; l < 2; l++) {
                String layer = l == 0 ? "block1" : "block10";
                String row = rows.get(2 * (k - 1) + l);
                assertTrue(row.startsWith(checkpoint + "," + layer + "," + k + "," + N + ","), "natural order of "
                        + "checkpoints, then of layers (block1 before block10; block2 not chosen): " + row);
                JsonNode entropy = json.readTree(run("entropy", "--input", checkpoint + "/" + layer + ".npy",
                        "--sigma", "4", "--backend", "cpu", "--json").out());
                assertEquals(entropy.get("entropy").asDouble(), Double.parseDouble(row.split(",")[5]), 0.0, row);
            }
        }
        BufferedImage image = ImageIO.read(plot.toFile());
        assertEquals(TrackPlot.WIDTH, image.getWidth());

        // --also: RankMe and the von Neumann entropy of each layer, as entropy --measure gives them.
        Path withAlso = dir.resolve("also.csv");
        CommandRun also = run("track", "--checkpoints", layered.resolve("epoch_2").toString(), "--layers", "block1",
                "--also", "rankme,vne", "--out", withAlso.toString(), "--backend", "cpu");
        assertEquals(0, also.code(), also.err());
        String[] cells = dataLines(withAlso).get(0).split(",", -1);
        String layerFile = layered.resolve("epoch_2").resolve("block1.npy").toString();
        assertEquals(json.readTree(run("entropy", "--input", layerFile, "--measure", "rankme", "--json").out())
                .get("rankme").asDouble(), Double.parseDouble(cells[10]), 1e-12, "rankme column");
        assertEquals(json.readTree(run("entropy", "--input", layerFile, "--measure", "vne", "--json").out())
                .get("entropy").asDouble(), Double.parseDouble(cells[11]), 1e-12, "vne column");
        assertBad(run("track", "--checkpoints", glob(), "--also", "rank"), "--also takes rankme and vne");
        Path counted = dir.resolve("counted.csv");
        assertEquals(0, run("track", "--checkpoints", layered.resolve("epoch_2").toString(), "--layers", "block1",
                "--count-above", "1e-6", "--sigma", "4", "--out", counted.toString(), "--backend", "cpu").code());
        assertEquals(json.readTree(run("entropy", "--input", layerFile, "--sigma", "4", "--count-above", "1e-6",
                "--backend", "cpu", "--json").out()).get("count_above").get("count").asLong(),
                Long.parseLong(dataLines(counted).get(0).split(",", -1)[12]), "count_above column");
        assertBad(run("track", "--checkpoints", glob(), "--count-above", "-1"), "--count-above must be a finite");

        // A run stopped after epoch_3's first layer: only its second is computed again, with the same numbers.
        List<String> lines = Files.readAllLines(table);
        Files.write(table, lines.subList(0, lines.size() - 1));
        CommandRun resumed = run(command);
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(5, resumed.out().lines().filter(l -> l.endsWith("(from the table)")).count(), resumed.out());
        assertEquals(numbers(rows), numbers(dataLines(table)));

        // One layer file of epoch_2 rewritten: both of epoch_2's layers are measured again, nothing else.
        writeCheckpoint(layered.resolve("epoch_2").resolve("block10.npy"), 12, N);
        CommandRun changed = run(command);
        assertEquals(0, changed.code(), changed.err());
        assertTrue(changed.err().contains("checkpoint " + layered.resolve("epoch_2") + " has changed"), changed.err());
        assertEquals(4, changed.out().lines().filter(l -> l.endsWith("(from the table)")).count(), changed.out());
        List<String> after = dataLines(table);
        assertEquals(6, after.size());
        assertEquals(measures(rows.get(2)), measures(after.get(2)), "epoch_2's unchanged layer: the same numbers");
        assertFalse(measures(rows.get(3)).equals(measures(after.get(3))), "epoch_2's rewritten layer: new numbers");
        assertFalse(rows.get(3).endsWith(after.get(3).substring(after.get(3).lastIndexOf(','))),
                "the folder's new identity recorded");

        // An archive's arrays as layers.
        Path npz = dir.resolve("model_7.npz");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(npz))) {
            for (String key : List.of("head", "encoder.layer.0")) {
                Path member = dir.resolve(key + ".npy");
                writeCheckpoint(member, key.length(), N);
                zip.putNextEntry(new java.util.zip.ZipEntry(key + ".npy"));
                zip.write(Files.readAllBytes(member));
                zip.closeEntry();
            }
        }
        CommandRun archive = run("track", "--checkpoints", npz.toString(), "--layers", "all", "--sigma", "4",
                "--backend", "cpu", "--json");
        assertEquals(0, archive.code(), archive.err());
        List<String> layers = archive.out().lines().map(l -> {
            try {
                return json.readTree(l).get("layer").asText();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        assertEquals(List.of("encoder.layer.0", "head"), layers);
        assertBad(run("track", "--checkpoints", npz.toString(), "--layers", "block*"),
                "--layers block* matches none of the 2 arrays of checkpoint " + npz + " (encoder.layer.0, head)");
        assertBad(run("track", "--checkpoints", glob(), "--layers", "all"), "holds one array");
        assertBad(run("track", "--checkpoints", npz.toString(), "--layers", "all", "--key", "head"),
                "--key and --layers are exclusive");
    }

    /**
     * --tensorboard: every row of the table is in the run folder's event files (decoded with the TensorBoard schema
     * of {@link TensorBoardRunTest}) as dse/LAYER and dsmi_y/LAYER at step = order, each point once; a rerun writes
     * nothing new; a checkpoint measured after later ones (its row lost) still ends up in step order.
     */
    @Test
    void theRowsAreTensorBoardScalarsOnceEachInStepOrder() throws IOException {
        Path layered = layerFolders("tb-run", 4, Map.of("block1", 0, "block2", 4));
        Path table = dir.resolve("tb.csv");
        Path logs = dir.resolve("logs");
        String[] command = {"track", "--checkpoints", layered + "/epoch_*", "--layers", "all", "--labels",
            labels.toString(), "--out", table.toString(), "--tensorboard", logs.toString(), "--sigma", "4",
            "--repetitions", "2", "--backend", "cpu"};
        CommandRun first = run(command);
        assertEquals(0, first.code(), first.err());
        Path runFolder = logs.resolve("tb");
        List<String> rows = dataLines(table);
        assertEquals(8, rows.size());
        assertEquals(expectedPoints(rows), shownPoints(runFolder));

        CommandRun again = run(command);
        assertEquals(0, again.code(), again.err());
        assertEquals(expectedPoints(rows), shownPoints(runFolder), "a rerun writes no point twice");

        // epoch_2's rows lost: measured again after epoch_4's are in the files, the run is written in step order.
        List<String> lines = Files.readAllLines(table);
        List<String> without = new ArrayList<>(lines);
        without.removeIf(l -> l.startsWith(layered.resolve("epoch_2").toString()));
        Files.write(table, without);
        CommandRun late = run(command);
        assertEquals(0, late.code(), late.err());
        assertEquals(expectedPoints(dataLines(table)), shownPoints(runFolder));
        assertBad(run("track", "--checkpoints", glob(), "--tensorboard", table.toString()), "is a file");
    }

    /**
     * Checkpoint folders {@code name/epoch_1} … {@code epoch_K}, each holding {@code LAYER.npy} = checkpoint
     * k + shift of the training run for each layer's shift.
     */
    private Path layerFolders(String name, int epochs, Map<String, Integer> shifts) throws IOException {
        Path run = Files.createDirectory(dir.resolve(name));
        for (int k = 1; k <= epochs; k++) {
            Path epoch = Files.createDirectory(run.resolve("epoch_" + k));
            for (Map.Entry<String, Integer> layer : shifts.entrySet()) {
                writeCheckpoint(epoch.resolve(layer.getKey() + ".npy"), k + layer.getValue(), N);
            }
        }
        return run;
    }

    /** What the table's rows should show in TensorBoard: tag → step → value (as a float), in step order. */
    private static java.util.Map<String, java.util.Map<Long, Float>> expectedPoints(List<String> rows) {
        java.util.Map<String, java.util.Map<Long, Float>> out = new java.util.TreeMap<>();
        for (String row : rows) {
            String[] cells = row.split(",", -1);
            long step = Long.parseLong(cells[2]);
            out.computeIfAbsent("dse/" + cells[1], t -> new java.util.TreeMap<>())
                    .put(step, (float) Double.parseDouble(cells[5]));
            out.computeIfAbsent("dsmi_y/" + cells[1], t -> new java.util.TreeMap<>())
                    .put(step, (float) Double.parseDouble(cells[6]));
        }
        return out;
    }

    /**
     * What TensorBoard shows of a run folder: its event files in name order, each tag's points, a point at step s
     * dropping those at steps ≥ s read before it; every point read once (a point written twice would show as a
     * step out of order here).
     */
    private static java.util.Map<String, java.util.Map<Long, Float>> shownPoints(Path runFolder) throws IOException {
        java.util.Map<String, java.util.Map<Long, Float>> out = new java.util.TreeMap<>();
        List<Path> files;
        try (var listed = Files.list(runFolder)) {
            files = listed.sorted().toList();
        }
        for (Path file : files) {
            for (TensorBoardRunTest.Read point : TensorBoardRunTest.points(file)) {
                java.util.NavigableMap<Long, Float> series = (java.util.NavigableMap<Long, Float>) out
                        .computeIfAbsent(point.tag(), t -> new java.util.TreeMap<>());
                assertTrue(series.isEmpty() || series.lastKey() < point.step(), "written once, in step order: "
                        + point + " after " + series);
                series.put(point.step(), point.value());
            }
        }
        return out;
    }

    /**
     * A .safetensors checkpoint's tensors are its layers, in natural order of their names (encoder.layer.2 before
     * encoder.layer.10), each equal to {@code entropy --key} of that tensor; {@code track --help} says that --json
     * prints a line per row, and {@code mi}'s usage that --reference and --clusters-in are alternatives.
     */
    @Test
    void aSafetensorsFilesTensorsAreLayersAndTheHelpTextsSayWhatHappens() throws IOException {
        Path file = dir.resolve("step_100.safetensors");
        List<String> names = List.of("encoder.layer.10", "encoder.layer.2");
        StringBuilder header = new StringBuilder("{");
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        for (int t = 0; t < names.size(); t++) {
            Path npy = dir.resolve("tensor" + t + ".npy");
            writeCheckpoint(npy, 3 + 5 * t, N);
            double[] values = flat(npy);
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(8 * values.length)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (double v : values) {
                bytes.putDouble(v);
            }
            header.append(t == 0 ? "" : ",").append('"').append(names.get(t)).append("\":{\"dtype\":\"F64\",")
                    .append("\"shape\":[").append(N).append(',').append(D).append("],\"data_offsets\":[")
                    .append(data.size()).append(',').append(data.size() + bytes.capacity()).append("]}");
            data.writeBytes(bytes.array());
        }
        byte[] json = header.append('}').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer content = java.nio.ByteBuffer.allocate(8 + json.length + data.size())
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json).put(data.toByteArray());
        Files.write(file, content.array());
        CommandRun o = run("track", "--checkpoints", file.toString(), "--layers", "encoder.layer.*", "--sigma",
                "4", "--backend", "cpu", "--json");
        assertEquals(0, o.code(), o.err());
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : o.out().strip().split("\n")) {
            rows.add(mapper.readTree(line));
        }
        assertEquals(List.of("encoder.layer.2", "encoder.layer.10"), rows.stream().map(r -> r.get("layer").asText())
                .toList());
        for (JsonNode row : rows) {
            JsonNode entropy = mapper.readTree(run("entropy", "--input", file.toString(), "--key",
                    row.get("layer").asText(), "--sigma", "4", "--backend", "cpu", "--json").out());
            assertEquals(entropy.get("entropy").asDouble(), row.get("dse").asDouble(), 0.0, row.toString());
        }
        assertTrue(run("track", "--help").out().replaceAll("\\s+", " ")
                .contains("(track: a line of one object per row, as each is computed)"));
        assertTrue(run("mi", "--help").out().contains("usage: dse4j mi --input Z (--reference Y | --clusters-in "
                + "LABELS.npy)"));
    }

    private static double[] flat(Path npy) throws IOException {
        io.dse4j.Matrix m = io.dse4j.io.MatrixFiles.read(npy);
        double[] out = new double[m.rows() * m.cols()];
        for (int i = 0; i < m.rows(); i++) {
            System.arraycopy(m.row(i), 0, out, i * m.cols(), m.cols());
        }
        return out;
    }

    /** A table written before layers existed (no layer column) is read back, kept, and rewritten with the column. */
    @Test
    void aTableOfTheFormatBeforeLayersIsReadBack() throws IOException {
        Path table = dir.resolve("old.csv");
        String[] command = {"track", "--checkpoints", glob(), "--out", table.toString(), "--sigma", "4",
            "--backend", "cpu"};
        assertEquals(0, run(command).code());
        List<String> current = Files.readAllLines(table);
        // The format before layers: without the layer, rankme, vne and count_above cells (columns 1, 10, 11, 12).
        List<String> old = current.stream().map(l -> {
            List<String> cells = new ArrayList<>(List.of(l.split(",", -1)));
            cells.remove(12);
            cells.remove(11);
            cells.remove(10);
            cells.remove(1);
            return String.join(",", cells);
        }).toList();
        assertEquals(String.join(",", TrackTableFormat.COLUMNS_BEFORE_LAYERS), old.get(0));
        Files.write(table, old);
        CommandRun again = run(command);
        assertEquals(0, again.code(), again.err());
        assertEquals(12, again.out().lines().filter(l -> l.endsWith("(from the table)")).count(), again.out());
        assertEquals(old, Files.readAllLines(table), "kept as it was while nothing is recorded");
        writeCheckpoint(runs.resolve("epoch_13.npy"), 13, N);
        CommandRun more = run(command);
        assertEquals(0, more.code(), more.err());
        List<String> rewritten = Files.readAllLines(table);
        assertEquals(current.get(0), rewritten.get(0), "written back with the layer column");
        assertEquals(current.subList(1, 13), rewritten.subList(1, 13), "the old rows, the same");
        assertEquals(14, rewritten.size());
    }

    /** A row's measures: the cells before its seconds (checkpoint, layer, order, n, d, the DSE and DSMIs). */
    private static List<String> measures(String row) {
        return List.of(row.split(",", -1)).subList(0, 10);
    }

    private static void assertBad(CommandRun o, String message) {
        assertEquals(2, o.code(), "exit code; stderr: " + o.err() + " stdout: " + o.out());
        assertTrue(o.err().contains(message), "stderr should contain '" + message + "' but was: " + o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
    }
}
