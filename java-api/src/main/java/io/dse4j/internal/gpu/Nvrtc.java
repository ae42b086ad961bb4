package io.dse4j.internal.gpu;

import java.io.IOException;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * NVIDIA's run-time compiler (libnvrtc), which compiles dse4j's device source to a cubin for the GPU at hand where
 * the driver cannot load nvcc 13's fatbin (CUDA 12 drivers). Bound by hand: nvrtc.h is not installed on the machines
 * that generate the bindings, and the eight functions used take only pointers, ints and size_t (their signatures as
 * NVIDIA's NVRTC documentation gives them; an nvrtcProgram is an opaque pointer).
 *
 * <p>libnvrtc opens its builtins library ({@code libnvrtc-builtins.so.<major>.<minor>}) by soname when it compiles,
 * and that fails where its folder is not on the linker's path (NVIDIA's Python wheels): {@link #load} opens the
 * builtins of the same folder by path first, so that the by-name open finds them already loaded.
 */
final class Nvrtc {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final AddressLayout PTR = ValueLayout.ADDRESS;
    private static final ValueLayout.OfLong SIZE = ValueLayout.JAVA_LONG;

    /** A compilation that failed: NVRTC's status and its log (the compiler's messages, naming the line). */
    static final class CompilationException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CompilationException(String message) {
            super(message);
        }
    }

    private final MethodHandle version;
    private final MethodHandle errorString;
    private final MethodHandle createProgram;
    private final MethodHandle compileProgram;
    private final MethodHandle cubinSize;
    private final MethodHandle cubin;
    private final MethodHandle logSize;
    private final MethodHandle log;
    private final MethodHandle destroyProgram;

    private Nvrtc(SymbolLookup lookup) {
        version = bind(lookup, "nvrtcVersion", FunctionDescriptor.of(INT, PTR, PTR));
        errorString = bind(lookup, "nvrtcGetErrorString", FunctionDescriptor.of(PTR, INT));
        createProgram = bind(lookup, "nvrtcCreateProgram", FunctionDescriptor.of(INT, PTR, PTR, PTR, INT, PTR, PTR));
        compileProgram = bind(lookup, "nvrtcCompileProgram", FunctionDescriptor.of(INT, PTR, INT, PTR));
        cubinSize = bind(lookup, "nvrtcGetCUBINSize", FunctionDescriptor.of(INT, PTR, PTR));
        cubin = bind(lookup, "nvrtcGetCUBIN", FunctionDescriptor.of(INT, PTR, PTR));
        logSize = bind(lookup, "nvrtcGetProgramLogSize", FunctionDescriptor.of(INT, PTR, PTR));
        log = bind(lookup, "nvrtcGetProgramLog", FunctionDescriptor.of(INT, PTR, PTR));
        destroyProgram = bind(lookup, "nvrtcDestroyProgram", FunctionDescriptor.of(INT, PTR));
    }

    private static MethodHandle bind(SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = lookup.find(name)
                .orElseThrow(() -> new NoSuchElementException("NVRTC has no function " + name));
        return Linker.nativeLinker().downcallHandle(symbol, descriptor);
    }

    /** NVRTC in {@code lookup} (the stand-in's, in tests). */
    static Nvrtc of(SymbolLookup lookup) {
        return new Nvrtc(lookup);
    }

    /**
     * Opens {@code library} (libnvrtc.so.12 or .13) after the builtins beside it, for the rest of the JVM's life.
     *
     * @throws IllegalArgumentException with the dynamic linker's message when it cannot be opened
     */
    static Nvrtc load(Path library) {
        String soname = library.getFileName().toString();                // libnvrtc.so.12
        String builtinsPrefix = soname.replace("libnvrtc.so", "libnvrtc-builtins.so") + ".";
        Path folder = library.toAbsolutePath().getParent();
        List<Path> builtins = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, builtinsPrefix + "*")) {
            files.forEach(builtins::add);
        } catch (IOException | RuntimeException unreadable) {
            // Then NVRTC's own search by soname is all there is; a failure shows in its log.
        }
        for (Path builtin : builtins) {
            try {
                SymbolLookup.libraryLookup(builtin, Arena.global());
            } catch (IllegalArgumentException unopenable) {
                // NVRTC may still find its builtins itself (NVIDIA's wheels set RUNPATH $ORIGIN); its log says if not.
            }
        }
        return new Nvrtc(SymbolLookup.libraryLookup(library, Arena.global()));
    }

    /** "12.9" (nvrtcVersion). */
    String version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(INT);
            MemorySegment minor = arena.allocate(INT);
            check("nvrtcVersion", (int) version.invokeExact(major, minor));
            return major.get(INT, 0) + "." + minor.get(INT, 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Compiles {@code source} (named {@code sourceName} in messages), whose quoted includes are among
     * {@code headers} (include name → text), with {@code options}, to a cubin.
     *
     * @throws CompilationException with NVRTC's log when it does not compile
     */
    byte[] compileCubin(String sourceName, String source, Map<String, String> headers, List<String> options) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment programOut = arena.allocate(PTR);
            MemorySegment headerTexts = arena.allocate(PTR, Math.max(1, headers.size()));
            MemorySegment headerNames = arena.allocate(PTR, Math.max(1, headers.size()));
            int h = 0;
            for (Map.Entry<String, String> header : headers.entrySet()) {
                headerNames.setAtIndex(PTR, h, arena.allocateFrom(header.getKey()));
                headerTexts.setAtIndex(PTR, h, arena.allocateFrom(header.getValue()));
                h++;
            }
            check("nvrtcCreateProgram", (int) createProgram.invokeExact(programOut, arena.allocateFrom(source),
                    arena.allocateFrom(sourceName), headers.size(), headerTexts, headerNames));
            MemorySegment program = programOut.get(PTR, 0);
            byte[] result;
            try {
                MemorySegment optionArray = arena.allocate(PTR, Math.max(1, options.size()));
                for (int i = 0; i < options.size(); i++) {
                    optionArray.setAtIndex(PTR, i, arena.allocateFrom(options.get(i)));
                }
                int status = (int) compileProgram.invokeExact(program, options.size(), optionArray);
                if (status != 0) {
                    throw new CompilationException("NVRTC " + version() + " could not compile " + sourceName
                            + " with " + options + ": " + name(status) + " (" + status + ")\n"
                            + programLog(program, arena));
                }
                MemorySegment size = arena.allocate(SIZE);
                check("nvrtcGetCUBINSize", (int) cubinSize.invokeExact(program, size));
                MemorySegment out = arena.allocate(Math.max(1, size.get(SIZE, 0)));
                check("nvrtcGetCUBIN", (int) cubin.invokeExact(program, out));
                result = out.asSlice(0, size.get(SIZE, 0)).toArray(ValueLayout.JAVA_BYTE);
            } catch (Throwable failure) {
                // The program is destroyed on this path too; a failure of that is added to the first, never in its
                // place (it would hide NVRTC's log).
                int destroyed = (int) destroyProgram.invokeExact(programOut);
                if (destroyed != 0) {
                    failure.addSuppressed(new IllegalStateException("NVRTC nvrtcDestroyProgram: " + name(destroyed)
                            + " (" + destroyed + ")"));
                }
                throw failure;
            }
            check("nvrtcDestroyProgram", (int) destroyProgram.invokeExact(programOut));
            return result;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private String programLog(MemorySegment program, Arena arena) throws Throwable {
        MemorySegment size = arena.allocate(SIZE);
        if ((int) logSize.invokeExact(program, size) != 0 || size.get(SIZE, 0) <= 1) {
            return "(no log)";
        }
        MemorySegment text = arena.allocate(size.get(SIZE, 0));
        if ((int) log.invokeExact(program, text) != 0) {
            return "(no log)";
        }
        return new String(text.toArray(ValueLayout.JAVA_BYTE), 0, (int) size.get(SIZE, 0) - 1,
                StandardCharsets.UTF_8).strip();
    }

    private String name(int status) throws Throwable {
        MemorySegment text = (MemorySegment) errorString.invokeExact(status);
        return text.equals(MemorySegment.NULL) ? "NVRTC status" : text.reinterpret(256).getString(0);
    }

    private void check(String call, int status) throws Throwable {
        if (status != 0) {
            throw new IllegalStateException("NVRTC " + call + ": " + name(status) + " (" + status + ")");
        }
    }
}
