package io.dse4j.spi;

import io.dse4j.bindings.cudart.cuda_runtime_api_h;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SPI is the layer the backends implement: nothing in it may name an implementation (io.dse4j.internal), not by
 * import, not by a fully qualified name, not by a class name in a string. The GPU backend's probe reaches
 * {@link GpuProbe#ofThisBuild()} as a service instead, which must work on the class path (META-INF/services) and
 * in module mode (the descriptor's uses/provides).
 */
class SpiIndependenceTest {

    private static final String INTERNAL = "io.dse4j.internal";

    private static Path classesOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void theSpiSourcesNameNoImplementation() throws IOException {
        Path sources = Path.of("src/main/java/io/dse4j/spi");
        assertTrue(Files.isDirectory(sources), "run from the java-api module: " + sources.toAbsolutePath());
        List<String> offending = new ArrayList<>();
        try (Stream<Path> files = Files.list(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).contains(INTERNAL)) {
                        offending.add(file.getFileName() + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertEquals(List.of(), offending);
    }

    /** The compiled classes too: a constant-pool reference to an internal class, or its name in a string. */
    @Test
    void theSpiClassesReferenceNoImplementation() throws IOException, URISyntaxException {
        Path spi = classesOf(GpuProbe.class).resolve("io/dse4j/spi");
        List<String> offending = new ArrayList<>();
        try (Stream<Path> files = Files.list(spi)) {
            List<Path> classes = files.filter(f -> f.toString().endsWith(".class")).sorted().toList();
            assertTrue(classes.size() > 10, "the SPI's classes: " + classes);
            for (Path file : classes) {
                String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                if (bytes.contains(INTERNAL.replace('.', '/')) || bytes.contains(INTERNAL)) {
                    offending.add(file.getFileName().toString());
                }
            }
        }
        assertEquals(List.of(), offending);
    }

    @Test
    void theClassPathFindsTheProviderThroughMetaInfServices() throws IOException, URISyntaxException {
        Path services = classesOf(GpuProbe.class).resolve("META-INF/services/" + GpuProbe.class.getName());
        assertEquals(List.of("io.dse4j.internal.gpu.ThisBuildGpuProbe"), Files.readAllLines(services));
        GpuProbe.Result result = GpuProbe.ofThisBuild().probe();
        assertFalse(result.summary().equals("no GPU probe in this build"), result.reasons().toString());
    }

    /**
     * The module descriptor declares the service, resolves with the bindings, and in a layer of its own the module
     * finds its probe: an auto selection there says what the GPU backend found (here: no driver, or the libraries),
     * never that the build has no probe.
     */
    @Test
    void inModuleModeTheDescriptorProvidesTheProbeAndAutoFindsIt() throws Exception {
        ModuleFinder finder = ModuleFinder.of(classesOf(GpuProbe.class), classesOf(cuda_runtime_api_h.class));
        ModuleDescriptor descriptor = finder.find("io.dse4j").orElseThrow().descriptor();
        assertEquals(Set.of("io.dse4j.spi.GpuProbe"), descriptor.uses());
        assertEquals(1, descriptor.provides().size(), descriptor.provides().toString());
        ModuleDescriptor.Provides provides = descriptor.provides().iterator().next();
        assertEquals("io.dse4j.spi.GpuProbe", provides.service());
        assertEquals(List.of("io.dse4j.internal.gpu.ThisBuildGpuProbe"), provides.providers());
        assertEquals(Set.of("io.dse4j", "io.dse4j.io"), descriptor.exports().stream()
                .map(ModuleDescriptor.Exports::source).collect(java.util.stream.Collectors.toSet()));

        ModuleLayer boot = ModuleLayer.boot();
        Configuration configuration = boot.configuration().resolveAndBind(finder, ModuleFinder.of(),
                Set.of("io.dse4j"));
        ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(configuration, List.of(boot),
                ClassLoader.getSystemClassLoader());
        ModuleLayer layer = controller.layer();
        // As --enable-native-access=io.dse4j would: the probe may load the CUDA libraries (a machine with a driver).
        controller.enableNativeAccess(layer.findModule("io.dse4j").orElseThrow());
        ClassLoader loader = layer.findLoader("io.dse4j");
        Class<?> api = loader.loadClass("io.dse4j.DiffusionSpectralEntropy");
        assertTrue(api.getModule().isNamed() && api.getModule().getLayer() == layer);
        Object builder = api.getMethod("builder").invoke(null);
        builder = builder.getClass().getMethod("backend", String.class).invoke(builder, "auto");
        try (AutoCloseable dse = (AutoCloseable) builder.getClass().getMethod("build").invoke(builder)) {
            Object selection = api.getMethod("selection").invoke(dse);
            @SuppressWarnings("unchecked")
            List<String> reasons = (List<String>) selection.getClass().getMethod("reasons").invoke(selection);
            String described = String.valueOf(selection.getClass().getMethod("describe").invoke(selection));
            assertTrue(reasons.stream().noneMatch(r -> r.contains("provides no GPU probe")
                    || r.contains("GPU probe of this build could not be loaded")), described);
        }
    }
}
