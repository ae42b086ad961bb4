package io.dse4j.internal.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads shared libraries into this class loader (System.load), so that the generated bindings, which look symbols
 * up with {@code SymbolLookup.loaderLookup()}, find them. A library given by soname (libcudart.so.13) is first
 * opened with {@code dlopen} — the system's own search: LD_LIBRARY_PATH, the ld.so cache, the default folders — and
 * its path read back with {@code dlinfo(RTLD_DI_LINKMAP)}, because System.load wants a path. Every failure comes back
 * as the dynamic linker's message, never as an exception.
 */
final class SharedLibraries {

    private static final int RTLD_NOW = 2;
    private static final int RTLD_GLOBAL = 0x100;
    private static final int RTLD_DI_LINKMAP = 2;

    private SharedLibraries() {
    }

    /** Loads the library at {@code path}; returns null on success, else why not. */
    static String loadPath(Path path) {
        if (!Files.isRegularFile(path)) {
            return path + ": no such file";
        }
        try {
            System.load(path.toAbsolutePath().toString());
            return null;
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return path + ": " + e.getMessage();
        }
    }

    /** Loads a library by soname; returns null on success, else the dynamic linker's message. */
    static String loadSoname(String soname) {
        try {
            Linker linker = Linker.nativeLinker();
            var libc = linker.defaultLookup();
            MethodHandle dlopen = linker.downcallHandle(libc.find("dlopen").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MethodHandle dlerror = linker.downcallHandle(libc.find("dlerror").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS));
            MethodHandle dlinfo = linker.downcallHandle(libc.find("dlinfo").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment handle = (MemorySegment) dlopen.invokeExact(arena.allocateFrom(soname),
                        RTLD_NOW | RTLD_GLOBAL);
                if (handle.equals(MemorySegment.NULL)) {
                    MemorySegment message = (MemorySegment) dlerror.invokeExact();
                    return message.equals(MemorySegment.NULL) ? soname + ": dlopen failed"
                            : message.reinterpret(4096).getString(0);
                }
                // struct link_map { ElfW(Addr) l_addr; char *l_name; ... }
                MemorySegment mapOut = arena.allocate(ValueLayout.ADDRESS);
                int status = (int) dlinfo.invokeExact(handle, RTLD_DI_LINKMAP, mapOut);
                if (status != 0) {
                    return soname + ": dlinfo failed";
                }
                MemorySegment map = mapOut.get(ValueLayout.ADDRESS, 0).reinterpret(2L * ValueLayout.ADDRESS.byteSize());
                String path = map.get(ValueLayout.ADDRESS, ValueLayout.ADDRESS.byteSize()).reinterpret(4096).getString(
                        0);
                return loadPath(Path.of(path));
            }
        } catch (Throwable e) {
            return soname + ": " + e;
        }
    }
}
