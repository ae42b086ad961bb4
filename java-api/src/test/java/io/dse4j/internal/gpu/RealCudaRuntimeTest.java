package io.dse4j.internal.gpu;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real CUDA runtime (libcudart.so.13 of the installed toolkit) on a machine without a GPU driver gives a clean
 * "unavailable" with the status as the reason — no exception, no initialisation error. Runs the probe in a fresh
 * JVM, since a JVM loads one CUDA (this suite's is the stand-in). {@link ProbeMain} asks the full probe, and the
 * runtime is given by path ({@code -Ddse4j.cuda.libraries}), which would also make {@code auto} skip its driver
 * pre-check ({@link DriverPresence}, which refuses on this machine without loading anything): the real runtime is
 * loaded and asked.
 */
class RealCudaRuntimeTest {

    private static final Path CUDART = Path.of("/usr/local/cuda/lib64/libcudart.so.13");

    @Test
    void realRuntimeWithoutADriverIsUnavailableWithTheStatus() throws IOException, InterruptedException {
        assumeTrue(Files.isRegularFile(CUDART), "no CUDA 13 toolkit at " + CUDART);
        boolean driverInstalled = Files.exists(Path.of("/dev/nvidiactl"));
        assumeTrue(!driverInstalled, "this machine has a GPU driver");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                "-D" + CudaLibraries.PROPERTY + "=" + CUDART, ProbeMain.class.getName())
                .redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe JVM did not finish");
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("usable=") || line.startsWith("summary=") || line.startsWith("reason="))
                .toList();
        assertEquals(0, process.exitValue(), lines.toString());
        assertEquals("usable=false", lines.get(0), lines.toString());
        assertTrue(lines.stream().anyMatch(line -> line.contains("cudaGetDeviceCount: cudaErrorInsufficientDriver (35)")
                || line.contains("cudaGetDeviceCount: cudaErrorNoDevice (100)")), lines.toString());
        // The one-line summary for auto's log says what was found: the runtime, and no driver.
        assertTrue(lines.get(1).startsWith("summary=found the CUDA runtime 13."), lines.toString());
        assertTrue(lines.get(1).endsWith("no usable NVIDIA driver") || lines.get(1).endsWith("no CUDA device"),
                lines.toString());
    }
}
