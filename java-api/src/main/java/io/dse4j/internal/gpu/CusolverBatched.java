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
 * {@code cusolverDnXsyevBatched} and its workspace query (cuSOLVER of CUDA ≥ 12.6.2), bound by hand beside the
 * generated bindings: those come from the CUDA 11.8 headers, which do not declare it. Optional — an older cuSOLVER
 * lacks the symbol, and then the backend solves a batch one matrix at a time. Signatures as NVIDIA documents them:
 * the 64-bit {@code Xsyevd} arguments plus a trailing {@code int64_t batchSize}; {@code info} points to one int per
 * matrix. Resolved on first use, after {@link CudaLibraries} has loaded cuSOLVER.
 *
 * <p>Its size limit: although n, lda and batchSize are 64-bit arguments, NVIDIA's documentation of
 * {@code cusolverDnXsyevBatched} limits one call to n · lda · batchSize ≤ INT32_MAX matrix elements (a constraint of
 * its current implementation, it says), whatever the precision. The workspace is a
 * {@code size_t} byte count and the info output one {@code int} per matrix, so neither adds a limit. The backend
 * therefore splits a larger batch into calls of at most {@link #matricesPerCall} matrices, and solves matrices too
 * large for even one (n > 46340) with the 64-bit {@code cusolverDnXsyevd}, which has no such limit.
 */
final class CusolverBatched {

    /** The most matrix elements, n · lda · batchSize, one call may take. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE;

    private static final Optional<MethodHandle> BUFFER_SIZE = find("cusolverDnXsyevBatched_bufferSize",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS,
                    JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final Optional<MethodHandle> SOLVE = find("cusolverDnXsyevBatched",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS,
                    JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS,
                    JAVA_LONG));

    private CusolverBatched() {
    }

    private static Optional<MethodHandle> find(String name, FunctionDescriptor descriptor) {
        return SymbolLookup.loaderLookup().find(name)
                .map(symbol -> Linker.nativeLinker().downcallHandle(symbol, descriptor));
    }

    static boolean available() {
        return BUFFER_SIZE.isPresent() && SOLVE.isPresent();
    }

    /**
     * How many n×n matrices of leading dimension {@code lda} one call may take when it is limited to
     * {@code maxElements} elements ({@link #MAX_ELEMENTS}; a smaller number in tests); 0 when not even one.
     */
    static long matricesPerCall(long n, long lda, long maxElements) {
        if (n < 1 || lda < 1) {
            return maxElements;
        }
        if (lda > maxElements / n) {
            return 0;
        }
        return maxElements / (n * lda);
    }

    static int bufferSize(MemorySegment handle, MemorySegment params, int jobz, int uplo, long n, int dataTypeA,
                          MemorySegment a, long lda, int dataTypeW, MemorySegment w, int computeType,
                          MemorySegment deviceBytes, MemorySegment hostBytes, long batch) {
        try {
            return (int) BUFFER_SIZE.orElseThrow().invokeExact(handle, params, jobz, uplo, n, dataTypeA, a, lda,
                    dataTypeW, w, computeType, deviceBytes, hostBytes, batch);
        } catch (Throwable e) {
            throw new IllegalStateException("cusolverDnXsyevBatched_bufferSize could not be called", e);
        }
    }

    static int solve(MemorySegment handle, MemorySegment params, int jobz, int uplo, long n, int dataTypeA,
                     MemorySegment a, long lda, int dataTypeW, MemorySegment w, int computeType,
                     MemorySegment deviceWork, long deviceBytes, MemorySegment hostWork, long hostBytes,
                     MemorySegment info, long batch) {
        try {
            return (int) SOLVE.orElseThrow().invokeExact(handle, params, jobz, uplo, n, dataTypeA, a, lda, dataTypeW,
                    w, computeType, deviceWork, deviceBytes, hostWork, hostBytes, info, batch);
        } catch (Throwable e) {
            throw new IllegalStateException("cusolverDnXsyevBatched could not be called", e);
        }
    }
}
