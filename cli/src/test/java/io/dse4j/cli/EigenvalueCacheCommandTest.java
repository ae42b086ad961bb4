package io.dse4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dse4j.io.NpyWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code entropy --eigenvalues-cache} answers only for the computation its eigenvalues came from: a cache dse4j writes
 * records the measure, kernel, σ, precision, N, max-n, seed and the rows' digest, and a run that differs in any of
 * them is refused naming the field with both values — where it used to print another computation's entropy with
 * exit 0. The reference's caches, which record nothing, are still read, with a warning; malformed arrays are
 * refused. {@code spectrum --out FILE.npz} writes the same record.
 */
class EigenvalueCacheCommandTest {

    @TempDir
    Path dir;
    Path points;
    Path cache;

    /** 100 points in 5 dimensions, and the cache of their DSE at σ = 10. */
    @BeforeEach
    void cacheAtSigmaTen() throws IOException {
        points = dir.resolve("x.npy");
        NpyWriter.writeDoubles(points, gaussian(100, 5, 1), 100, 5);
        cache = dir.resolve("c.npz");
        CommandRun made = entropy(points, "--sigma", "10", "--eigenvalues-cache", cache.toString());
        assertEquals(0, made.code(), made.err());
    }

    private static double[] gaussian(int n, int d, long seed) {
        Random random = new Random(seed);
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = 3 * random.nextGaussian();
        }
        return x;
    }

    private static CommandRun entropy(Path input, String... options) {
        List<String> args = new ArrayList<>(List.of("entropy", "--input", input.toString(), "--backend", "cpu",
                "--json"));
        args.addAll(Arrays.asList(options));
        return CommandRun.of(args.toArray(String[]::new));
    }

    private static double entropyOf(CommandRun o) throws IOException {
        assertEquals(0, o.code(), o.err());
        return new ObjectMapper().readTree(o.out()).get("entropy").asDouble();
    }

    @Test
    void theSameComputationIsAnsweredFromTheCacheWithTheSameBits() throws IOException {
        CommandRun cached = entropy(points, "--sigma", "10", "--eigenvalues-cache", cache.toString());
        JsonNode json = new ObjectMapper().readTree(cached.out());
        assertEquals("cache", json.get("backend").asText());
        assertEquals(entropyOf(entropy(points, "--sigma", "10")), json.get("entropy").asDouble(), 0.0);
        assertEquals(0, json.get("warnings").size(), "a cache with a matching record is checked: no warning");
        assertEquals("", cached.err());
    }

    @Test
    void anotherSigmaIsRefusedNamingTheFieldAndBothValues() {
        // Before: the σ = 10 cache answered 0.398 for σ = 3, whose DSE is 2.449, with exit 0.
        assertRefused(entropy(points, "--sigma", "3", "--eigenvalues-cache", cache.toString()),
                "sigma: 10.0 in the cache, 3.0 now");
        assertRefused(entropy(points, "--sigma", "median", "--eigenvalues-cache", cache.toString()),
                "sigma: 10.0 in the cache, median now");
    }

    @Test
    void otherDataOfTheSameSizeIsRefusedByTheRowsDigest() throws IOException {
        Path other = dir.resolve("other.npy");
        NpyWriter.writeDoubles(other, gaussian(100, 5, 2), 100, 5);
        CommandRun o = entropy(other, "--sigma", "10", "--eigenvalues-cache", cache.toString());
        assertRefused(o, "rows_sha256: ");
        assertFalse(o.err().contains("sigma:") || o.err().contains("n:"), "only the data differ: " + o.err());
    }

    @Test
    void anotherMeasureKernelPrecisionMaxNOrMethodIsRefused() {
        assertRefused(entropy(points, "--sigma", "10", "--measure", "ase-gaussian", "--eigenvalues-cache",
                cache.toString()), "measure: dse in the cache, ase-gaussian now");
        assertRefused(entropy(points, "--kernel", "adaptive:5", "--eigenvalues-cache", cache.toString()),
                "kernel: gaussian in the cache, adaptive:5 now");
        assertRefused(entropy(points, "--sigma", "10", "--alpha", "1", "--eigenvalues-cache", cache.toString()),
                "alpha: 0.0 in the cache, 1.0 now");
        assertRefused(entropy(points, "--sigma", "10", "--precision", "f32", "--eigenvalues-cache",
                cache.toString()), "precision: f64 in the cache, f32 now");
        CommandRun fewer = entropy(points, "--sigma", "10", "--max-n", "60", "--eigenvalues-cache", cache.toString());
        assertRefused(fewer, "n: 100 in the cache, 60 now");
        assertTrue(fewer.err().contains("max_n: 10000 in the cache, 60 now"), fewer.err());
        assertRefused(entropy(points, "--sigma", "10", "--method", "chebyshev", "--eigenvalues-cache",
                cache.toString()), "method: exact in the cache, chebyshev now");
    }

    @Test
    void aSubsampledInputIsRecordedByTheRowsItUsedAndReportsItsOwnSize() throws IOException {
        Path big = dir.resolve("big.npy");
        NpyWriter.writeDoubles(big, gaussian(300, 4, 3), 300, 4);
        Path subsampled = dir.resolve("sub.npz");
        JsonNode direct = new ObjectMapper().readTree(entropy(big, "--max-n", "120", "--seed", "7").out());
        JsonNode made = new ObjectMapper().readTree(entropy(big, "--max-n", "120", "--seed", "7",
                "--eigenvalues-cache", subsampled.toString()).out());
        assertEquals(direct.get("entropy").asDouble(), made.get("entropy").asDouble(), 0.0,
                "computing through the cache changes nothing");
        assertEquals(300, made.get("input_rows").asInt());
        assertEquals(120, made.get("n").asInt());
        var record = EigenvalueCache.read(subsampled).orElseThrow().record();
        int[] rows = io.dse4j.DiffusionSpectralEntropy.subsampleRows(300, 120, 7);
        assertEquals(EigenvalueCache.digest(io.dse4j.io.MatrixFiles.open(big, null).readRows(rows)),
                record.get("rows_sha256"), "the digest of the subsample's rows, in the order used");
        assertEquals(direct.get("entropy").asDouble(), entropyOf(entropy(big, "--max-n", "120", "--seed", "7",
                "--eigenvalues-cache", subsampled.toString())), 0.0);
        assertRefused(entropy(big, "--max-n", "120", "--seed", "8", "--eigenvalues-cache", subsampled.toString()),
                "seed: 7 in the cache, 8 now");
    }

    @Test
    void theReferencesCacheIsReadWithAWarningThatItCannotBeChecked() throws IOException {
        Path reference = dir.resolve("reference.npz");
        double[] eigenvalues = EigenvalueCache.load(cache).orElseThrow().eigenvalues();
        NpyWriter.writeNpz(reference, "eigvals", eigenvalues);
        CommandRun o = entropy(points, "--sigma", "10", "--eigenvalues-cache", reference.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().startsWith("dse4j: warning: " + reference + " holds no record of what its eigenvalues "
                + "were computed from"), o.err());
        assertTrue(o.err().contains("cannot be checked"), o.err());
        JsonNode json = new ObjectMapper().readTree(o.out());
        assertEquals(1, json.get("warnings").size());
        assertEquals(entropyOf(entropy(points, "--sigma", "10")), json.get("entropy").asDouble(), 1e-12);
        assertRefused(entropy(dir.resolve("x.npy"), "--max-n", "50", "--eigenvalues-cache", reference.toString()),
                "holds 100 eigenvalues, but this input's kernel has 50 points");
    }

    @Test
    void malformedArraysAreRefused() throws IOException {
        Path matrix = dir.resolve("matrix.npz");
        Path npy = dir.resolve("m.npy");
        NpyWriter.writeDoubles(npy, gaussian(40, 1, 4), 5, 8);
        try (var out = Files.newOutputStream(matrix); var zip = new java.util.zip.ZipOutputStream(out)) {
            zip.putNextEntry(new java.util.zip.ZipEntry("eigvals.npy"));
            zip.write(Files.readAllBytes(npy));
            zip.closeEntry();
        }
        Path forty = dir.resolve("forty.npy");
        NpyWriter.writeDoubles(forty, gaussian(40, 2, 5), 40, 2);
        // Before: a 5 × 8 array was read as 40 eigenvalues, and all zeros gave log₂ N.
        assertRefused(entropy(forty, "--eigenvalues-cache", matrix.toString()),
                "the eigenvalue cache holds an array of shape (5, 8)");
        Path zeros = dir.resolve("zeros.npz");
        NpyWriter.writeNpz(zeros, "eigvals", new double[40]);
        assertRefused(entropy(forty, "--eigenvalues-cache", zeros.toString()), "every one of its 40 eigenvalues is 0");
    }

    @Test
    void dse4jWritesNoCacheItCouldNotCheck() {
        Path npy = dir.resolve("new.npy");
        assertRefused(entropy(points, "--eigenvalues-cache", npy.toString()), "give a .npz name");
        assertFalse(Files.exists(npy));
        assertRefused(entropy(points, "--eigenvalues-cache", dir.resolve("c.cache").toString()),
                "the file must end in .npz");
        assertRefused(entropy(points, "--eigenvalues-cache", dir.resolve("no/c.npz").toString()), "does not exist");
    }

    @Test
    void spectrumOutNpzRecordsWhatEntropyChecks() throws IOException {
        Path saved = dir.resolve("spectrum.npz");
        CommandRun o = CommandRun.of("spectrum", "--input", points.toString(), "--sigma", "4", "--backend", "cpu",
                "--out", saved.toString());
        assertEquals(0, o.code(), o.err());
        assertEquals("4.0", EigenvalueCache.read(saved).orElseThrow().record().get("sigma"));
        assertEquals(entropyOf(entropy(points, "--sigma", "4")), entropyOf(entropy(points, "--sigma", "4",
                "--eigenvalues-cache", saved.toString())), 1e-12);
        assertRefused(entropy(points, "--eigenvalues-cache", saved.toString()), "sigma: 4.0 in the cache, 10.0 now");
    }

    @Test
    void clustersOutIntoAFolderIsRefusedNamingTheFolderNotATemporaryFile() throws IOException {
        Path labels = dir.resolve("y.npy");
        long[] y = new long[100];
        Arrays.setAll(y, i -> i % 3);
        NpyWriter.writeLongs(labels, y, 100);
        Path folder = Files.createDirectory(dir.resolve("clusters"));
        CommandRun o = CommandRun.of("mi", "--input", points.toString(), "--reference", labels.toString(),
                "--clusters-out", folder.toString(), "--backend", "cpu");
        assertRefused(o, "--clusters-out " + folder + " is a folder; give a file name ending in .npy");
        assertFalse(o.err().contains(".part"), "no temporary file named: " + o.err());
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".part")));
        }
    }

    private static void assertRefused(CommandRun o, String message) {
        assertEquals(2, o.code(), "exit code; stderr: " + o.err() + " stdout: " + o.out());
        assertTrue(o.err().contains(message), "stderr should contain '" + message + "' but was: " + o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
    }
}
