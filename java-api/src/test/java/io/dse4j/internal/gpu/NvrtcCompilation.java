package io.dse4j.internal.gpu;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kernels' device source (native/src/dse4j_device.cu) compiles with NVIDIA's real NVRTC to PTX for compute_75,
 * and — through the library's own run-time path for CUDA 12 drivers ({@link Nvrtc#load}, which opens the builtins
 * beside NVRTC by path, and {@link KernelImages#compile} with its cache) — to cubins for sm_75 and sm_90; every
 * extern "C" entry point is in the result under its own name. NVRTC needs no GPU. It comes from Maven Central's
 * org.bytedeco:cuda-redist (about 360 MB), which only the {@code nvrtc} profile puts on the test class path
 * ({@code .ci/run} runs it); without it these tests are skipped. Not named *Test: only that profile's execution runs it.
 */
class NvrtcCompilation {

    private static final String LIBRARIES = "org/bytedeco/cuda/linux-x86_64/";
    private static final List<String> KERNELS = DeviceKernels.KERNELS;

    private static SymbolLookup nvrtc;
    private static Nvrtc library;
    private static String source;
    private static String elementOps;

    @BeforeAll
    static void loadNvrtc() throws IOException {
        ClassLoader loader = NvrtcCompilation.class.getClassLoader();
        assumeTrue(loader.getResource(LIBRARIES + "libnvrtc.so.12") != null,
                "NVRTC is not on the test class path (mvn -Pnvrtc puts org.bytedeco:cuda-redist there)");
        Path dir = Files.createTempDirectory("dse4j-nvrtc");
        // NVRTC opens its builtins library by name when it compiles: loaded first, by path, it is found.
        String builtins = null;
        try (var jar = new java.util.jar.JarFile(jarOf(loader.getResource(LIBRARIES + "libnvrtc.so.12")))) {
            for (var entries = jar.entries(); entries.hasMoreElements();) {
                String name = entries.nextElement().getName();
                if (name.startsWith(LIBRARIES + "libnvrtc-builtins.so.")) {
                    builtins = name;
                }
            }
        }
        assertTrue(builtins != null, "no libnvrtc-builtins in the cuda-redist jar");
        extract(loader, builtins, dir);
        Path nvrtcFile = extract(loader, LIBRARIES + "libnvrtc.so.12", dir);
        // The library's loader first, so that it is what opens the builtins library.
        library = Nvrtc.load(nvrtcFile);
        nvrtc = SymbolLookup.libraryLookup(nvrtcFile, Arena.global());
        Path nativeDir = Path.of("..", "native").toAbsolutePath().normalize();
        source = Files.readString(nativeDir.resolve("src/dse4j_device.cu"));
        elementOps = Files.readString(nativeDir.resolve("include/dse4j_element_ops.h"));
    }

    private static String jarOf(java.net.URL resource) {
        String url = resource.toString();   // jar:file:/…/cuda-redist-….jar!/org/…
        return java.net.URI.create(url.substring(4, url.indexOf("!/"))).getPath();
    }

    private static Path extract(ClassLoader loader, String resource, Path dir) throws IOException {
        Path file = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
        try (InputStream in = loader.getResourceAsStream(resource)) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        file.toFile().deleteOnExit();
        return file;
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor) {
        return Linker.nativeLinker().downcallHandle(nvrtc.find(name).orElseThrow(), descriptor);
    }

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final java.lang.foreign.AddressLayout PTR = ValueLayout.ADDRESS;
    private static final ValueLayout.OfLong SIZE = ValueLayout.JAVA_LONG;

    /** What NVRTC made of the source for one option set: its status, log and PTX. */
    private record Compiled(int status, String log, byte[] output) {
    }

    private static Compiled compilePtx(List<String> optionList) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment program = arena.allocate(PTR);
            MemorySegment headers = arena.allocate(PTR, 1);
            headers.setAtIndex(PTR, 0, arena.allocateFrom(elementOps));
            MemorySegment names = arena.allocate(PTR, 1);
            names.setAtIndex(PTR, 0, arena.allocateFrom("dse4j_element_ops.h"));
            int created = (int) function("nvrtcCreateProgram", FunctionDescriptor.of(INT, PTR, PTR, PTR, INT, PTR, PTR))
                    .invokeExact(program, arena.allocateFrom(source), arena.allocateFrom("dse4j_device.cu"), 1,
                            headers, names);
            assertEquals(0, created, "nvrtcCreateProgram");
            MemorySegment handle = program.get(PTR, 0);
            MemorySegment options = arena.allocate(PTR, optionList.size());
            for (int i = 0; i < optionList.size(); i++) {
                options.setAtIndex(PTR, i, arena.allocateFrom(optionList.get(i)));
            }
            int status = (int) function("nvrtcCompileProgram", FunctionDescriptor.of(INT, PTR, INT, PTR))
                    .invokeExact(handle, optionList.size(), options);
            String log = text(handle, "nvrtcGetProgramLogSize", "nvrtcGetProgramLog", arena);
            byte[] output = status != 0 ? new byte[0] : bytes(handle, "nvrtcGetPTXSize", "nvrtcGetPTX", arena);
            int destroyed = (int) function("nvrtcDestroyProgram", FunctionDescriptor.of(INT, PTR)).invokeExact(program);
            assertEquals(0, destroyed, "nvrtcDestroyProgram");
            return new Compiled(status, log, output);
        }
    }

    private static byte[] bytes(MemorySegment program, String sizeName, String getName, Arena arena) throws Throwable {
        MemorySegment size = arena.allocate(SIZE);
        assertEquals(0, (int) function(sizeName, FunctionDescriptor.of(INT, PTR, PTR)).invokeExact(program, size));
        MemorySegment out = arena.allocate(size.get(SIZE, 0));
        assertEquals(0, (int) function(getName, FunctionDescriptor.of(INT, PTR, PTR)).invokeExact(program, out));
        return out.toArray(ValueLayout.JAVA_BYTE);
    }

    private static String text(MemorySegment program, String sizeName, String getName, Arena arena) throws Throwable {
        byte[] raw = bytes(program, sizeName, getName, arena);
        int end = raw.length;
        while (end > 0 && raw[end - 1] == 0) {
            end--;
        }
        return new String(raw, 0, end, StandardCharsets.UTF_8);
    }

    @Test
    void theDeviceSourceCompilesToPtxWithEveryEntryPointUnderItsOwnName() throws Throwable {
        Compiled ptx = compilePtx(KernelImages.options("compute_75"));
        assertEquals(0, ptx.status(), "NVRTC's log:\n" + ptx.log());
        String text = new String(ptx.output(), StandardCharsets.US_ASCII);
        assertTrue(text.contains(".target sm_75"), "a PTX for compute_75");
        for (String kernel : KERNELS) {
            for (String type : List.of("f64", "f32")) {
                String entry = "dse4j_k_" + kernel + "_" + type;
                assertTrue(text.contains(".entry " + entry + "("), entry + " is not a PTX entry of that name");
            }
        }
    }

    /**
     * The kernels compile with no fused multiply-add of their own (issue 24): with the options the library gives
     * NVRTC (as nvcc is given them for the fatbin), an entry point whose arithmetic is only +, −, × and ÷ has no
     * {@code fma} instruction in its PTX, so it rounds as the host stand-in (built with -ffp-contract=off) does; the
     * {@code fma}s left are those of CUDA's exp, log and pow, which use them inside (and which the stand-in's
     * comparisons carry a tolerance for): an entry point that calls them has fewer than NVRTC's default gives it,
     * which fuses its own multiply-adds too — so the check can fail.
     */
    @Test
    void theKernelsFuseNoMultiplyAddOfTheirOwn() throws Throwable {
        Map<String, Long> unfused = fusedMultiplyAdds(compilePtx(KernelImages.options("compute_75")));
        Map<String, Long> fused = fusedMultiplyAdds(compilePtx(List.of("--gpu-architecture=compute_75",
                "-std=c++17")));
        for (String kernel : List.of("gather_rows", "diagonal", "scale", "row_parts", "column_parts")) {
            for (String type : List.of("f64", "f32")) {
                String entry = "dse4j_k_" + kernel + "_" + type;
                assertEquals(0L, unfused.getOrDefault(entry, -1L), entry + ": " + unfused);
            }
        }
        // Those with a multiply-add of their own (the distance's recomputation, the entropy's p·log p) have fewer.
        for (String kernel : List.of("gaussian", "shaped", "entry_sums")) {
            for (String type : List.of("f64", "f32")) {
                String entry = "dse4j_k_" + kernel + "_" + type;
                assertTrue(unfused.get(entry) < fused.get(entry), entry + ": " + unfused + " against " + fused);
            }
        }
    }

    /** The {@code fma} instructions of each entry point of a PTX. */
    private static Map<String, Long> fusedMultiplyAdds(Compiled compiled) {
        assertEquals(0, compiled.status(), "NVRTC's log:\n" + compiled.log());
        Map<String, Long> counts = new java.util.TreeMap<>();
        String entry = null;
        for (String line : new String(compiled.output(), StandardCharsets.US_ASCII).lines().map(String::strip)
                .toList()) {
            java.util.regex.Matcher start = java.util.regex.Pattern.compile("\\.entry (\\w+)\\(").matcher(line);
            if (start.find()) {
                entry = start.group(1);
                counts.put(entry, 0L);
            } else if (entry != null && line.startsWith("fma.")) {
                counts.merge(entry, 1L, Long::sum);
            }
        }
        return counts;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sm_75", "sm_90"})
    void theRunTimePathCompilesTheJarsSourceToACubinAndCachesIt(String architecture) throws IOException {
        assertTrue(library.version().startsWith("12."), library.version());
        KernelCache cache = new KernelCache(Files.createTempDirectory("dse4j-kernel-cache"));
        KernelImages.Prepared compiled = KernelImages.compile(library, architecture, cache);
        assertTrue(compiled.image() != null, compiled.reason());
        assertTrue(compiled.compiled());
        byte[] elf = compiled.image().bytes();
        assertTrue(elf.length > 1000 && elf[0] == 0x7f && elf[1] == 'E' && elf[2] == 'L' && elf[3] == 'F',
                "an ELF cubin, got " + elf.length + " bytes");
        String symbols = new String(elf, StandardCharsets.ISO_8859_1);
        for (String kernel : DeviceKernels.KERNELS) {
            for (String type : List.of("f64", "f32")) {
                String entry = "dse4j_k_" + kernel + "_" + type;
                assertTrue(symbols.contains(entry + "\0"), entry + " is not a symbol of the cubin");
            }
        }
        KernelImages.Prepared cached = KernelImages.compile(library, architecture, cache);
        assertTrue(!cached.compiled() && java.util.Arrays.equals(elf, cached.image().bytes()),
                "the second time comes from the cache");
    }
}
