package io.dse4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dse4j.DiffusionSpectralEntropy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command reads only the rows it uses: files of gibibytes (sparse, or a small archive whose member inflates to
 * a gibibyte, generated here so nothing big is committed) run in a JVM of 64 MiB heap, and give the entropy of
 * exactly the subsample's rows — the rows the same seed chooses from the whole matrix.
 */
class BoundedMemoryTest {

    private static final int MAX_N = 300;
    private static final int D = 16;

    @TempDir
    Path dir;

    private record Outcome(int code, String out, String err) {
    }

    /** Runs the command in a JVM of its own with a 64 MiB heap. */
    private static Outcome runWithSmallHeap(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        process.getOutputStream().close();
        var out = process.inputReader(StandardCharsets.UTF_8);
        var err = process.errorReader(StandardCharsets.UTF_8);
        StringBuilder errText = new StringBuilder();
        Thread drainErr = Thread.ofVirtual().start(() -> err.lines().forEach(l -> errText.append(l).append('\n')));
        String outText = String.join("\n", out.lines().toList());
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the command did not finish");
        drainErr.join();
        return new Outcome(process.exitValue(), outText, errText.toString());
    }

    /** The .npy header (format 1.0, C order, little-endian f8) for a shape, padded to 64 bytes as numpy does. */
    private static byte[] header(String shape) {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }";
        int padding = 63 - (10 + dict.length()) % 64;
        byte[] text = (dict + " ".repeat(padding) + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(10 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) text.length).put(text);
        return b.array();
    }

    /** The values of row i: distinct per row, so the subsample's kernel is not degenerate. */
    private static double[] row(int i, int d) {
        double[] v = new double[d];
        for (int c = 0; c < d; c++) {
            v[c] = Math.sin(0.37 * i + c) * 6;
        }
        return v;
    }

    private static byte[] bytes(double[] values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    /** The DSE of the rows the command should have read, computed in memory here. */
    private static double expectedEntropy(int[] rows, int d) {
        double[] x = new double[rows.length * d];
        for (int p = 0; p < rows.length; p++) {
            System.arraycopy(row(rows[p], d), 0, x, p * d, d);
        }
        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend("cpu").threads(1).build()) {
            return dse.compute(x, rows.length, d).entropy();
        }
    }

    private static void assertEntropyOfRows(Outcome o, int[] rows, int inputRows, int d) throws IOException {
        assertEquals(0, o.code(), o.err());
        JsonNode json = new ObjectMapper().readTree(o.out());
        assertEquals(MAX_N, json.get("n").asInt());
        assertEquals(inputRows, json.get("input_rows").asInt());
        assertEquals(expectedEntropy(rows, d), json.get("entropy").asDouble(), 0.0);
    }

    /** A sparse .npy of n rows × d whose subsample rows hold {@link #row}; the rest of the file is a hole. */
    private Path sparseNpy(String name, String shape, int n, int d, int[] rows) throws IOException {
        Path file = dir.resolve(name);
        byte[] header = header(shape);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(header);
            raf.setLength(header.length + (long) n * d * 8);
            for (int i : rows) {
                raf.seek(header.length + (long) i * d * 8);
                raf.write(bytes(row(i, d)));
            }
        }
        return file;
    }

    @Test
    void aFourGibibyteNpyRunsInA64MebibyteHeap() throws Exception {
        int n = 1 << 25;   // × 16 f8 = 4 GiB
        int[] rows = io.dse4j.DiffusionSpectralEntropy.subsampleRows(n, MAX_N, 0);
        Path file = sparseNpy("big.npy", "(" + n + ", " + D + ")", n, D, rows);
        Outcome o = runWithSmallHeap("entropy", "--input", file.toString(), "--max-n", Integer.toString(MAX_N),
                "--backend", "cpu", "--threads", "1", "--json");
        assertEntropyOfRows(o, rows, n, D);
    }

    @Test
    void aOneDimensionalArrayOfTwoGibibytesRunsInA64MebibyteHeap() throws Exception {
        int n = 268_435_457;   // shape (268435457,): the old reader failed with NegativeArraySizeException
        int[] rows = io.dse4j.DiffusionSpectralEntropy.subsampleRows(n, MAX_N, 0);
        Path file = sparseNpy("long.npy", "(" + n + ",)", n, 1, rows);
        Outcome o = runWithSmallHeap("entropy", "--input", file.toString(), "--max-n", Integer.toString(MAX_N),
                "--backend", "cpu", "--threads", "1", "--json");
        assertEntropyOfRows(o, rows, n, 1);
    }

    @Test
    void anNpzWhoseMemberInflatesToAGibibyteRunsInA64MebibyteHeap() throws Exception {
        int n = 1 << 23;   // × 16 f8 = 1 GiB inflated
        int[] rows = io.dse4j.DiffusionSpectralEntropy.subsampleRows(n, MAX_N, 0);
        Path file = dir.resolve("bomb.npz");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setLevel(1);
            zip.putNextEntry(new ZipEntry("z.npy"));
            zip.write(header("(" + n + ", " + D + ")"));
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20);   // rows gathered into 1 MiB writes
            int next = 0;
            for (int i = 0; i < n; i++) {
                if (next < rows.length && rows[next] == i) {
                    chunk.put(bytes(row(i, D)));
                    next++;
                } else {
                    chunk.position(chunk.position() + D * 8);   // a row of zeros
                }
                if (!chunk.hasRemaining()) {
                    zip.write(chunk.array());
                    chunk.clear();
                    java.util.Arrays.fill(chunk.array(), (byte) 0);
                }
            }
            zip.write(chunk.array(), 0, chunk.position());
            zip.closeEntry();
        }
        assertTrue(Files.size(file) < 8 << 20, "a small archive: " + Files.size(file) + " bytes");
        Outcome o = runWithSmallHeap("entropy", "--input", file.toString(), "--max-n", Integer.toString(MAX_N),
                "--backend", "cpu", "--threads", "1", "--json");
        assertEntropyOfRows(o, rows, n, D);
    }

    @Test
    void readingAWholeFileLargerThanTheHeapIsAClearInputError() throws Exception {
        // Mutual information uses every row; 4 GiB of rows cannot be held in 64 MiB, and the message says so
        // before anything is allocated, instead of "out of memory" with exit 1.
        int n = 1 << 25;
        Path file = sparseNpy("whole.npy", "(" + n + ", " + D + ")", n, D, new int[0]);
        Path labels = dir.resolve("labels.npy");
        Files.write(labels, header("(" + n + ",)"));
        Outcome o = runWithSmallHeap("mi", "--input", file.toString(), "--clusters-in", labels.toString(),
                "--backend", "cpu");
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("more than the whole Java heap"), o.err());
    }

    @Test
    void aMismatchOfZAndTheReferenceIsReportedFromTheHeadersAlone() throws Exception {
        int n = 1 << 25;
        Path z = sparseNpy("z.npy", "(" + n + ", " + D + ")", n, D, new int[0]);
        Path y = sparseNpy("y.npy", "(" + (n - 1) + ",)", n - 1, 1, new int[0]);
        Outcome o = runWithSmallHeap("mi", "--input", z.toString(), "--reference", y.toString(), "--backend", "cpu");
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("Z has " + n + " rows but the reference has " + (n - 1)), o.err());
    }

    @Test
    void aSubsampleLargerThanTheHeapIsAClearInputErrorBeforeAnythingIsAllocated() throws Exception {
        // 2M rows × 16 of a 2 GiB file would be 256 MiB of doubles: refused from the header, before the subsample's
        // draw (whose own bookkeeping would already run out of a 64 MiB heap).
        int n = 1 << 24;
        Path file = sparseNpy("two.npy", "(" + n + ", " + D + ")", n, D, new int[0]);
        Outcome o = runWithSmallHeap("entropy", "--input", file.toString(), "--max-n", "2000000", "--backend", "cpu");
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("more than the whole Java heap"), o.err());
    }
}
