package io.dse4j.io;

import io.dse4j.Spectrum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The eigenvalue cache reads the reference's float16 files and round-trips its own float64 ones exactly. */
class EigenvalueCacheTest {

    @TempDir
    Path dir;

    @Test
    void float64RoundTripIsExact() throws IOException {
        Path file = dir.resolve("e.npz");
        Spectrum spectrum = Spectrum.of(new double[] {1.0, 0.3333333333333333, -1e-17, 0.25});
        EigenvalueCache.save(file, spectrum);
        assertArrayEquals(spectrum.eigenvalues(), EigenvalueCache.load(file).orElseThrow().eigenvalues(), 0.0);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void readsTheReferencesFloat16Cache() throws IOException {
        Path file = dir.resolve("ref.npz");
        ByteBuffer data = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : new float[] {1f, 0.5f, 0.25f}) {
            data.putShort(Float.floatToFloat16(v));
        }
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("eigvals.npy"));
            zip.write(NpyFiles.npy(1, "<f2", false, "(3,)", data.array()));
            zip.closeEntry();
        }
        assertArrayEquals(new double[] {1, 0.5, 0.25}, EigenvalueCache.load(file).orElseThrow().eigenvalues(), 0.0);
    }

    @Test
    void aMissingFileIsAMiss() throws IOException {
        assertTrue(EigenvalueCache.load(dir.resolve("none.npz")).isEmpty());
    }
}
