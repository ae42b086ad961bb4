package io.dse4j.internal.gpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guard of the gpu-stand-in-sanitized run (skipped anywhere else): the sanitizers really watch the kernels — the
 * ASan and UBSan runtimes are in the process, the stand-in loaded is the sanitized build, and memory the tests
 * allocate with an {@link Arena} (what they hand the kernels) comes from ASan's allocator with a poisoned byte just
 * past its end, so a kernel touching one element too far is reported. Without it, a lost LD_PRELOAD or a wrong
 * library path would let the run pass while checking nothing.
 */
@EnabledIfSystemProperty(named = SanitizedStandIn.PROPERTY, matches = "true",
        disabledReason = "only in the gpu-stand-in-sanitized run")
@ExtendWith(SanitizedStandIn.class)
class SanitizersInUseTest {

    private static List<String> mappedFiles() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .map(line -> line.replaceFirst("^(\\S+\\s+){5}", "").strip())
                .filter(file -> file.startsWith("/"))
                .distinct()
                .toList();
    }

    private static String mapped(List<String> files, String name) {
        return files.stream().filter(file -> Path.of(file).getFileName().toString().startsWith(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not mapped in the test JVM (LD_PRELOAD lost?): "
                        + files));
    }

    @Test
    void theStandInRunsUnderTheSanitizers() throws Throwable {
        CudaLibraries.Availability availability = CudaLibraries.availability();
        assertTrue(availability.usable() && availability.standIn(), "needs the CUDA stand-in: " + availability);

        List<String> files = mappedFiles();
        String asan = mapped(files, "libasan.so");
        mapped(files, "libubsan.so");
        String library = SanitizedStandIn.library().toRealPath().toString();
        assertTrue(files.contains(library), "the sanitized stand-in " + library + " is not the one loaded: " + files);
        String options = System.getenv("ASAN_OPTIONS");
        assertTrue(options != null && options.contains("detect_leaks=0"), "ASAN_OPTIONS: " + options);

        try (Arena arena = Arena.ofConfined()) {
            MethodHandle poisoned = Linker.nativeLinker().downcallHandle(
                    SymbolLookup.libraryLookup(Path.of(asan), arena).find("__asan_address_is_poisoned").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS));
            MemorySegment buffer = arena.allocate(Double.BYTES * 7L, Double.BYTES);
            MemorySegment last = buffer.asSlice(buffer.byteSize() - 1);
            MemorySegment pastTheEnd = MemorySegment.ofAddress(buffer.address() + buffer.byteSize());
            assertEquals(0, (int) poisoned.invokeExact(last), "the last byte of an Arena allocation");
            assertEquals(1, (int) poisoned.invokeExact(pastTheEnd),
                    "the byte past an Arena allocation must be poisoned: the JVM's malloc is ASan's");
        }
    }
}
