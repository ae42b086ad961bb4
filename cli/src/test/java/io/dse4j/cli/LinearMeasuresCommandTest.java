package io.dse4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.LinearSpectrumMeasures;
import io.dse4j.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code entropy --measure rankme|vne} (the text report and the JSON of Z's singular-value measures) and
 * {@code --count-above} (its line and JSON field, and its refusals).
 */
class LinearMeasuresCommandTest {

    @TempDir
    Path dir;

    /** Z with singular values 4 and 3 as it is (centring, which is not done, would change them). */
    private Path smallFile() throws IOException {
        Path csv = dir.resolve("z.csv");
        Files.writeString(csv, "3,0\n0,4\n0,0\n");
        return csv;
    }

    @Test
    void rankMeAndVonNeumannEntropyOfASmallFileInJson() throws IOException {
        Path csv = smallFile();
        CommandRun rankMe = CommandRun.of("entropy", "--input", csv.toString(), "--measure", "rankme", "--json");
        assertEquals(0, rankMe.code(), rankMe.err());
        JsonNode r = new ObjectMapper().readTree(rankMe.out());
        double p4 = 4.0 / 7 + 1e-7;
        double p3 = 3.0 / 7 + 1e-7;
        assertEquals("rankme", r.get("measure").asText());
        assertEquals(Math.exp(-p4 * Math.log(p4) - p3 * Math.log(p3)), r.get("rankme").asDouble(), 1e-14);
        assertFalse(r.has("entropy"), "RankMe is an effective rank, not an entropy in bits");
        assertEquals(3, r.get("n").asInt());
        assertEquals(2, r.get("d").asInt());
        assertEquals(3, r.get("input_rows").asInt());
        assertEquals(2, r.get("rank").asInt());
        assertFalse(r.get("centred").asBoolean());
        assertEquals(1e-7, r.get("epsilon").asDouble());
        assertEquals("cpu", r.get("backend").asText());
        assertTrue(r.has("selection") && r.has("seconds") && r.has("version"));
        assertEquals(1, rankMe.out().strip().lines().count());

        CommandRun vne = CommandRun.of("entropy", "--input", csv.toString(), "--measure", "vne", "--json");
        assertEquals(0, vne.code(), vne.err());
        JsonNode v = new ObjectMapper().readTree(vne.out());
        double l16 = 16.0 / 25;
        double l9 = 9.0 / 25;
        assertEquals("vne", v.get("measure").asText());
        assertEquals(-(l16 * Math.log(l16) + l9 * Math.log(l9)) / Math.log(2), v.get("entropy").asDouble(), 1e-14);
        assertEquals("linear", v.get("kernel").asText());
        assertFalse(v.get("centred").asBoolean());
    }

    @Test
    void theTextReportSaysWhatWasMeasured() throws IOException {
        Path csv = smallFile();
        CommandRun rankMe = CommandRun.of("entropy", "--input", csv.toString(), "--measure", "rankme");
        assertEquals(0, rankMe.code(), rankMe.err());
        String[] lines = rankMe.out().split("\n");
        assertTrue(lines[0].startsWith("backend cpu"), rankMe.out());
        double expected = LinearSpectrumMeasures.rankMe(Matrix.of(new double[][] {{3, 0}, {0, 4}, {0, 0}}));
        assertTrue(lines[1].startsWith(String.format(Locale.ROOT, "RANKME = %.15g (effective rank", expected)),
                rankMe.out());
        assertTrue(lines[2].contains("N = 3, D = 2, numerical rank 2") && lines[2].contains("not centred"),
                rankMe.out());
        CommandRun vne = CommandRun.of("entropy", "--input", csv.toString(), "--measure", "vne");
        assertEquals(0, vne.code(), vne.err());
        assertTrue(vne.out().contains("VNE = ") && vne.out().contains(" bits (von Neumann entropy of ZZᵀ / tr ZZᵀ, "
                + "linear kernel)"), vne.out());
    }

    @Test
    void aFileBeyondMaxNIsMeasuredOnTheSameSubsampleAsInMemory() throws IOException {
        Random random = new Random(3);
        double[][] z = new double[50][4];
        StringBuilder text = new StringBuilder();
        for (double[] row : z) {
            for (int j = 0; j < row.length; j++) {
                row[j] = Math.round(random.nextGaussian() * 1000) / 1000.0;
                text.append(j > 0 ? "," : "").append(row[j]);
            }
            text.append('\n');
        }
        Path csv = dir.resolve("fifty.csv");
        Files.writeString(csv, text);
        CommandRun o = CommandRun.of("entropy", "--input", csv.toString(), "--measure", "vne", "--max-n", "20",
                "--seed", "5", "--json");
        assertEquals(0, o.code(), o.err());
        JsonNode json = new ObjectMapper().readTree(o.out());
        double expected = LinearSpectrumMeasures.of(Matrix.of(z), DiffusionSpectralEntropy.subsampleRows(50, 20, 5), 1)
                .vonNeumannEntropy();
        assertEquals(expected, json.get("entropy").asDouble(), 1e-12);
        assertEquals(20, json.get("n").asInt());
        assertEquals(50, json.get("input_rows").asInt());
    }

    @Test
    void anAllZeroInputIsRefusedSayingWhy() throws IOException {
        Path csv = dir.resolve("zeros.csv");
        Files.writeString(csv, "0,0\n0,0\n");
        CommandRun o = CommandRun.of("entropy", "--input", csv.toString(), "--measure", "rankme");
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("matrix: every value is 0") && o.err().contains("undefined"), o.err());
    }

    @Test
    void countAboveCountsTheExactEigenvaluesInTextAndJson() throws IOException {
        // The swiss roll at σ = 10: the official eigenvalues (io.dse4j.CountAboveTest) have 86 above 1e-6.
        Path input = Path.of(getClass().getResource("/swissroll_700x3.npy").getPath());
        CommandRun json = CommandRun.of("entropy", "--input", input.toString(), "--backend", "cpu", "--count-above",
                "1e-6", "--json");
        assertEquals(0, json.code(), json.err());
        JsonNode count = new ObjectMapper().readTree(json.out()).get("count_above");
        assertEquals(1e-6, count.get("floor").asDouble());
        assertEquals(86, count.get("count").asInt());
        assertEquals(700, count.get("of").asInt());
        CommandRun text = CommandRun.of("entropy", "--input", input.toString(), "--backend", "cpu", "--count-above",
                "0.1");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("\neigenvalues with |λ| > 0.1: 7 of 700\n"), text.out());
        // Without the option, neither.
        CommandRun plain = CommandRun.of("entropy", "--example", "blobs", "--n", "40", "--json");
        assertFalse(new ObjectMapper().readTree(plain.out()).has("count_above"));
    }

    @Test
    void countAboveWorksFromAnEigenvalueCacheToo() throws IOException {
        Path cache = dir.resolve("eig.npz");
        String[] args = {"entropy", "--example", "uniform", "--n", "150", "--eigenvalues-cache", cache.toString(),
            "--count-above", "1e-4", "--json"};
        CommandRun first = CommandRun.of(args);
        assertEquals(0, first.code(), first.err());
        CommandRun second = CommandRun.of(args);
        assertEquals(0, second.code(), second.err());
        JsonNode a = new ObjectMapper().readTree(first.out());
        JsonNode b = new ObjectMapper().readTree(second.out());
        assertEquals("cache", b.get("backend").asText());
        assertEquals(a.get("count_above"), b.get("count_above"));
        assertTrue(a.get("count_above").get("count").asInt() > 0);
    }

    @Test
    void countAboveIsRefusedWhereThereAreNoExactDiffusionEigenvalues() {
        String[] base = {"entropy", "--example", "blobs", "--n", "40", "--count-above", "1e-6"};
        assertBad(with(base, "--measure", "vne"), "--count-above counts the diffusion matrix's eigenvalues: it "
                + "applies to --measure dse only");
        assertBad(with(base, "--measure", "ase-gaussian"), "applies to --measure dse only");
        assertBad(with(base, "--method", "slq"), "--count-above counts the exact eigenvalues, which --method slq "
                + "does not compute; leave out --method or give --method exact");
        assertBad(with(base, "--method", "chebyshev"), "which --method chebyshev only estimates");
        assertBad(CommandRun.of("entropy", "--example", "blobs", "--count-above", "-1e-6"), "--count-above must be a "
                + "number ≥ 0, got -1.0E-6");
        assertBad(CommandRun.of("entropy", "--example", "blobs", "--count-above", "NaN"), "--count-above must be a "
                + "decimal number");
    }

    private static CommandRun with(String[] base, String... more) {
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CommandRun.of(args);
    }

    private static void assertBad(CommandRun o, String message) {
        assertEquals(2, o.code(), "exit code; stderr: " + o.err());
        assertTrue(o.err().contains(message), "stderr should contain '" + message + "' but was: " + o.err());
        assertTrue(o.out().isEmpty(), "nothing on stdout: " + o.out());
    }
}
