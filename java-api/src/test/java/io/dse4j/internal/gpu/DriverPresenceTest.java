package io.dse4j.internal.gpu;

import io.dse4j.BackendKind;
import io.dse4j.spi.BackendResolver;
import io.dse4j.spi.GpuProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The look for the NVIDIA driver without native code, on a made-up root folder, and what it summarises. */
class DriverPresenceTest {

    @TempDir
    Path root;

    private Path file(String absolute, String content) throws IOException {
        Path path = root.resolve(absolute.substring(1));
        Files.createDirectories(path.getParent());
        return Files.writeString(path, content);
    }

    @Test
    void nothingAtAllIsNoDriver() {
        DriverPresence.Look look = DriverPresence.look(root, null);
        assertFalse(look.driverMayBePresent());
        assertNull(look.runtime());
        assertEquals("no NVIDIA driver found", look.summary());
        assertTrue(look.reason().startsWith("no NVIDIA driver: no libcuda.so.1 in LD_LIBRARY_PATH"), look.reason());
        assertTrue(look.folders().contains("/usr/lib/x86_64-linux-gnu"), look.folders().toString());
    }

    @Test
    void aRuntimeWithoutADriverIsSaid() throws IOException {
        file("/etc/ld.so.conf", "# comment\ninclude /etc/ld.so.conf.d/*.conf\n");
        file("/etc/ld.so.conf.d/zz-cuda.conf", "/usr/local/cuda-13.0/lib/\n");
        file("/etc/ld.so.conf.d/ignored.txt", "/not/read\n");
        file("/usr/local/cuda-13.0/lib/libcudart.so.13", "");
        DriverPresence.Look look = DriverPresence.look(root, null);
        assertFalse(look.driverMayBePresent());
        assertEquals("/usr/local/cuda-13.0/lib/libcudart.so.13", look.runtime());
        assertEquals("found the CUDA runtime 13 but no NVIDIA driver", look.summary());
        assertTrue(look.reason().endsWith("no /proc/driver/nvidia, /dev/nvidiactl or /dev/dxg; the CUDA runtime is "
                + "at /usr/local/cuda-13.0/lib/libcudart.so.13; --backend gpu probes anyway"), look.reason());
        assertFalse(look.folders().contains("/not/read"));
    }

    @Test
    void theDriverLibraryInAConfiguredFolderIsFound() throws IOException {
        file("/etc/ld.so.conf", "include ld.so.conf.d/*.conf\ninclude /etc/ld.so.conf\n");   // relative, and a cycle
        file("/etc/ld.so.conf.d/nvidia.conf", "/opt/nvidia/lib64 /opt/other\n");
        file("/opt/nvidia/lib64/libcuda.so.1", "");
        DriverPresence.Look look = DriverPresence.look(root, null);
        assertTrue(look.driverMayBePresent());
        assertEquals("/opt/nvidia/lib64/libcuda.so.1", look.driver());
        assertEquals(List.of("/opt/nvidia/lib64", "/opt/other"), look.folders().subList(0, 2));
    }

    @Test
    void ldLibraryPathDefaultFoldersAndDeviceNodesCount() throws IOException {
        file("/home/me/driver/libcuda.so.1", "");
        assertEquals("/home/me/driver/libcuda.so.1",
                DriverPresence.look(root, "relative/ignored::/home/me/driver/").driver());

        Path other = Files.createTempDirectory(root, "other");
        Files.createDirectories(other.resolve("usr/lib64"));
        Files.writeString(other.resolve("usr/lib64/libcuda.so.1"), "");
        assertEquals("/usr/lib64/libcuda.so.1", DriverPresence.look(other, null).driver());

        Path wsl = Files.createTempDirectory(root, "wsl");
        Files.createDirectories(wsl.resolve("dev"));
        Files.writeString(wsl.resolve("dev/dxg"), "");
        assertEquals("/dev/dxg", DriverPresence.look(wsl, null).driver());

        Path module = Files.createTempDirectory(root, "module");
        Files.createDirectories(module.resolve("proc/driver/nvidia"));
        assertEquals("/proc/driver/nvidia", DriverPresence.look(module, null).driver());
    }

    @Test
    void theFullProbeSummarisesWhatItFound() {
        assertEquals("found the CUDA runtime 13.0 but not cuBLAS or cuSOLVER, and no usable NVIDIA driver",
                CudaLibraries.summary(" 13.0", List.of("cuBLAS", "cuSOLVER"), "no usable NVIDIA driver", false));
        assertEquals("found the CUDA runtime 12.8 but no CUDA device",
                CudaLibraries.summary(" 12.8", List.of(), "no CUDA device", false));
        assertEquals("found the CUDA runtime but not dse4j's CUDA kernels",
                CudaLibraries.summary("", List.of("dse4j's CUDA kernels"), null, false));
    }

    @Test
    void explicitLibrariesSkipThePrecheck() {
        // This suite loads the stand-in through -Ddse4j.cuda.libraries: the look must not stand in its way.
        if (CudaLibraries.explicitPaths() == null) {
            return;
        }
        assertTrue(GpuBackends.precheck().isEmpty());
        var resolution = BackendResolver.resolve(BackendKind.AUTO, Map.of(), Map.of(), GpuProbe.ofThisBuild());
        assertTrue(resolution.usesGpu(), resolution.selection().describe());
    }
}
