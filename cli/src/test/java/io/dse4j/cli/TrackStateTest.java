package io.dse4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dse4j track} and the state it leaves on disk: a row is kept only while its checkpoint file holds the content
 * it was computed from (a rewrite with the same size and time included), --follow waits for a file to stop changing
 * and measures it again when it does change, a table that is not what dse4j writes is refused naming the line, and
 * the run leaves no lock file and never reads its own or another run's scratch files as checkpoints.
 */
class TrackStateTest {

    static final int N = TrackCommandTest.N;

    @TempDir
    Path dir;
    Path runs;

    @BeforeEach
    void trainingRun() throws IOException {
        runs = Files.createDirectory(dir.resolve("runs"));
        for (int k = 1; k <= 4; k++) {
            TrackCommandTest.writeCheckpoint(runs.resolve("epoch_" + k + ".npy"), k, N);
        }
    }

    private String glob() {
        return runs + "/epoch_*.npy";
    }

    private static List<String> dataLines(Path table) throws IOException {
        List<String> lines = Files.readAllLines(table);
        return lines.subList(1, lines.size());
    }

    private static double dseOf(Path checkpoint) throws IOException {
        CommandRun o = CommandRun.of("entropy", "--input", checkpoint.toString(), "--backend", "cpu", "--json");
        assertEquals(0, o.code(), o.err());
        return new ObjectMapper().readTree(o.out()).get("entropy").asDouble();
    }

    private static long fromTable(CommandRun o) {
        return o.out().lines().filter(l -> l.endsWith("(from the table)")).count();
    }

    @Test
    void aRowWhoseFileChangedIsComputedAgainInItsPlaceEvenWithTheSameSizeAndTime() throws IOException {
        Path table = dir.resolve("t.csv");
        Path plot = dir.resolve("t.png");
        CommandRun first = CommandRun.of("track", "--checkpoints", glob(), "--out", table.toString(), "--plot",
                plot.toString(), "--backend", "cpu");
        assertEquals(0, first.code(), first.err());
        List<String> before = dataLines(table);
        // epoch_2 rewritten with other values of the same size, its time set back as `cp -p` would leave it;
        // epoch_3 only touched.
        Path rewritten = runs.resolve("epoch_2.npy");
        FileTime time = Files.getLastModifiedTime(rewritten);
        long size = Files.size(rewritten);
        TrackCommandTest.writeCheckpoint(rewritten, 11, N);
        Files.setLastModifiedTime(rewritten, time);
        assertEquals(size, Files.size(rewritten));
        Path touched = runs.resolve("epoch_3.npy");
        Files.setLastModifiedTime(touched, FileTime.fromMillis(Files.getLastModifiedTime(touched).toMillis()
                + 60_000));
        CommandRun again = CommandRun.of("track", "--checkpoints", glob(), "--out", table.toString(), "--plot",
                plot.toString(), "--backend", "cpu", "--json");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("checkpoint " + rewritten + " has changed since its row was computed "
                + "(its content changed"), again.err());
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> printed = new ArrayList<>();
        for (String line : again.out().strip().split("\n")) {
            printed.add(json.readTree(line));
        }
        assertEquals(4, printed.size(), "each checkpoint once: " + again.out());
        assertEquals(3, printed.stream().filter(r -> r.get("from_table").asBoolean()).count(),
                "the unchanged and the touched files keep their rows");
        JsonNode recomputed = printed.stream().filter(r -> !r.get("from_table").asBoolean()).findFirst()
                .orElseThrow();
        assertEquals(rewritten.toString(), recomputed.get("checkpoint").asText());
        assertEquals(dseOf(rewritten), recomputed.get("dse").asDouble(), 0.0, "the DSE of the new content");
        List<String> after = dataLines(table);
        assertEquals(4, after.size(), "no row twice: the plot is drawn from these rows");
        assertEquals(before.get(0), after.get(0));
        assertTrue(after.get(1).startsWith(rewritten + ",,2,"), "in its place: " + after.get(1));
        assertFalse(after.get(1).equals(before.get(1)));
        assertEquals(before.get(3), after.get(3));
        assertTrue(after.get(2).contains(Files.getLastModifiedTime(touched).toInstant().toString()),
                "the touched file's new time is recorded, its numbers kept: " + after.get(2));
        assertEquals(before.get(2).split(",")[5], after.get(2).split(",")[5]);
        CommandRun third = CommandRun.of("track", "--checkpoints", glob(), "--out", table.toString(), "--backend",
                "cpu");
        assertEquals(4, fromTable(third), "then nothing changed: " + third.out() + third.err());
    }

    @Test
    void aCheckpointReplacedByALongerOneIsMeasuredAgain() throws IOException {
        Path table = dir.resolve("t.csv");
        assertEquals(0, CommandRun.of("track", "--checkpoints", glob(), "--out", table.toString(), "--backend",
                "cpu").code());
        Path grown = runs.resolve("epoch_4.npy");
        long size = Files.size(grown);
        TrackCommandTest.writeCheckpoint(grown, 4, N + 30);
        CommandRun again = CommandRun.of("track", "--checkpoints", glob(), "--out", table.toString(), "--backend",
                "cpu");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("its size went from " + size + " to " + Files.size(grown) + " bytes"),
                again.err());
        assertEquals(3, fromTable(again));
        List<String> rows = dataLines(table);
        assertTrue(rows.get(3).startsWith(grown + ",,4," + (N + 30) + ","), "the row of the file as it is: "
                + rows.get(3));
    }

    /**
     * A checkpoint made at full size and filled afterwards, as numpy's open_memmap makes one: under --follow it is
     * measured once it has been still for a while (here: while still zeros) and measured again once filled.
     */
    @Test
    void followMeasuresAFileMadeAtFullSizeAgainOnceItIsFilled() throws Exception {
        Path later = Files.createDirectory(dir.resolve("later"));
        Path table = dir.resolve("later.csv");
        Path model = dir.resolve("model.npy");
        TrackCommandTest.writeCheckpoint(model, 7, N);
        byte[] whole = Files.readAllBytes(model);
        int dataOffset = whole.length - 8 * N * TrackCommandTest.D;
        byte[] zeros = whole.clone();
        Arrays.fill(zeros, dataOffset, zeros.length, (byte) 0);
        CommandRun[] outcome = new CommandRun[1];
        Thread watcher = new Thread(() -> outcome[0] = CommandRun.of("track", "--checkpoints", later + "/step_*.npy",
                "--out", table.toString(), "--backend", "cpu", "--follow", "--poll-interval", "0.1",
                "--idle-timeout", "4", "--json"));
        watcher.start();
        Path step = later.resolve("step_1.npy");
        Files.write(step, zeros);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline && (!Files.exists(table) || dataLines(table).isEmpty())) {
            Thread.sleep(20);
        }
        assertEquals(1, dataLines(table).size(), "the zeros were measured once they had been still");
        try (FileChannel channel = FileChannel.open(step, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(whole, dataOffset, whole.length - dataOffset), dataOffset);
        }
        watcher.join(TimeUnit.MINUTES.toMillis(1));
        assertFalse(watcher.isAlive());
        assertEquals(0, outcome[0].code(), outcome[0].err());
        List<String> rows = dataLines(table);
        assertEquals(1, rows.size(), "one row for the checkpoint: " + rows);
        double dse = Double.parseDouble(rows.get(0).split(",")[5]);
        assertEquals(dseOf(step), dse, 0.0, "the row is of the filled file, not of its zeros");
        assertTrue(dse > 0.01, "the filled file's DSE, not the zeros' ~0: " + dse);
        assertEquals(2, outcome[0].out().strip().split("\n").length, "measured twice: " + outcome[0].out());
    }

    @Test
    void aHandEditedTableIsRefusedNamingTheLineAndLeftAsItWas() throws IOException {
        Path table = dir.resolve("t.csv");
        assertEquals(0, CommandRun.of("track", "--checkpoints", glob(), "--out", table.toString(), "--backend",
                "cpu").code());
        List<String> good = Files.readAllLines(table);
        String header = good.get(0);
        String[] third = good.get(3).split(",", -1);
        third[5] = "NaN";
        assertRefused(table, List.of(header, good.get(1), good.get(2), String.join(",", third), good.get(4)),
                "line 4 has dse 'NaN', which must be a finite number");
        assertRefused(table, List.of(header, good.get(1), good.get(2), good.get(3), good.get(4), good.get(2)),
                "line 6 is a second row for checkpoint " + runs.resolve("epoch_2.npy") + " (line 3 is the first)");
        assertRefused(table, List.of(header, good.get(1).replace("epoch_1.npy", "epoch_99.npy"), good.get(2)),
                "line 2 is for checkpoint " + runs.resolve("epoch_99.npy") + ", which does not exist");
        String cut = good.get(4).substring(0, good.get(4).indexOf(",", good.get(4).indexOf(",") + 1) + 4);
        CommandRun o = assertRefused(table, List.of(header, good.get(1), good.get(2), good.get(3), cut),
                "line 5 is cut off: it has 4 of the 18 cells (it ends after 'n')");
        assertFalse(o.err().contains("CSVRecord") || o.err().contains("Index for header"), o.err());
        assertRefused(table, List.of(header, good.get(1), "\"" + good.get(2)), "line 3 is not valid CSV");
        assertRefused(table, List.of(header, good.get(1).replace(",cpu,", ",cpu,-3,")),
                "line 2 has 19 cells, more than the 18 of the header");
        Files.write(table, List.of(header, good.get(1).replace(",cpu,", ",cpu,12x,")));
        CommandRun forced = CommandRun.of("track", "--checkpoints", glob(), "--out", table.toString(), "--backend",
                "cpu", "--force");
        assertEquals(0, forced.code(), forced.err());
        assertEquals(good.subList(1, 5).stream().map(l -> l.split(",")[5]).toList(),
                dataLines(table).stream().map(l -> l.split(",")[5]).toList(), "--force starts it afresh");
    }

    /** Writes the lines as the table, runs track on it, and checks the refusal and that the file is unchanged. */
    private CommandRun assertRefused(Path table, List<String> lines, String message) throws IOException {
        Files.write(table, lines);
        byte[] before = Files.readAllBytes(table);
        CommandRun o = CommandRun.of("track", "--checkpoints", glob(), "--out", table.toString(), "--backend", "cpu");
        assertBad(o, "--out " + table + ": " + message);
        assertArrayEquals(before, Files.readAllBytes(table), "the refused table is left as it was");
        return o;
    }

    @Test
    void anEarlierDse4jsTableWithItsParametersOnTheFirstLineIsRefusedUnlessForced() throws IOException {
        Path table = dir.resolve("old.csv");
        String row = runs.resolve("epoch_1.npy") + ",1," + N + ",6,3.2,,,,,0.010,cpu";
        Files.writeString(table, "# dse4j track: sigma=10.0 t=1.0 max_n=10000 seed=0 repetitions=5 clusters=10 "
                + "precision=f64\ncheckpoint,order,n,d,dse,dsmi_y,dsmi_y_sd,dsmi_x,dsmi_x_sd,seconds,backend\n" + row
                + "\n");
        assertBad(CommandRun.of("track", "--checkpoints", glob(), "--out", table.toString(), "--backend", "cpu"),
                "was written by an earlier dse4j (its first line is the '# dse4j track: …' comment");
        CommandRun forced = CommandRun.of("track", "--checkpoints", glob(), "--out", table.toString(), "--backend",
                "cpu", "--force");
        assertEquals(0, forced.code(), forced.err());
        assertEquals(TrackTableFormat.header(), Files.readAllLines(table).get(0));
        assertEquals(4, dataLines(table).size(), "every checkpoint measured, the unverifiable row not kept");
    }

    @Test
    void aTableWithRowsButNoParametersFileIsRefused() throws IOException {
        Path table = dir.resolve("t.csv");
        assertEquals(0, CommandRun.of("track", "--checkpoints", glob(), "--out", table.toString(), "--backend",
                "cpu").code());
        Files.delete(dir.resolve("t.csv.json"));
        assertBad(CommandRun.of("track", "--checkpoints", glob(), "--out", table.toString(), "--backend", "cpu"),
                "has rows but no parameters file beside it (" + dir.resolve("t.csv.json") + ")");
        Files.writeString(dir.resolve("t.csv.json"), "{\"dse4j_track_table\":1,\"parameters\":{\"sigma\":3}}");
        assertBad(CommandRun.of("track", "--checkpoints", glob(), "--out", table.toString(), "--backend", "cpu"),
                "is not the parameters file of a dse4j track table: its parameter \"sigma\" is not a string");
    }

    @Test
    void outAndPlotNamingOneFileAreRefusedBeforeAnythingIsWritten() throws IOException {
        Path same = dir.resolve("t.svg");
        assertBad(CommandRun.of("track", "--checkpoints", glob(), "--out", same.toString(), "--plot",
                same.toString(), "--backend", "cpu"), "--out and --plot name the same file");
        assertBad(CommandRun.of("track", "--checkpoints", glob(), "--out", dir + "/./t.svg", "--plot",
                same.toString(), "--backend", "cpu"), "--out and --plot name the same file");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(runs), files.toList(), "no table, plot or lock file");
        }
    }

    @Test
    void noLockFileStaysAndScratchFilesOfAnyRunAreNeverCheckpoints() throws IOException {
        Path table = runs.resolve("t.csv");
        CommandRun first = CommandRun.of("track", "--checkpoints", glob(), "--out", table.toString(), "--plot",
                runs.resolve("t.svg").toString(), "--backend", "cpu");
        assertEquals(0, first.code(), first.err());
        assertFalse(Files.exists(runs.resolve(".t.csv.lock")), "the lock is removed when the run ends");
        Files.writeString(dir.resolve("other.csv"), "a,b\n1,2\n");
        assertBad(CommandRun.of("track", "--checkpoints", glob(), "--out", dir.resolve("other.csv").toString()),
                "is not a dse4j track table");
        assertFalse(Files.exists(dir.resolve(".other.csv.lock")), "nor left by a refused run");
        // What other runs leave or hold in the folder: a lock, and a temporary file being replaced.
        Files.writeString(runs.resolve(".elsewhere.csv.lock"), "pid 1\n");
        Files.writeString(runs.resolve(".epoch_9.npy.3f2a9c01d4e5b6a7.part"), "half a file");
        CommandRun all = CommandRun.of("track", "--checkpoints", runs + "/**", "--out", table.toString(), "--plot",
                runs.resolve("t.svg").toString(), "--backend", "cpu");
        assertEquals(0, all.code(), all.err());
        assertEquals(4, fromTable(all), "the table, its parameters, its lock, the plot and the scratch files are not "
                + "checkpoints: " + all.out());
        assertEquals(4, dataLines(table).size());
        assertFalse(Files.exists(runs.resolve(".t.csv.lock")));
    }

    @Test
    void theLockIsRemovedWhenItsRunEndsAndRefusesAnotherWhileHeld() throws IOException {
        Path table = dir.resolve("busy.csv");
        Path lock = dir.resolve(".busy.csv.lock");
        try (TableLock held = TableLock.take(table)) {
            assertTrue(Files.exists(lock));
            assertTrue(Files.readString(lock).startsWith("pid " + ProcessHandle.current().pid()),
                    "the lock file says who holds it");
            UsageException refused = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
                    () -> TableLock.take(table));
            assertTrue(refused.getMessage().contains("is being written by another dse4j track run"));
        }
        assertFalse(Files.exists(lock));
        try (TableLock again = TableLock.take(table)) {
            assertTrue(Files.exists(lock), "taken again after it was removed");
        }
        assertFalse(Files.exists(lock));
    }

    private static void assertBad(CommandRun o, String message) {
        assertEquals(2, o.code(), "exit code; stderr: " + o.err() + " stdout: " + o.out());
        assertTrue(o.err().contains(message), "stderr should contain '" + message + "' but was: " + o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
    }
}
