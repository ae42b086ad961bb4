package io.dse4j;

import io.dse4j.internal.BackendRouter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rooms keep to their doors: the public measures reach the backends through {@link BackendRouter} and the SPI
 * only, never an implementation package; the GPU backend takes nothing from the CPU backend (what both need is host
 * code in the SPI). Checked on the compiled classes, whose constant pools name every class they use.
 */
class LayeringTest {

    private static List<String> classesNaming(String packagePath, String forbidden) throws IOException,
            URISyntaxException {
        Path root = Path.of(BackendRouter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path directory = root.resolve(packagePath);
        List<String> offending = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> classes = files.filter(f -> f.toString().endsWith(".class")).sorted().toList();
            assertTrue(!classes.isEmpty(), "the classes of " + packagePath);
            for (Path file : classes) {
                String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                if (bytes.contains(forbidden)) {
                    offending.add(file.getFileName().toString());
                }
            }
        }
        return offending;
    }

    @Test
    void thePublicPackageUsesNoBackendImplementation() throws IOException, URISyntaxException {
        // The check sees a reference where there is one: the router's door to the CPU backend.
        assertEquals(List.of("BackendRouter.class"), classesNaming("io/dse4j/internal", "io/dse4j/internal/cpu/"));
        assertEquals(List.of(), classesNaming("io/dse4j", "io/dse4j/internal/cpu/"));
        assertEquals(List.of(), classesNaming("io/dse4j", "io/dse4j/internal/gpu/"));
    }

    @Test
    void theGpuBackendUsesNothingOfTheCpuBackend() throws IOException, URISyntaxException {
        assertEquals(List.of(), classesNaming("io/dse4j/internal/gpu", "io/dse4j/internal/cpu/"));
    }
}
