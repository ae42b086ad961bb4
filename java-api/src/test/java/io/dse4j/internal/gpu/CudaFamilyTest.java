package io.dse4j.internal.gpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which CUDA libraries the loader takes, on fake machines (empty files under a test folder standing for "/"): one
 * coherent family of one major release — the newest that the driver supports and that is installed completely —
 * never a mix, and found where users have them, in a fixed order.
 */
class CudaFamilyTest {

    private static final List<String> CUDA_13 = List.of("libcudart.so.13", "libcublas.so.13", "libcusolver.so.12",
            "libnvrtc.so.13");
    private static final List<String> CUDA_12 = List.of("libcudart.so.12", "libcublas.so.12", "libcusolver.so.11");

    @TempDir
    Path root;

    private void install(String folder, List<String> sonames) throws IOException {
        Path dir = root.resolve(folder.substring(1));
        Files.createDirectories(dir);
        for (String soname : sonames) {
            Files.writeString(dir.resolve(soname), "");
        }
    }

    private CudaFamily.Choice choose(int driverVersion, Map<String, String> env) {
        return CudaFamily.choose(driverVersion, CudaLibrarySearch.of(root, env));
    }

    @Test
    void aCuda12DriverTakesCuda12EvenWhenBothFamiliesAreInstalled() throws IOException {
        install("/usr/local/cuda-13.0/lib64", CUDA_13);
        install("/usr/local/cuda-12.8/lib64", CUDA_12);
        CudaFamily.Choice choice = choose(12080, Map.of());
        assertEquals(12, choice.family().major(), choice.reason());
        assertEquals("/usr/local/cuda-12.8/lib64/libcublas.so.12", choice.libraries().get("libcublas.so.12"));
        assertEquals(13, choose(13000, Map.of()).family().major());
    }

    @Test
    void anR580DriverWithOnlyCuda12InstalledTakesCuda12() throws IOException {
        install("/usr/local/cuda-12.4/targets/x86_64-linux/lib", CUDA_12);
        CudaFamily.Choice choice = choose(13000, Map.of());
        assertEquals(12, choice.family().major(), choice.reason());
        assertEquals(3, choice.libraries().size(), "no NVRTC installed: " + choice.libraries());
    }

    @Test
    void aMixOfMajorsIsRefusedWithWhatWasFoundAndWhatIsMissing() throws IOException {
        // The runtime 13 of a toolkit and PyTorch's cuBLAS 12 and cuSOLVER 11: no complete family.
        install("/usr/local/cuda/lib64", List.of("libcudart.so.13"));
        install("/venv/lib/python3.11/site-packages/nvidia/cublas/lib", List.of("libcublas.so.12"));
        install("/venv/lib/python3.11/site-packages/nvidia/cusolver/lib", List.of("libcusolver.so.11"));
        CudaFamily.Choice choice = choose(13000, Map.of("VIRTUAL_ENV", "/venv"));
        assertNull(choice.family());
        assertTrue(choice.reason().startsWith("no complete set of CUDA libraries of one major release"),
                choice.reason());
        assertTrue(choice.reason().contains("CUDA 13 has libcudart.so.13 but not cuBLAS (libcublas.so.13) or"
                + " cuSOLVER (libcusolver.so.12)"), choice.reason());
        assertTrue(choice.reason().contains("CUDA 12 has libcublas.so.12, libcusolver.so.11 but not CUDA runtime"
                + " (libcudart.so.12)"), choice.reason());
    }

    @Test
    void librariesNewerThanTheDriverAreRefusedWithWhatToInstall() throws IOException {
        install("/usr/local/cuda-13.0/lib64", CUDA_13);
        CudaFamily.Choice choice = choose(12020, Map.of());
        assertNull(choice.family());
        assertTrue(choice.reason().startsWith("only CUDA 13's libraries were found, but the driver supports CUDA"
                + " 12.2"), choice.reason());
        assertTrue(choice.reason().contains("nvidia-cublas-cu12"), choice.reason());
        assertTrue(choose(0, Map.of()).family() != null, "with no driver known, the complete family is reported");
    }

    @Test
    void nothingInstalledSaysWhereItLooked() {
        CudaFamily.Choice choice = choose(13000, Map.of());
        assertNull(choice.family());
        assertTrue(choice.reason().contains("libcudart.so.13") && choice.reason().contains("VIRTUAL_ENV"),
                choice.reason());
    }

    @Test
    void theSearchOrderIsCudaHomeTheLinkerTheToolkitsNewestFirstThenThePythonWheels() throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("CUDA_HOME", "/opt/mycuda");
        env.put("LD_LIBRARY_PATH", "/ld");
        env.put("VIRTUAL_ENV", "/venv");
        env.put("CONDA_PREFIX", "/conda");
        Files.createDirectories(root.resolve("usr/local/cuda-12.9"));
        Files.createDirectories(root.resolve("usr/local/cuda-12.10"));
        Files.createDirectories(root.resolve("venv/lib/python3.12/site-packages/nvidia/cublas/lib"));
        Files.createDirectories(root.resolve("conda/lib/python3.10/site-packages/nvidia/cusolver/lib"));
        List<String> folders = CudaLibrarySearch.of(root, env).folders();
        List<String> expectedOrder = List.of("/opt/mycuda/lib64", "/ld", "/usr/lib/x86_64-linux-gnu",
                "/usr/local/cuda/lib64", "/usr/local/cuda-12.10/lib64", "/usr/local/cuda-12.9/lib64", "/opt/cuda/lib64",
                "/venv/lib/python3.12/site-packages/nvidia/cublas/lib",
                "/conda/lib/python3.10/site-packages/nvidia/cusolver/lib", "/conda/lib");
        int last = -1;
        for (String folder : expectedOrder) {
            int at = folders.indexOf(folder);
            assertTrue(at > last, folder + " should come after the folders before it: " + folders);
            last = at;
        }
        // The first place wins: the same library in CUDA_HOME and in a wheel comes from CUDA_HOME.
        install("/opt/mycuda/lib64", List.of("libcublas.so.12"));
        install("/venv/lib/python3.12/site-packages/nvidia/cublas/lib", List.of("libcublas.so.12"));
        assertEquals("/opt/mycuda/lib64/libcublas.so.12",
                CudaLibrarySearch.of(root, env).find("libcublas.so.12").orElseThrow());
    }

    @Test
    void aMachineWithPytorchInAVirtualEnvironmentFindsAWholeFamilyWithoutAToolkit() throws IOException {
        String site = "/home/me/venv/lib/python3.11/site-packages/nvidia/";
        install(site + "cuda_runtime/lib", List.of("libcudart.so.12"));
        install(site + "cublas/lib", List.of("libcublas.so.12"));
        install(site + "cusolver/lib", List.of("libcusolver.so.11"));
        install(site + "cuda_nvrtc/lib", List.of("libnvrtc.so.12"));
        CudaFamily.Choice choice = choose(12040, Map.of("VIRTUAL_ENV", "/home/me/venv"));
        assertEquals(12, choice.family().major(), choice.reason());
        assertEquals(site + "cuda_nvrtc/lib/libnvrtc.so.12", choice.libraries().get("libnvrtc.so.12"));
        assertEquals(site + "cusolver/lib/libcusolver.so.11", choice.libraries().get("libcusolver.so.11"));
    }
}
