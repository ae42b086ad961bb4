package io.dse4j.internal.gpu;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code cusolverDnXgeev} and its workspace query (cuSOLVER of CUDA ≥ 12.6), bound by hand beside the generated
 * bindings, whose 11.8 headers do not declare them. Optional: without them the k-NN adjacency's general eigenproblem
 * runs on the CPU. With real data types, W receives the n real parts followed by the n imaginary parts (NVIDIA's
 * documentation of the routine).
 */
final class CusolverGeev {

    private static final Optional<MethodHandle> BUFFER_SIZE = find("cusolverDnXgeev_bufferSize",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS,
                    JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT,
                    ADDRESS, ADDRESS));
    private static final Optional<MethodHandle> SOLVE = find("cusolverDnXgeev",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS,
                    JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT,
                    ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));

    private CusolverGeev() {
    }

    private static Optional<MethodHandle> find(String name, FunctionDescriptor descriptor) {
        return SymbolLookup.loaderLookup().find(name)
                .map(symbol -> Linker.nativeLinker().downcallHandle(symbol, descriptor));
    }

    static boolean available() {
        return BUFFER_SIZE.isPresent() && SOLVE.isPresent();
    }

    /** Eigenvalues only (no left or right vectors), double precision throughout. */
    static int bufferSize(MemorySegment handle, MemorySegment params, int novector, long n, int type, MemorySegment a,
                          MemorySegment w, MemorySegment deviceBytes, MemorySegment hostBytes) {
        try {
            return (int) BUFFER_SIZE.orElseThrow().invokeExact(handle, params, novector, novector, n, type, a, n,
                    type, w, type, MemorySegment.NULL, 1L, type, MemorySegment.NULL, 1L, type, deviceBytes,
                    hostBytes);
        } catch (Throwable e) {
            throw new IllegalStateException("cusolverDnXgeev_bufferSize could not be called", e);
        }
    }

    static int solve(MemorySegment handle, MemorySegment params, int novector, long n, int type, MemorySegment a,
                     MemorySegment w, MemorySegment deviceWork, long deviceBytes, MemorySegment hostWork,
                     long hostBytes, MemorySegment info) {
        try {
            return (int) SOLVE.orElseThrow().invokeExact(handle, params, novector, novector, n, type, a, n, type, w,
                    type, MemorySegment.NULL, 1L, type, MemorySegment.NULL, 1L, type, deviceWork, deviceBytes,
                    hostWork, hostBytes, info);
        } catch (Throwable e) {
            throw new IllegalStateException("cusolverDnXgeev could not be called", e);
        }
    }
}
