package io.dse4j.spi;

import io.dse4j.BackendKind;
import io.dse4j.BackendSelection;
import io.dse4j.BackendSelection.Source;
import io.dse4j.BackendUnavailableException;
import io.dse4j.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Backend selection as a pure function of (argument, properties, environment, probe). */
class BackendResolverTest {

    private static final GpuProbe NO_GPU = () -> GpuProbe.Result.unusable(List.of("no driver", "no device"));

    @Test
    void argumentBeatsPropertyBeatsEnvironmentBeatsDefault() {
        Map<String, String> props = Map.of("dse4j.backend", "cpu");
        Map<String, String> env = Map.of("DSE4J_BACKEND", "gpu");
        assertEquals(Source.ARGUMENT, BackendResolver.resolve(BackendKind.CPU, props, env, NO_GPU).selection()
                .source());
        assertEquals(Source.SYSTEM_PROPERTY, BackendResolver.resolve(null, props, env, NO_GPU).selection().source());
        assertEquals(Source.ENVIRONMENT, BackendResolver.resolve(null, Map.of(), Map.of("DSE4J_BACKEND", "CPU"),
                NO_GPU).selection().source());
        var byDefault = BackendResolver.resolve(null, Map.of(), Map.of(), NO_GPU).selection();
        assertEquals(Source.DEFAULT, byDefault.source());
        assertEquals(BackendKind.AUTO, byDefault.requested());
    }

    @Test
    void cpuNeverProbesTheGpu() {
        AtomicInteger probes = new AtomicInteger();
        GpuProbe counting = () -> {
            probes.incrementAndGet();
            return NO_GPU.probe();
        };
        var selection = BackendResolver.resolve(BackendKind.CPU, Map.of(), Map.of(), counting).selection();
        assertEquals("cpu", selection.chosen());
        assertTrue(selection.reasons().isEmpty());
        assertEquals(0, probes.get());
    }

    @Test
    void gpuWithoutAGpuFailsWithEveryReason() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> BackendResolver.resolve(BackendKind.GPU, Map.of(), Map.of(), NO_GPU));
        assertEquals(List.of("no driver", "no device"), e.reasons());
        assertTrue(e.getMessage().contains("no driver; no device"), e.getMessage());
    }

    @Test
    void autoFallsBackToTheCpuAndSaysWhy() {
        var resolution = BackendResolver.resolve(BackendKind.AUTO, Map.of(), Map.of(), NO_GPU);
        assertFalse(resolution.usesGpu());
        assertEquals("cpu", resolution.selection().chosen());
        assertEquals(List.of("GPU unavailable: no driver", "GPU unavailable: no device"),
                resolution.selection().reasons());
        assertTrue(resolution.selection().describe().startsWith("backend cpu (requested auto by argument; GPU"));
    }

    @Test
    void autoTakesThePrecheckRefusalWithoutProbing() {
        AtomicInteger probes = new AtomicInteger();
        GpuProbe noDriver = new GpuProbe() {
            @Override
            public Result probe() {
                probes.incrementAndGet();
                return NO_GPU.probe();
            }

            @Override
            public java.util.Optional<Result> precheck() {
                return java.util.Optional.of(Result.unusable("no NVIDIA driver found", List.of("no libcuda.so.1")));
            }
        };
        var resolution = BackendResolver.resolve(BackendKind.AUTO, Map.of(), Map.of(), noDriver);
        assertEquals(0, probes.get(), "the pre-check's refusal must spare the native probe");
        assertEquals("cpu", resolution.selection().chosen());
        assertEquals(List.of("GPU unavailable: no libcuda.so.1"), resolution.selection().reasons());
        assertEquals("no NVIDIA driver found; using the CPU backend (--backend gpu, or -Ddse4j.backend=gpu, for "
                + "details)", resolution.notice());

        // gpu always runs the full probe, so that its error lists what the probe found.
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> BackendResolver.resolve(BackendKind.GPU, Map.of(), Map.of(), noDriver));
        assertEquals(1, probes.get());
        assertEquals(List.of("no driver", "no device"), e.reasons());
    }

    @Test
    void autoProbesWhenThePrecheckFindsSomething() {
        AtomicInteger probes = new AtomicInteger();
        GpuProbe counting = () -> {
            probes.incrementAndGet();
            return NO_GPU.probe();
        };
        var resolution = BackendResolver.resolve(BackendKind.AUTO, Map.of(), Map.of(), counting);
        assertEquals(1, probes.get());
        assertEquals("the GPU backend cannot be used" + BackendResolver.FALLBACK, resolution.notice());
        assertEquals(null, BackendResolver.resolve(BackendKind.CPU, Map.of(), Map.of(), counting).notice());
    }

    @Test
    void anAutoFallbackCarriesAShortSummaryBesideEveryReason() {
        List<String> reasons = List.of("cuBLAS not found: libcublas.so.13: cannot open shared object file; "
                + "libcublas.so.12: cannot open shared object file", "cudaGetDeviceCount: cudaErrorInsufficientDriver");
        GpuProbe runtimeOnly = () -> new GpuProbe.Result(false, reasons,
                "found the CUDA runtime 13 but no NVIDIA driver",
                () -> null);
        BackendSelection selection = BackendResolver.resolve(null, Map.of(), Map.of(), runtimeOnly).selection();
        assertEquals("found the CUDA runtime 13 but no NVIDIA driver", selection.summary());
        assertEquals("backend cpu (requested auto by default; found the CUDA runtime 13 but no NVIDIA driver;"
                + " --backend gpu for details)", selection.describeBriefly());
        assertEquals(2, selection.reasons().size());
        assertTrue(selection.describe().contains("cudaErrorInsufficientDriver"), selection.describe());
        // An explicit choice has nothing to summarise: the brief line is the full one.
        BackendSelection cpu = BackendResolver.resolve(BackendKind.CPU, Map.of(), Map.of(), runtimeOnly).selection();
        assertEquals(null, cpu.summary());
        assertEquals(cpu.describe(), cpu.describeBriefly());
    }

    @Test
    void autoTakesAUsableGpu() {
        GpuProbe usable = () -> new GpuProbe.Result(true, List.of(), () -> null);
        var resolution = BackendResolver.resolve(null, Map.of(), Map.of(), usable);
        assertTrue(resolution.usesGpu());
        assertEquals("gpu", resolution.selection().chosen());
    }

    @Test
    void thisBuildsProbeNeverThrowsAndAlwaysSaysWhy() {
        GpuProbe.Result result = GpuProbe.ofThisBuild().probe();
        if (!result.usable()) {
            assertFalse(result.reasons().isEmpty());
            assertTrue(result.reasons().stream().noneMatch(String::isBlank), result.reasons().toString());
        }
    }

    @Test
    void unknownValuesAreRefusedListingTheValidOnes() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> BackendResolver.resolve(null, Map.of("dse4j.backend", "cuda"), Map.of(), NO_GPU));
        assertEquals("system property dse4j.backend", e.argument());
        assertTrue(e.getMessage().contains("must be one of auto, cpu, gpu"), e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> BackendResolver.resolve(null, Map.of(), Map.of("DSE4J_BACKEND", "tpu"), NO_GPU));
        assertEquals("environment variable DSE4J_BACKEND", e.argument());
        assertEquals(BackendKind.GPU, BackendKind.parse(" GpU ", "x"));
    }
}
