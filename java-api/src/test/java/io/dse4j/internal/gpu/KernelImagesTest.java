package io.dse4j.internal.gpu;

import io.dse4j.Precision;
import io.dse4j.internal.cpu.CpuBackends;
import io.dse4j.spi.EigenBackend;
import io.dse4j.spi.Points;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which kernel image the driver gets (nvcc's fatbin on CUDA 13 drivers, NVRTC's cubin on CUDA 12 ones), the on-disk
 * cubin cache (a hit compiles nothing; a damaged entry is compiled again and replaced, never loaded), the reasons
 * when no image can be had, and a whole computation on a simulated CUDA 12 driver — all on the stand-in's driver
 * API and NVRTC.
 */
class KernelImagesTest {

    private static final Supplier<Nvrtc> STAND_IN_NVRTC = () -> Nvrtc.of(SymbolLookup.loaderLookup());
    private static final boolean HAS_FATBIN = KernelImagesTest.class.getResource(KernelImages.FATBIN_RESOURCE) != null;

    @TempDir
    Path cacheFolder;

    @BeforeEach
    void standIn() {
        CudaLibraries.Availability availability = CudaLibraries.availability();
        assertTrue(availability.usable() && availability.standIn(), "needs the CUDA stand-in: " + availability);
        StandIn.reset();
    }

    @AfterEach
    void reset() {
        StandIn.reset();
    }

    private KernelImages.Prepared prepare(KernelImages.Mode mode, int driver, String architecture) {
        return KernelImages.prepare(mode, driver, architecture, STAND_IN_NVRTC, new KernelCache(cacheFolder));
    }

    @Test
    void aCuda13DriverGetsTheFatbinAndNoCompilation() {
        org.junit.jupiter.api.Assumptions.assumeTrue(HAS_FATBIN, "this build has no fatbin (no nvcc)");
        KernelImages.Prepared prepared = prepare(KernelImages.Mode.AUTO, 13000, "sm_90");
        assertNotNull(prepared.image(), prepared.reason());
        assertTrue(prepared.image().description().startsWith("fatbin built by nvcc"));
        assertEquals(0x50, prepared.image().bytes()[0] & 0xff, "a fatbin's magic");
        assertEquals(0, StandIn.calls("nvrtcCompileProgram"));
        assertNull(KernelCheck.run(prepared.image()));
    }

    @Test
    void aCuda12DriverCompilesACubinForTheGpuOnceAndThenReadsItFromTheCache() {
        KernelImages.Prepared first = prepare(KernelImages.Mode.AUTO, 12080, "sm_90");
        assertNotNull(first.image(), first.reason());
        assertTrue(first.compiled());
        assertTrue(first.image().description().startsWith("cubin for sm_90 compiled by NVRTC 12.9 (now; kept in "),
                first.image().description());
        assertEquals(1, StandIn.calls("nvrtcCompileProgram"));
        assertEquals(0, StandIn.outstandingHandles(), "the NVRTC program is destroyed");
        assertNull(KernelCheck.run(first.image()), "the cubin loads on the sm_90 device and its kernel runs");

        KernelImages.Prepared second = prepare(KernelImages.Mode.AUTO, 12080, "sm_90");
        assertFalse(second.compiled());
        assertEquals(1, StandIn.calls("nvrtcCompileProgram"), "a cache hit compiles nothing");
        assertArrayEquals(first.image().bytes(), second.image().bytes());
        assertTrue(second.image().description().contains("(cached in " + cacheFolder), second.image().description());
    }

    @Test
    void eachArchitectureHasItsOwnEntryAndACubinForAnotherGpuDoesNotRun() throws IOException {
        KernelImages.Prepared sm86 = prepare(KernelImages.Mode.AUTO, 12080, "sm_86");
        KernelImages.Prepared sm90 = prepare(KernelImages.Mode.AUTO, 12080, "sm_90");
        assertEquals(2, StandIn.calls("nvrtcCompileProgram"));
        try (var entries = Files.list(cacheFolder)) {
            assertEquals(2, entries.filter(p -> p.toString().endsWith(".cubin")).count());
        }
        assertNull(KernelCheck.run(sm90.image()));
        String reason = KernelCheck.run(sm86.image());
        assertTrue(reason != null && reason.contains("CUDA_ERROR_NO_BINARY_FOR_GPU (209)")
                && reason.contains("cubin for sm_86"), reason);
    }

    @Test
    void aFatbinThatDoesNotRunOnThisGpuIsReplacedByACubinCompiledForIt() {
        org.junit.jupiter.api.Assumptions.assumeTrue(HAS_FATBIN, "this build has no fatbin (no nvcc)");
        KernelImages.Prepared fatbin = prepare(KernelImages.Mode.AUTO, 13000, "sm_90");
        Supplier<KernelImages.Prepared> compiled = () -> prepare(KernelImages.Mode.NVRTC, 13000, "sm_90");
        // As a GPU newer than the build answers a fatbin without code for it whose PTX its driver cannot read.
        StandIn.fail("cuModuleLoadData", 1, 209);
        KernelImages.Checked checked = KernelImages.firstThatRuns(KernelImages.Mode.AUTO, fatbin, compiled,
                KernelCheck::run);
        assertNull(checked.problem());
        assertTrue(checked.image().image().description().startsWith("cubin for sm_90 compiled by NVRTC"),
                checked.image().image().description());

        StandIn.fail("cuModuleLoadData", 1, 209);   // forced to the fatbin: no second attempt
        KernelImages.Checked forced = KernelImages.firstThatRuns(KernelImages.Mode.FATBIN, fatbin, compiled,
                KernelCheck::run);
        assertTrue(forced.problem().contains("CUDA_ERROR_NO_BINARY_FOR_GPU (209)")
                && !forced.problem().contains("instead"), forced.problem());

        StandIn.fail("cuModuleLoadData", 1, 209);   // both fail: the reason names both attempts
        StandIn.fail("nvrtcCompileProgram", 1, 6);
        KernelImages.Checked neither = KernelImages.firstThatRuns(KernelImages.Mode.AUTO, fatbin,
                () -> KernelImages.prepare(KernelImages.Mode.NVRTC, 13000, "sm_90", STAND_IN_NVRTC,
                        new KernelCache(cacheFolder.resolve("empty"))), KernelCheck::run);
        assertTrue(neither.problem().contains("(209)") && neither.problem().contains(
                "compiled for this GPU with NVRTC instead: NVRTC 12.9 could not compile"), neither.problem());
        assertEquals(0, StandIn.outstandingHandles(), "nothing left loaded or retained");
    }

    @Test
    void aDamagedCacheEntryIsCompiledAgainAndReplaced() throws IOException {
        KernelImages.Prepared sound = prepare(KernelImages.Mode.NVRTC, 13000, "sm_90");
        Path entry;
        try (var entries = Files.list(cacheFolder)) {
            entry = entries.filter(p -> p.toString().endsWith(".cubin")).findFirst().orElseThrow();
        }
        byte[] file = Files.readAllBytes(entry);
        List<byte[]> damaged = List.of(
                java.util.Arrays.copyOf(file, file.length - 1),                         // truncated
                flipped(file, file.length - 3),                                          // a byte of the cubin
                flipped(file, 2),                                                        // the magic
                new byte[0]);                                                            // empty
        int compilations = 1;
        for (byte[] bad : damaged) {
            Files.write(entry, bad);
            KernelImages.Prepared again = prepare(KernelImages.Mode.NVRTC, 13000, "sm_90");
            compilations++;
            assertEquals(compilations, StandIn.calls("nvrtcCompileProgram"), "a damaged entry is never used");
            assertTrue(again.image().description().contains("(a damaged cache entry replaced: "),
                    again.image().description());
            assertArrayEquals(sound.image().bytes(), again.image().bytes());
            assertArrayEquals(file, Files.readAllBytes(entry), "the entry is whole again");
        }
        try (var entries = Files.list(cacheFolder)) {
            assertEquals(1, entries.count(), "no temporary file is left behind");
        }
    }

    private static byte[] flipped(byte[] bytes, int at) {
        byte[] copy = bytes.clone();
        copy[at] ^= 0x20;
        return copy;
    }

    @Test
    void anUnwritableCacheOnlyCostsTheCompilation() throws IOException {
        Path file = cacheFolder.resolve("not-a-folder");
        Files.writeString(file, "x");
        KernelImages.Prepared prepared = KernelImages.prepare(KernelImages.Mode.AUTO, 12080, "sm_90", STAND_IN_NVRTC,
                new KernelCache(file.resolve("kernels")));
        assertNotNull(prepared.image(), prepared.reason());
        assertTrue(prepared.image().description().contains("could not be written"), prepared.image().description());
    }

    @Test
    void withoutAnImageTheReasonSaysWhatIsMissingAndWhatToDo() {
        Supplier<Nvrtc> absent = () -> {
            throw new IllegalStateException("NVRTC 12 (libnvrtc.so.12) was not found beside the CUDA 12 libraries");
        };
        KernelImages.Prepared none = KernelImages.prepare(KernelImages.Mode.AUTO, 12040, "sm_86", absent,
                new KernelCache(cacheFolder));
        assertNull(none.image());
        assertTrue(none.reason().startsWith(HAS_FATBIN
                ? "the NVIDIA driver supports CUDA 12.4, which cannot load the kernels nvcc 13 built, so they are"
                        + " compiled at run time, but NVRTC is not usable: NVRTC 12 (libnvrtc.so.12) was not found"
                : "this dse4j was built without nvcc"), none.reason());
        KernelImages.Prepared forced = prepare(KernelImages.Mode.FATBIN, 12040, "sm_86");
        assertNull(forced.image());
        assertTrue(forced.reason().contains("-Ddse4j.cuda.kernelImage=fatbin, but"), forced.reason());
    }

    @Test
    void theModePropertyTakesAutoFatbinOrNvrtcAndNothingElse() {
        String before = System.getProperty(KernelImages.PROPERTY);
        try {
            System.setProperty(KernelImages.PROPERTY, " NVRTC ");
            assertEquals(KernelImages.Mode.NVRTC, KernelImages.mode());
            System.setProperty(KernelImages.PROPERTY, "ptx");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, KernelImages::mode);
            assertEquals("-Ddse4j.cuda.kernelImage=ptx is not one of auto, fatbin, nvrtc", e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(KernelImages.PROPERTY);
            } else {
                System.setProperty(KernelImages.PROPERTY, before);
            }
        }
    }

    @Test
    void aWholeComputationOnACuda12DriverRunsTheNvrtcCubinAndAgreesWithTheCpu() {
        StandIn.setDriver(12080, 9, 0);
        KernelImages.Prepared prepared = prepare(KernelImages.Mode.AUTO, DriverApi.version().orElseThrow(),
                DriverApi.architecture().orElseThrow());
        assertTrue(prepared.compiled(), "a CUDA 12 driver: compiled by NVRTC, not the fatbin");
        CudaLibraries.Availability real = CudaLibraries.availability();
        CudaLibraries.Availability cuda12 = new CudaLibraries.Availability(true, true, List.of(), "",
                real.description(), DeviceKernelImages.only(prepared.image()));
        Random random = new Random(12);
        double[] values = new double[300 * 3];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian();
        }
        Points points = new Points(300, 3, values);
        try (EigenBackend gpu = new GpuBackend(cuda12); EigenBackend cpu = CpuBackends.open(1)) {
            double[] onGpu = gpu.diffusionSpectrum(points, 1.5, Precision.F64, false).ascending();
            double[] onCpu = cpu.diffusionSpectrum(points, 1.5, Precision.F64, false).ascending();
            for (int i = 0; i < onCpu.length; i++) {
                assertEquals(onCpu[i], onGpu[i], 1e-10, "eigenvalue " + i);
            }
        }
        assertEquals(0, StandIn.outstandingHandles(), "module unloaded, context released");
    }

    /**
     * A machine with mixed GPUs on a CUDA 12 driver (issue 24): the probe compiled its cubin for device 0 (sm_90),
     * and a cubin runs only on its own major compute capability and an equal or higher minor, so the probe's image
     * alone cannot serve device 1 (sm_86) — opening a backend there fails with the device, its architecture and the
     * driver's CUDA_ERROR_NO_BINARY_FOR_GPU. With the per-device images, device 1 gets the source compiled for sm_86
     * (once: a second backend there compiles nothing), device 2 (sm_90, as device 0) reuses device 0's cubin, and a
     * whole computation on each agrees with the CPU.
     */
    @Test
    void onMixedGpusEachArchitectureGetsACubinOfItsOwn() {
        StandIn.setDriver(12080, 9, 0);
        StandIn.setDevices(3);
        StandIn.setCapability(1, 8, 6);
        KernelImages.Prepared first = prepare(KernelImages.Mode.AUTO, 12080, "sm_90");
        assertTrue(first.compiled(), first.reason());
        String description = CudaLibraries.availability().description();
        CudaLibraries.Availability probesImageOnly = new CudaLibraries.Availability(true, true, List.of(), "",
                description, DeviceKernelImages.only(first.image()));
        io.dse4j.ComputationException refused = assertThrows(io.dse4j.ComputationException.class,
                () -> new GpuBackend(probesImageOnly, 1));
        assertTrue(refused.getMessage().startsWith("dse4j's kernels do not run on CUDA device 1 (sm_86):")
                && refused.getMessage().contains("CUDA_ERROR_NO_BINARY_FOR_GPU (209)"), refused.getMessage());
        assertEquals(0, StandIn.outstandingAllocations(), "the refused device holds nothing");

        DeviceKernelImages images = new DeviceKernelImages(KernelImages.Mode.AUTO, first.image(), "sm_90",
                architecture -> prepare(KernelImages.Mode.NVRTC, 12080, architecture), DriverApi::architecture);
        CudaLibraries.Availability perDevice = new CudaLibraries.Availability(true, true, List.of(), "",
                description, images);
        long compilations = StandIn.calls("nvrtcCompileProgram");
        Points points = gaussianPoints(200, 3, 24);
        try (EigenBackend cpu = CpuBackends.open(1)) {
            double[] expected = cpu.diffusionSpectrum(points, 1.5, Precision.F64, false).ascending();
            for (int device : new int[] {1, 2, 1}) {
                try (EigenBackend gpu = new GpuBackend(perDevice, device)) {
                    double[] actual = gpu.diffusionSpectrum(points, 1.5, Precision.F64, false).ascending();
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(expected[i], actual[i], 1e-10, "device " + device + ", eigenvalue " + i);
                    }
                }
            }
        }
        assertEquals(compilations + 1, StandIn.calls("nvrtcCompileProgram"), "one compilation: sm_86's");
        assertTrue(images.forDevice(1).description().startsWith("cubin for sm_86"), images.forDevice(1).description());
        assertEquals(first.image(), images.forDevice(2), "device 2 is an sm_90 too");
        assertEquals(0, StandIn.outstandingHandles(), "modules unloaded, contexts released");
    }

    private static Points gaussianPoints(int n, int d, long seed) {
        Random random = new Random(seed);
        double[] values = new double[n * d];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian();
        }
        return new Points(n, d, values);
    }
}
