package io.dse4j.cli;

import java.util.List;

import java.util.ArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dse4j.Spectrum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dse4j spectrum}: every t from one decomposition equals a separate {@code entropy --t} run, the eigenvalues
 * saved are the spectrum's (largest first) and read back as the eigenvalue cache, the plot is drawn, and bad t lists
 * or paths are refused before any work.
 */
class SpectrumCommandTest {

    @TempDir
    Path dir;

    @Test
    void everyTimeEqualsItsOwnEntropyRunAndTheSavedEigenvaluesAreTheCache() throws IOException {
        Path eigenvalues = dir.resolve("ev.npy");
        Path plot = dir.resolve("spectrum.png");
        CommandRun o = CommandRun.of("spectrum", "--example", "swiss-roll", "--n", "400", "--t", "1,2,5,0.5",
                "--backend", "cpu", "--out", eigenvalues.toString(), "--plot", plot.toString(), "--json");
        assertEquals(0, o.code(), o.err());
        ObjectMapper json = new ObjectMapper();
        JsonNode r = json.readTree(o.out());
        assertEquals("spectrum", r.get("measure").asText());
        assertEquals(4, r.get("entropies").size());
        for (JsonNode e : r.get("entropies")) {
            String t = e.get("t").asText();
            JsonNode alone = json.readTree(CommandRun.of("entropy", "--example", "swiss-roll", "--n", "400", "--t", t,
                    "--backend", "cpu", "--json").out());
            assertEquals(alone.get("entropy").asDouble(), e.get("entropy").asDouble(), 0.0, "t = " + t);
            CommandRun cached = CommandRun.of("entropy", "--example", "swiss-roll", "--n", "400", "--t", t,
                    "--eigenvalues-cache", eigenvalues.toString(), "--json");
            assertEquals("cache", json.readTree(cached.out()).get("backend").asText());
            assertEquals(alone.get("entropy").asDouble(), json.readTree(cached.out()).get("entropy").asDouble(),
                    1e-12, "the saved eigenvalues give the same entropy at t = " + t);
        }
        Spectrum saved = EigenvalueCache.load(eigenvalues).orElseThrow();
        assertEquals(400, saved.size());
        double[] values = saved.eigenvalues();
        for (int i = 1; i < values.length; i++) {
            assertTrue(values[i] <= values[i - 1], "largest first");
        }
        assertEquals(1.0, values[0], 1e-12, "a diffusion operator's largest eigenvalue is 1");
        assertEquals(values[0], r.get("largest_eigenvalues").get(0).asDouble(), 0.0);
        BufferedImage image = ImageIO.read(plot.toFile());
        assertEquals(SpectrumPlot.WIDTH, image.getWidth());
        assertEquals(SpectrumPlot.HEIGHT, image.getHeight());
    }

    @Test
    void theReportListsEachTimeAndTheNpzFormIsTheReferencesCache() throws IOException {
        Path npz = dir.resolve("ev.npz");
        CommandRun o = CommandRun.of("spectrum", "--example", "blobs", "--n", "200", "--t", "1,3", "--backend", "cpu",
                "--out", npz.toString(), "--plot", dir.resolve("s.svg").toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("t = 1      DSE = ") && o.out().contains("t = 3      DSE = "), o.out());
        assertTrue(o.out().contains("eigenvalues (200, largest first) saved to " + npz), o.out());
        assertEquals(200, EigenvalueCache.load(npz).orElseThrow().size());
        assertTrue(Files.readString(dir.resolve("s.svg")).contains("t = 3: DSE = "), "the legend gives each DSE");
    }

    /**
     * A line of the upper panel stops where |λ|ᵗ drops below the log axis; its legend says how many of its values
     * are not drawn — at t = 10 here 2 of 5 (0.01¹⁰ = 1e-20 is drawn; (1e-4)¹⁰ and (1e-9)¹⁰ are not), none at t = 1.
     */
    @Test
    void aLineCutByTheLogAxisSaysHowManyValuesItLeavesOut() {
        io.dse4j.Spectrum spectrum = io.dse4j.Spectrum.of(new double[] {1, 0.5, 0.01, 1e-4, -1e-9});
        org.jfree.chart.JFreeChart chart = SpectrumPlot.chart(spectrum, new double[] {1, 10}, "title", "caption");
        List<String> legend = new ArrayList<>();
        org.jfree.chart.LegendItemCollection items = chart.getPlot().getLegendItems();
        for (int i = 0; i < items.getItemCount(); i++) {
            legend.add(items.get(i).getLabel());
        }
        assertEquals(2, legend.size(), legend.toString());
        assertFalse(legend.get(0).contains("not drawn"), legend.get(0));
        assertTrue(legend.get(1).endsWith("(2 of 5 values below 1e-30, not drawn)"), legend.get(1));
    }

    @Test
    void badTimesAndPathsAreRefusedBeforeAnyWork() {
        assertBad(CommandRun.of("spectrum", "--example", "blobs", "--t", "1,x"),
                "--t must be a comma-separated list of decimal numbers (such as 1,2,5,10), got '1,x'");
        assertBad(CommandRun.of("spectrum", "--example", "blobs", "--t", "1,,2"), "comma-separated list");
        assertBad(CommandRun.of("spectrum", "--example", "blobs", "--t", "2,-1"),
                "every diffusion time must be ≥ 0, got -1");
        assertBad(CommandRun.of("spectrum", "--example", "blobs", "--plot", dir.resolve("s.jpg").toString()),
                "must end in .png or .svg");
        assertBad(CommandRun.of("spectrum", "--example", "blobs", "--plot", dir.resolve("no/s.png").toString()),
                "does not exist");
        assertBad(CommandRun.of("spectrum", "--example", "blobs", "--out", dir.resolve("ev.txt").toString()),
                "must end in .npy or .npz");
        assertBad(CommandRun.of("spectrum"), "exactly one of --input FILE or --example NAME");
        assertBad(CommandRun.of("spectrum", "--example", "blobs", "--t", "1,2,1", "--plot",
                dir.resolve("s.png").toString()), "--t lists 1 twice");
        assertBad(CommandRun.of("spectrum", "--example", "blobs", "--plot", "/"), "give a file name ending in .png");
    }

    private static void assertBad(CommandRun o, String message) {
        assertEquals(2, o.code(), "exit code; stderr: " + o.err());
        assertTrue(o.err().contains(message), "stderr should contain '" + message + "' but was: " + o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
        assertTrue(o.out().isEmpty(), "nothing on stdout: " + o.out());
    }
}
