package io.dse4j.internal.gpu;

import io.dse4j.bindings.cudart.cuda_runtime_api_h;

import org.junit.jupiter.api.AfterEach;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * dse4j's kernels as the CUDA stand-in runs them — the device source itself, compiled for the host over the emulation
 * header, loaded and launched by {@link DeviceKernels} through the stand-in's driver API (its launch geometry and
 * kernelParams marshalling; grids of at most 16 blocks, the device limit the stand-in reports, so every grid-stride
 * loop wraps) — against
 * brute-force loops, on awkward shapes: N of 1, 2, one warp short, either side of a block of 256, 1000; leading
 * dimensions larger than N; f64 and f32. Entries outside the lower triangle, and the padding rows below it, must be
 * left as they were. A barrier that not all threads of a block reach fails the launch. Every buffer is the stand-in's
 * device memory (a launch refuses any other), read and written directly, as it is host memory.
 */
@ExtendWith(SanitizedStandIn.class)
class EmulatedKernelsTest {

    private static final double SIGMA = 1.7;

    private DeviceKernels kernels;

    @BeforeEach
    void standInLoaded() {
        CudaLibraries.Availability availability = CudaLibraries.availability();
        assertTrue(availability.usable() && availability.standIn(), "needs the CUDA stand-in: " + availability);
        kernels = DeviceKernels.load(0, availability.kernels());
    }

    @AfterEach
    void unload() {
        if (kernels != null) {
            kernels.close();
        }
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

    /** Original coordinates of n points in {@code dims} dimensions, column-major with leading dimension ldo. */
    private static double[] originals(int n, int ldo, int dims, Random random) {
        double[] o = new double[ldo * dims];
        java.util.Arrays.fill(o, Double.NaN);   // padding rows must never be read
        for (int k = 0; k < dims; k++) {
            for (int i = 0; i < n; i++) {
                o[i + k * ldo] = random.nextGaussian();
            }
        }
        return o;
    }

    /**
     * The squared distance the kernels must use for entry (i, j): the Gram expansion, or where it cancels more than
     * two bits (norms' sum > 4·d̂²) for a visible entry, the sum of squared differences of the original coordinates.
     */
    private static double squaredDistance(double[] norms, double gram, double[] original, int ldo, int dims, int i,
                                          int j, double visible, boolean f32) {
        double sum = norms[i] + norms[j];
        double d2 = sum - 2 * gram;
        double error = (dims + 4) * (f32 ? 0x1p-24 : 0x1p-53);
        if (sum > 4 * d2 && d2 - error * sum <= visible) {
            double s = 0;
            for (int k = 0; k < dims; k++) {
                double d = original[i + k * ldo] - original[j + k * ldo];
                s += d * d;
            }
            return s;
        }
        return Math.max(0, d2);
    }

    private static DeviceElement elementOf(boolean f32) {
        return f32 ? DeviceElement.F32 : DeviceElement.F64;
    }

    /** {@code values} in the element type, in device memory (the stand-in's is host memory, read directly). */
    private static MemorySegment device(Arena arena, double[] values, boolean f32) {
        if (!f32) {
            return StandIn.deviceDoubles(arena, values);
        }
        MemorySegment block = StandIn.deviceMemory(arena, (long) Float.BYTES * values.length);
        for (int i = 0; i < values.length; i++) {
            block.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) values[i]);
        }
        return block;
    }

    /** n doubles of fresh device memory: NaN until a kernel writes them. */
    private static MemorySegment deviceDoubles(Arena arena, long n) {
        return StandIn.deviceMemory(arena, Double.BYTES * n);
    }

    private static double[] host(MemorySegment segment, int length, boolean f32) {
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = f32 ? segment.getAtIndex(ValueLayout.JAVA_FLOAT, i) : segment.getAtIndex(ValueLayout.JAVA_DOUBLE,
                    i);
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
        DeviceElement element = elementOf(f32);
        int lda = n + padding;
        Random random = new Random(31L * n + padding);
        double[] a0 = rounded(lowerTriangle(n, lda, random), f32);
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            norms[i] = 0.5 + random.nextDouble();
        }
        int dims = 3;
        int ldo = n + padding + 1;
        double[] original = originals(n, ldo, dims, random);
        double tolerance = f32 ? 1e-6 : 1e-13;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = device(arena, a0, f32);
            MemorySegment normsOnDevice = StandIn.deviceDoubles(arena, norms);
            MemorySegment stream = MemorySegment.NULL;

            // diagonal: norms[i] = a_ii
            MemorySegment diagonal = deviceDoubles(arena, n);
            kernels.diagonal(element, a, n, lda, diagonal, stream);
            assertEquals(0, StandIn.synchronize());
            for (int i = 0; i < n; i++) {
                assertEquals(a0[i + i * lda], diagonal.getAtIndex(ValueLayout.JAVA_DOUBLE, i), "diagonal " + i);
            }

            // gaussian: exp(-d²/2σ²) below the diagonal, 1 on it; d² by the expansion, or by differences where that
            // cancels (these random Gram entries make most of them cancel)
            kernels.gaussian(element, a, n, lda, normsOnDevice, StandIn.deviceDoubles(arena, original), ldo, dims,
                    SIGMA, stream);
            assertEquals(0, StandIn.synchronize());
            double[] g = host(a, lda * n, f32);
            double[] expectedG = a0.clone();
            double visible = (f32 ? 110.0 : 760.0) * 2 * SIGMA * SIGMA;
            for (int j = 0; j < n; j++) {
                for (int i = j; i < n; i++) {
                    double d2 = squaredDistance(norms, a0[i + j * lda], original, ldo, dims, i, j, visible, f32);
                    expectedG[i + j * lda] = i == j ? 1 : Math.exp(-d2 / (2 * SIGMA * SIGMA));
                }
            }
            assertTriangle(expectedG, g, n, lda, tolerance, "gaussian");

            // degrees: row sums of the symmetric matrix held in the lower triangle
            MemorySegment degrees = deviceDoubles(arena, n);
            kernels.degrees(element, a, n, lda, degrees, stream);
            assertEquals(0, StandIn.synchronize());
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
            int blocks = kernels.entrySumBlocks(n, 7);
            MemorySegment partial = deviceDoubles(arena, blocks);
            kernels.entrySums(element, a, n, lda, degrees, 0, 0, partial, blocks, stream);
            assertEquals(0, StandIn.synchronize());
            double sum = 0;
            for (int b = 0; b < blocks; b++) {
                sum += partial.getAtIndex(ValueLayout.JAVA_DOUBLE, b);
            }
            assertClose(n, sum, 1e-12, "Σ p over the rows of a row-stochastic P is N");

            // normalise: (d_i^-½ a_ij) d_j^-½
            kernels.normalise(element, a, n, lda, degrees, stream);
            assertEquals(0, StandIn.synchronize());
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

    /**
     * The kernels of the other shapes: per-point bandwidths (adaptive Gaussian, and PHATE's α-decay with exponent a)
     * and the α-normalisation's scaling, against the formulas written out.
     */
    @ParameterizedTest(name = "n = {0}, lda = n + {1}, f32 = {2}, decay = {3}")
    @CsvSource({"1,0,false,0", "31,2,false,0", "257,0,false,40", "1000,3,false,2", "2,1,true,0", "256,0,true,40",
        "257,5,true,0"})
    void theShapedAndScalingKernelsMatchTheirFormulas(int n, int padding, boolean f32, double decay) {
        DeviceElement element = elementOf(f32);
        int lda = n + padding;
        Random random = new Random(17L * n + padding);
        double[] a0 = rounded(lowerTriangle(n, lda, random), f32);
        double[] norms = new double[n];
        double[] inverse = new double[n];
        double[] factors = new double[n];
        for (int i = 0; i < n; i++) {
            norms[i] = 0.5 + random.nextDouble();
            inverse[i] = 0.5 + 2 * random.nextDouble();
            factors[i] = 0.2 + random.nextDouble();
        }
        int dims = 2;
        double[] original = originals(n, n, dims, random);
        double tolerance = f32 ? 1e-6 : 1e-13;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = device(arena, a0, f32);
            kernels.shaped(element, a, n, lda, StandIn.deviceDoubles(arena, norms),
                    StandIn.deviceDoubles(arena, original), n, dims, StandIn.deviceDoubles(arena, inverse), decay,
                    MemorySegment.NULL);
            assertEquals(0, StandIn.synchronize());
            double[] g = host(a, lda * n, f32);
            double[] expected = a0.clone();
            for (int j = 0; j < n; j++) {
                for (int i = j; i < n; i++) {
                    double d2 = squaredDistance(norms, a0[i + j * lda], original, n, dims, i, j,
                            Double.POSITIVE_INFINITY, f32);
                    double d = Math.sqrt(d2);
                    expected[i + j * lda] = i == j ? 1 : decay == 0
                            ? Math.exp(-d2 / 2 * inverse[i] * inverse[j])
                            : 0.5 * Math.exp(-Math.pow(d * inverse[i], decay))
                                    + 0.5 * Math.exp(-Math.pow(d * inverse[j], decay));
                }
            }
            assertTriangle(expected, g, n, lda, tolerance, "shaped");
            kernels.scale(element, a, n, lda, StandIn.deviceDoubles(arena, factors), MemorySegment.NULL);
            assertEquals(0, StandIn.synchronize());
            double[] scaled = host(a, lda * n, f32);
            for (int j = 0; j < n; j++) {
                for (int i = j; i < n; i++) {
                    double product = factors[i] * g[i + j * lda] * factors[j];
                    expected[i + j * lda] = f32 ? (float) product : product;
                }
            }
            // Bit for bit: two products in double and one rounding to T, and nothing fused (-ffp-contract=off, as
            // --fmad=false on the GPU), so the emulation, a GPU and this loop round alike.
            assertTriangle(expected, scaled, n, lda, 0, "scale");
        }
    }

    @ParameterizedTest(name = "m = {0} of n = {1}, f32 = {2}")
    @CsvSource({"1,1,false", "5,31,true", "300,257,false", "4100,1000,true"})
    void gatherCopiesTheChosenRowsOfEveryColumn(int m, int n, boolean f32) {
        DeviceElement element = elementOf(f32);
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
            MemorySegment rowsOnDevice = StandIn.deviceMemory(arena, (long) Long.BYTES * m);
            MemorySegment.copy(rows, 0, rowsOnDevice, ValueLayout.JAVA_LONG, 0, m);
            kernels.gatherRows(element, device(arena, x, f32), n, d, rowsOnDevice, m, out, MemorySegment.NULL);
            assertEquals(0, StandIn.synchronize());
            double[] got = host(out, m * d, f32);
            for (int k = 0; k < d; k++) {
                for (int i = 0; i < m; i++) {
                    assertEquals(x[(int) rows[i] + k * n], got[i + k * m], "row " + i + ", column " + k);
                }
            }
        }
    }

    @Test
    void badSizesAreRefusedBeforeAnyLaunch() {
        StandIn.reset();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(ValueLayout.JAVA_DOUBLE, 16);
            MemorySegment out = arena.allocate(ValueLayout.JAVA_DOUBLE, 4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> kernels.diagonal(DeviceElement.F64, a, 4, 3, out, MemorySegment.NULL));
            assertEquals("diagonal: n = 4 and lda = 3 (need 0 <= n <= lda)", e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> kernels.gatherRows(DeviceElement.F32, a, 4, -1, a, 2, out, MemorySegment.NULL));
            assertThrows(IllegalArgumentException.class,
                    () -> kernels.entrySums(DeviceElement.F64, a, 4, 4, out, 0, 0, out, 17, MemorySegment.NULL),
                    "more partial sums than the device's 16-block grid can write");
            assertEquals(0, StandIn.calls("cuLaunchKernel"));
        }
    }

    @Test
    void theBlockSizeIsTheOneTheDeviceSourceIsWrittenFor() throws java.io.IOException {
        // The shared-memory reductions are sized by DSE4J_BLOCK_THREADS: a launch with another block size would read
        // or write past them.
        String source = java.nio.file.Files.readString(
                java.nio.file.Path.of("..", "native", "src", "dse4j_device.cu"));
        assertTrue(source.contains("#define DSE4J_BLOCK_THREADS " + DeviceKernels.BLOCK_THREADS + "\n"),
                "DeviceKernels.BLOCK_THREADS differs from the device source's DSE4J_BLOCK_THREADS");
    }

    @Test
    void aLaunchFromAThreadWhereTheContextWasNeverCurrentStillRuns() throws Exception {
        // The runtime makes the primary context current only on the threads that call it; a launch may come from
        // any thread, and the stand-in refuses a launch where it is not current (CUDA_ERROR_INVALID_CONTEXT).
        double[] result = new double[2];
        Thread other = new Thread(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment a = StandIn.deviceDoubles(arena, 1, 3, 2, 4);
                MemorySegment norms = deviceDoubles(arena, 2);
                kernels.diagonal(DeviceElement.F64, a, 2, 2, norms, MemorySegment.NULL);
                assertEquals(0, StandIn.synchronize());
                result[0] = norms.getAtIndex(ValueLayout.JAVA_DOUBLE, 0);
                result[1] = norms.getAtIndex(ValueLayout.JAVA_DOUBLE, 1);
            }
        });
        other.start();
        other.join();
        assertEquals(1.0, result[0]);
        assertEquals(4.0, result[1]);
    }

    /**
     * The probe's kernel check on a thread where another device is current (a reused executor thread): its buffers
     * are allocated on device 0, where its kernel runs — not on the current device, whose memory the kernel would
     * read as an illegal address on hardware.
     */
    @Test
    void theKernelCheckAllocatesOnTheDeviceItRunsOn() {
        StandIn.setDevices(2);
        try {
            assertEquals(0, cuda_runtime_api_h.cudaSetDevice(1));
            long onZero = StandIn.allocationsOn(0);
            long onOne = StandIn.allocationsOn(1);
            assertEquals(null, KernelCheck.run(CudaLibraries.availability().kernels()));
            assertEquals(onZero + 2, StandIn.allocationsOn(0), "the check's two buffers on device 0");
            assertEquals(onOne, StandIn.allocationsOn(1), "nothing on the device that was current");
        } finally {
            cuda_runtime_api_h.cudaSetDevice(0);
            StandIn.setDevices(1);
        }
    }

    @Test
    void theProbesTestKernelRunsAndAFailingLaunchIsAReasonWithItsName() {
        StandIn.reset();
        KernelImage image = CudaLibraries.availability().kernels();
        long handles = StandIn.outstandingHandles();
        assertEquals(null, KernelCheck.run(image));
        // As a GPU without machine code for its architecture would answer the launch.
        StandIn.fail("dse4j_k_diagonal_f64", 1, 209);
        String reason = KernelCheck.run(image);
        assertTrue(reason != null && reason.contains("dse4j_k_diagonal_f64")
                && reason.contains("CUDA_ERROR_NO_BINARY_FOR_GPU (209)")
                && reason.contains("no machine code for this GPU's architecture"), reason);
        assertEquals(0, StandIn.outstandingAllocations(), "the check frees its buffers when the launch fails");
        assertEquals(handles, StandIn.outstandingHandles(), "and unloads the module, releasing the context");
        StandIn.reset();
    }

    @Test
    void aBarrierThatNotEveryThreadOfABlockReachesFailsTheLaunch() {
        assertEquals(719, StandIn.launchDivergentBarrier(), "cudaErrorLaunchFailure");
    }
}
