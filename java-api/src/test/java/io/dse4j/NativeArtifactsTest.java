package io.dse4j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What dse4j ships and builds natively links no CUDA library: the library jar's native resources are the kernels'
 * fatbin and device source, no shared library, and no shared library that native/build.sh makes (the stand-ins) names
 * libcudart, libcublas, libcusolver, libnvrtc or libcuda as NEEDED — so nothing can bring a second CUDA runtime into
 * a process, or fail to load on a machine whose CUDA differs from the build machine's.
 */
class NativeArtifactsTest {

    private static final Path RESOURCES = Path.of("target", "classes", "io", "dse4j", "native");
    private static final Path NATIVE_BUILD = Path.of("..", "native", "target");

    @Test
    void theJarCarriesTheKernelsAsAFatbinAndSourceButNoSharedLibrary() throws IOException {
        assertTrue(Files.isRegularFile(RESOURCES.resolve("source/dse4j_device.cu")));
        assertTrue(Files.isRegularFile(RESOURCES.resolve("source/dse4j_element_ops.h")));
        try (Stream<Path> files = Files.walk(RESOURCES)) {
            List<Path> libraries = files.filter(p -> p.getFileName().toString().contains(".so")).toList();
            assertEquals(List.of(), libraries, "shared libraries among the jar's resources");
        }
    }

    @Test
    void noNativeLibraryOfTheBuildNeedsACudaLibrary() throws IOException {
        List<Path> libraries;
        try (Stream<Path> files = Files.walk(NATIVE_BUILD)) {
            libraries = files.filter(p -> p.getFileName().toString().endsWith(".so") && !Files.isSymbolicLink(p)
                    && !p.toString().contains("preload")).toList();
        }
        assertFalse(libraries.isEmpty(), "native/build.sh built nothing under " + NATIVE_BUILD);
        for (Path library : libraries) {
            List<String> needed = needed(Files.readAllBytes(library));
            assertTrue(needed.contains("libc.so.6") || needed.stream().anyMatch(n -> n.startsWith("libstdc++")),
                    library + ": the NEEDED entries were not read: " + needed);
            for (String name : needed) {
                assertFalse(name.matches("lib(cudart|cublas|cublasLt|cusolver|nvrtc|cuda)\\.so.*"),
                        library + " needs " + name);
            }
        }
    }

    /** The DT_NEEDED names of an ELF64 little-endian shared object (its dynamic section and string table). */
    private static List<String> needed(byte[] elf) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        assertTrue(elf.length > 64 && b.getInt(0) == 0x464C457F && elf[4] == 2 && elf[5] == 1, "not ELF64 LE");
        long sectionHeaders = b.getLong(0x28);
        int entrySize = Short.toUnsignedInt(b.getShort(0x3A));
        int count = Short.toUnsignedInt(b.getShort(0x3C));
        List<String> names = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            int header = (int) (sectionHeaders + (long) s * entrySize);
            if (b.getInt(header + 4) != 6) {   // SHT_DYNAMIC
                continue;
            }
            long offset = b.getLong(header + 0x18);
            long size = b.getLong(header + 0x20);
            int strings = (int) (sectionHeaders + (long) b.getInt(header + 0x28) * entrySize);
            long stringsOffset = b.getLong(strings + 0x18);
            for (long e = offset; e < offset + size; e += 16) {
                long tag = b.getLong((int) e);
                if (tag == 0) {
                    break;
                }
                if (tag == 1) {                 // DT_NEEDED
                    int start = (int) (stringsOffset + b.getLong((int) e + 8));
                    int end = start;
                    while (elf[end] != 0) {
                        end++;
                    }
                    names.add(new String(elf, start, end - start, StandardCharsets.US_ASCII));
                }
            }
        }
        return names;
    }
}
