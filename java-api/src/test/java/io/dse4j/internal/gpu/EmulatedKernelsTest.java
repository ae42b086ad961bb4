package io.dse4j.internal.gpu;

import io.dse4j.bindings.kernels.dse4j_kernels_h;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * dse4j's kernels as the CUDA stand-in runs them — the device source itself, compiled for the host over the emulation
 * header, launched with the real launchers (and grids of at most 16 blocks, so every grid-stride loop wraps) — against
 * brute-force loops, on awkward shapes: N of 1, 2, one warp short, either side of a block of 256, 1000; leading
 * dimensions larger than N; f64 and f32. Entries outside the lower triangle, and the padding rows below it, must be
 * left as they were. A barrier that not all threads of a block reach fails the launch.
 */
@ExtendWith(SanitizedStandIn.class)
class EmulatedKernelsTest {

    private static final double SIGMA = 1.7;

    @BeforeEach
    void standInLoaded() {
        CudaLibraries.Availability availability = CudaLibraries.availability();
        assertTrue(availability.usable() && availability.standIn(), "needs the CUDA stand-in: " + availability);
    }

    /** A column-major n×n matrix in an lda×n array: lower triangle from {@code lower}, NaN everywhere else. */
    private static double[] lowerTriangle(int n, int lda, Random random) {
        double[] a = new double[lda * n];
        java.util.Arrays.fill(a, Double.NaN);
        for (int j = 0; j < n; j++) {
            for (int i = j; i < n; i++) {
                a[i + j * lda] = random.nextDouble();
            }
        }
        return a;
    }

    private static MemorySegment device(Arena arena, double[] values, boolean f32) {
        if (!f32) {
            return arena.allocateFrom(ValueLayout.JAVA_DOUBLE, values);
        }
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return arena.allocateFrom(ValueLayout.JAVA_FLOAT, floats);
    }

    private static double[] host(MemorySegment segment, int length, boolean f32) {
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = f32 ? segment.getAtIndex(ValueLayout.JAVA_FLOAT, i) : segment.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
        }
        return out;
    }

    /** The values as the kernel's element type sees them. */
    private static double[] rounded(double[] values, boolean f32) {
        double[] out = values.clone();
        if (f32) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) out[i];
            }
        }
        return out;
    }

    private static void assertClose(double expected, double actual, double relative, String what) {
        assertEquals(expected, actual, relative * Math.max(1, Math.abs(expected)), what);
    }

    @ParameterizedTest(name = "n = {0}, lda = n + {1}, f32 = {2}")
    @CsvSource({"1,0,false", "2,0,false", "31,0,false", "255,0,false", "256,0,false", "257,3,false", "1000,0,false",
            "1,2,true", "2,0,true", "31,1,true", "255,0,true", "256,5,true", "257,0,true", "1000,7,true"})
    void everyKernelMatchesItsBruteForceLoop(int n, int padding, boolean f32) {
        int lda = n + padding;
        Random random = new Random(31L * n + padding);
        double[] a0 = rounded(lowerTriangle(n, lda, random), f32);
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            norms[i] = 0.5 + random.nextDouble();
        }
        double tolerance = f32 ? 1e-6 : 1e-13;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = device(arena, a0, f32);
            MemorySegment normsOnDevice = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, norms);
            MemorySegment stream = MemorySegment.NULL;

            // diagonal: norms[i] = a_ii
            MemorySegment diagonal = arena.allocate(ValueLayout.JAVA_DOUBLE, n);
            assertEquals(0, f32 ? dse4j_kernels_h.dse4j_diagonal_f32(a, n, lda, diagonal, stream)
                    : dse4j_kernels_h.dse4j_diagonal_f64(a, n, lda, diagonal, stream));
            for (int i = 0; i < n; i++) {
                assertEquals(a0[i + i * lda], diagonal.getAtIndex(ValueLayout.JAVA_DOUBLE, i), "diagonal " + i);
            }

            // gaussian: exp(-(n_i + n_j - 2 a_ij)^+ / 2σ²) below the diagonal, 1 on it
            assertEquals(0, f32 ? dse4j_kernels_h.dse4j_gaussian_f32(a, n, lda, normsOnDevice, SIGMA, stream)
                    : dse4j_kernels_h.dse4j_gaussian_f64(a, n, lda, normsOnDevice, SIGMA, stream));
            double[] g = host(a, lda * n, f32);
            double[] expectedG = a0.clone();
            for (int j = 0; j < n; j++) {
                for (int i = j; i < n; i++) {
                    double d2 = Math.max(0, norms[i] + norms[j] - 2 * a0[i + j * lda]);
                    expectedG[i + j * lda] = i == j ? 1 : Math.exp(-d2 / (2 * SIGMA * SIGMA));
                }
            }
            assertTriangle(expectedG, g, n, lda, tolerance, "gaussian");

            // degrees: row sums of the symmetric matrix held in the lower triangle
            MemorySegment degrees = arena.allocate(ValueLayout.JAVA_DOUBLE, n);
            assertEquals(0, f32 ? dse4j_kernels_h.dse4j_degrees_f32(a, n, lda, degrees, stream)
                    : dse4j_kernels_h.dse4j_degrees_f64(a, n, lda, degrees, stream));
            double[] expectedDegrees = new double[n];
            for (int j = 0; j < n; j++) {
                for (int i = j; i < n; i++) {
                    expectedDegrees[i] += g[i + j * lda];
                    if (i != j) {
                        expectedDegrees[j] += g[i + j * lda];
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                assertClose(expectedDegrees[i], degrees.getAtIndex(ValueLayout.JAVA_DOUBLE, i), 1e-13, "degree " + i);
            }

            // entry sums over P = D⁻¹K of the full matrix: Σ p_ij with total ≤ 0, spread over 7 blocks
            long blocks = Math.min(7, Math.max(1, n));
            MemorySegment partial = arena.allocate(ValueLayout.JAVA_DOUBLE, blocks);
            assertEquals(0, f32 ? dse4j_kernels_h.dse4j_entry_sums_f32(a, n, lda, degrees, 0, 0, partial, blocks,
                    stream) : dse4j_kernels_h.dse4j_entry_sums_f64(a, n, lda, degrees, 0, 0, partial, blocks, stream));
            double sum = 0;
            for (int b = 0; b < blocks; b++) {
                sum += partial.getAtIndex(ValueLayout.JAVA_DOUBLE, b);
            }
            assertClose(n, sum, 1e-12, "Σ p over the rows of a row-stochastic P is N");

            // normalise: (d_i^-½ a_ij) d_j^-½
            assertEquals(0, f32 ? dse4j_kernels_h.dse4j_normalise_f32(a, n, lda, degrees, stream)
                    : dse4j_kernels_h.dse4j_normalise_f64(a, n, lda, degrees, stream));
            double[] k = host(a, lda * n, f32);
            double[] expectedK = g.clone();
            for (int j = 0; j < n; j++) {
                for (int i = j; i < n; i++) {
                    double di = degrees.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
                    double dj = degrees.getAtIndex(ValueLayout.JAVA_DOUBLE, j);
                    expectedK[i + j * lda] = (g[i + j * lda] / Math.sqrt(di)) / Math.sqrt(dj);
                }
            }
            assertTriangle(expectedK, k, n, lda, tolerance, "normalise");
        }
    }

    private static void assertTriangle(double[] expected, double[] actual, int n, int lda, double tolerance,
                                       String kernel) {
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < lda; i++) {
                String where = kernel + " (" + i + ", " + j + ")";
                if (i >= j && i < n) {
                    assertClose(expected[i + j * lda], actual[i + j * lda], tolerance, where);
                } else {
                    assertTrue(Double.isNaN(actual[i + j * lda]), where + " outside the lower triangle was written");
                }
            }
        }
    }

    @ParameterizedTest(name = "m = {0} of n = {1}, f32 = {2}")
    @CsvSource({"1,1,false", "5,31,true", "300,257,false", "4100,1000,true"})
    void gatherCopiesTheChosenRowsOfEveryColumn(int m, int n, boolean f32) {
        int d = 19;   // more columns than the stand-in's 16 grid rows: the column loop wraps
        Random random = new Random(m);
        double[] x = rounded(new double[n * d], f32);
        for (int i = 0; i < x.length; i++) {
            x[i] = f32 ? (float) random.nextGaussian() : random.nextGaussian();
        }
        long[] rows = new long[m];
        for (int i = 0; i < m; i++) {
            rows[i] = random.nextInt(n);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = device(arena, new double[m * d], f32);
            MemorySegment rowsOnDevice = arena.allocateFrom(ValueLayout.JAVA_LONG, rows);
            assertEquals(0, f32
                    ? dse4j_kernels_h.dse4j_gather_rows_f32(device(arena, x, true), n, d, rowsOnDevice, m, out,
                            MemorySegment.NULL)
                    : dse4j_kernels_h.dse4j_gather_rows_f64(device(arena, x, false), n, d, rowsOnDevice, m, out,
                            MemorySegment.NULL));
            double[] got = host(out, m * d, f32);
            for (int k = 0; k < d; k++) {
                for (int i = 0; i < m; i++) {
                    assertEquals(x[(int) rows[i] + k * n], got[i + k * m], "row " + i + ", column " + k);
                }
            }
        }
    }

    @Test
    void aLeadingDimensionBelowNIsRefusedBeforeAnyLaunch() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(ValueLayout.JAVA_DOUBLE, 16);
            assertEquals(1, dse4j_kernels_h.dse4j_diagonal_f64(a, 4, 3, arena.allocate(ValueLayout.JAVA_DOUBLE, 4),
                    MemorySegment.NULL), "cudaErrorInvalidValue");
        }
    }

    @Test
    void theProbesTestKernelRunsAndAFailingLaunchIsAReasonWithItsName() {
        StandIn.reset();
        assertEquals(null, KernelCheck.run());
        // As a GPU without machine code for its architecture would answer the first launch.
        StandIn.fail("dse4j_diagonal_f64", 1, 209);
        String reason = KernelCheck.run();
        assertTrue(reason != null && reason.contains("dse4j_diagonal_f64") && reason.contains("(209)")
                && reason.contains("no machine code for this GPU's architecture"), reason);
        assertEquals(0, StandIn.outstandingAllocations(), "the check frees its buffers when the launch fails");
        StandIn.reset();
    }

    @Test
    void aBarrierThatNotEveryThreadOfABlockReachesFailsTheLaunch() {
        assertEquals(719, StandIn.launchDivergentBarrier(), "cudaErrorLaunchFailure");
    }
}
