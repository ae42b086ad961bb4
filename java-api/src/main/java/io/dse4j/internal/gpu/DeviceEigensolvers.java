package io.dse4j.internal.gpu;

import io.dse4j.bindings.cusolver.cusolverDn_h;
import io.dse4j.spi.Cancellation;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * cuSOLVER's eigensolvers on the context's handle, each with its workspace query: {@code cusolverDnXsyevd} for one
 * symmetric matrix, {@code cusolverDnXsyevBatched} for equal-size symmetric matrices in one call
 * ({@link CusolverBatched}, CUDA ≥ 12.6.2) and {@code cusolverDnXgeev} for the eigenvalues of a general matrix
 * ({@link CusolverGeev}, CUDA ≥ 12.6). The symmetric ones read the lower triangle. Each solve waits for the stream
 * and checks {@code info} — a LAPACK-style solver's second error channel — turning a non-zero one into a
 * {@link CudaException}.
 *
 * <p>The workspace queries get the real device pointers (cuSOLVER documents them as inputs), so they come after the
 * matrices are allocated; their device bytes are {@code [0]} and host bytes {@code [1]} of the array they return.
 */
final class DeviceEigensolvers {

    private final DeviceContext context;

    DeviceEigensolvers(DeviceContext context) {
        this.context = context;
    }

    private static int jobz(boolean eigenvectors) {
        return eigenvectors ? cusolverDn_h.CUSOLVER_EIG_MODE_VECTOR() : cusolverDn_h.CUSOLVER_EIG_MODE_NOVECTOR();
    }

    /**
     * Host workspace of {@code bytes} (a workspace query's {@code [1]}), or NULL for none: plain memory of the
     * caller's confined arena, which cuSOLVER documents for it (it is neither a copy's source nor its target, so it
     * need not be pinned), freed with the arena on every path. A caller allocates it once per workspace, beside the
     * device one, not once per solve: the arena lives for the whole computation.
     */
    static MemorySegment hostWork(Arena arena, long bytes) {
        return bytes > 0 ? arena.allocate(bytes, 64) : MemorySegment.NULL;
    }

    /** {device, host} workspace bytes of {@code cusolverDnXsyevd} for the n×n matrix {@code a}. */
    long[] syevdWorkspace(DeviceElement element, long n, boolean eigenvectors, DeviceBuffer a, DeviceBuffer w,
                          Arena arena) {
        MemorySegment cusolver = context.cusolver();
        int dataType = element.dataType();
        MemorySegment deviceWork = arena.allocate(ValueLayout.JAVA_LONG);
        MemorySegment hostWork = arena.allocate(ValueLayout.JAVA_LONG);
        CudaStatus.cusolver("cusolverDnXsyevd_bufferSize", cusolverDn_h.cusolverDnXsyevd_bufferSize(cusolver,
                context.params(), jobz(eigenvectors), cusolverDn_h.CUBLAS_FILL_MODE_LOWER(), n, dataType,
                a.address(), n, dataType, w.address(), dataType, deviceWork, hostWork));
        return new long[] {deviceWork.get(ValueLayout.JAVA_LONG, 0), hostWork.get(ValueLayout.JAVA_LONG, 0)};
    }

    /**
     * {device, host} workspace bytes of {@code cusolverDnXsyevd}, eigenvalues only, that serve an m×m matrix (ld m)
     * in {@code a} for every m of {@code sizes}: the most that any of them asks for. Each size is queried: cuSOLVER
     * does not document that its requirement grows with n (its blocked algorithms choose their block sizes by n),
     * so the largest matrix's workspace may be too small for a smaller one.
     */
    long[] syevdWorkspace(DeviceElement element, long[] sizes, DeviceBuffer a, DeviceBuffer w, Arena arena) {
        long[] most = {0, 0};
        for (long m : sizes) {
            long[] workspace = syevdWorkspace(element, m, false, a, w, arena);
            most[0] = Math.max(most[0], workspace[0]);
            most[1] = Math.max(most[1], workspace[1]);
        }
        return most;
    }

    /**
     * Eigenvalues (ascending, into {@code w}) and, on request, eigenvectors (over {@code a}) of the symmetric
     * matrix in the lower triangle of {@code a}, by {@code cusolverDnXsyevd}; waits for it and checks {@code info}.
     * {@code work} and {@code hostWork} ({@link #hostWork}) hold {@code workspace[0]} and {@code workspace[1]}
     * bytes, at least what {@link #syevdWorkspace} gave for this n.
     */
    void syevd(DeviceElement element, long n, boolean eigenvectors, DeviceBuffer a, DeviceBuffer w, DeviceBuffer work,
               long[] workspace, MemorySegment hostWork, DeviceBuffer info, Arena arena) {
        MemorySegment cusolver = context.cusolver();
        int dataType = element.dataType();
        CudaStatus.cusolver("cusolverDnXsyevd", cusolverDn_h.cusolverDnXsyevd(cusolver, context.params(),
                jobz(eigenvectors), cusolverDn_h.CUBLAS_FILL_MODE_LOWER(), n, dataType, a.address(), n, dataType,
                w.address(), dataType, work.address(), workspace[0], hostWork, workspace[1], info.address()));
        context.synchronize();
        int infoValue = infoWords(info, 1, arena)[0];
        if (infoValue != 0) {
            throw new CudaException(CudaStatus.CUSOLVER, "cusolverDnXsyevd", infoValue,
                    infoValue > 0 ? "info = " + infoValue + ": the eigensolver did not converge"
                            : "info = " + infoValue + ": argument " + (-infoValue) + " was invalid");
        }
    }

    /**
     * {device, host} workspace bytes of {@code cusolverDnXsyevBatched}, eigenvalues only, for batches of m×m matrices
     * in {@code a} (stride m²): the most that a batch of any of the sizes {@code batches} asks for.
     */
    long[] batchedWorkspace(DeviceElement element, long m, long[] batches, DeviceBuffer a, DeviceBuffer w,
                            Arena arena) {
        int dataType = element.dataType();
        long workBytes = 0;
        long hostWorkBytes = 0;
        for (long batch : batches) {
            MemorySegment deviceBytes = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment hostBytes = arena.allocate(ValueLayout.JAVA_LONG);
            CudaStatus.cusolver("cusolverDnXsyevBatched_bufferSize", CusolverBatched.bufferSize(context.cusolver(),
                    context.params(), jobz(false), cusolverDn_h.CUBLAS_FILL_MODE_LOWER(), m, dataType, a.address(), m,
                    dataType, w.address(), dataType, deviceBytes, hostBytes, batch));
            workBytes = Math.max(workBytes, deviceBytes.get(ValueLayout.JAVA_LONG, 0));
            hostWorkBytes = Math.max(hostWorkBytes, hostBytes.get(ValueLayout.JAVA_LONG, 0));
        }
        return new long[] {workBytes, hostWorkBytes};
    }

    /**
     * The eigenvalues of the first {@code batch} m×m symmetric matrices in {@code a} (stride m²) into {@code w}
     * (stride m), by {@code cusolverDnXsyevBatched}; waits for it, then — the caller's interrupt status checked
     * first — checks each matrix's {@code info}. {@code hostWork}: {@link #hostWork} of {@code workspace[1]} bytes,
     * which the calls of one batch share.
     */
    void syevBatched(DeviceElement element, long m, int batch, DeviceBuffer a, DeviceBuffer w, DeviceBuffer work,
                     long[] workspace, MemorySegment hostWork, DeviceBuffer info, Arena arena) {
        int dataType = element.dataType();
        CudaStatus.cusolver("cusolverDnXsyevBatched", CusolverBatched.solve(context.cusolver(), context.params(),
                jobz(false), cusolverDn_h.CUBLAS_FILL_MODE_LOWER(), m, dataType, a.address(), m, dataType,
                w.address(), dataType, work.address(), workspace[0], hostWork, workspace[1], info.address(), batch));
        context.synchronize();
        Cancellation.checkInterrupted();
        int[] values = infoWords(info, batch, arena);
        for (int b = 0; b < batch; b++) {
            if (values[b] != 0) {
                throw new CudaException(CudaStatus.CUSOLVER, "cusolverDnXsyevBatched", values[b], "info = "
                        + values[b] + " for matrix " + b + " of the batch");
            }
        }
    }

    /** {device, host} workspace bytes of {@code cusolverDnXgeev} (eigenvalues only, double) for the n×n {@code a}. */
    long[] geevWorkspace(long n, DeviceBuffer a, DeviceBuffer w, Arena arena) {
        MemorySegment deviceBytes = arena.allocate(ValueLayout.JAVA_LONG);
        MemorySegment hostBytes = arena.allocate(ValueLayout.JAVA_LONG);
        CudaStatus.cusolver("cusolverDnXgeev_bufferSize", CusolverGeev.bufferSize(context.cusolver(),
                context.params(), cusolverDn_h.CUSOLVER_EIG_MODE_NOVECTOR(), n, cusolverDn_h.CUDA_R_64F(),
                a.address(), w.address(), deviceBytes, hostBytes));
        return new long[] {deviceBytes.get(ValueLayout.JAVA_LONG, 0), hostBytes.get(ValueLayout.JAVA_LONG, 0)};
    }

    /**
     * The moduli of the eigenvalues of the general n×n matrix in {@code a} (double, destroyed), by
     * {@code cusolverDnXgeev} into {@code w} (the n real parts, then the n imaginary parts); waits for it, then — the
     * caller's interrupt status checked first — checks {@code info}.
     */
    double[] geevModuli(long n, DeviceBuffer a, DeviceBuffer w, DeviceBuffer work, long[] workspace,
                        DeviceBuffer info, Arena arena) {
        CudaStatus.cusolver("cusolverDnXgeev", CusolverGeev.solve(context.cusolver(), context.params(),
                cusolverDn_h.CUSOLVER_EIG_MODE_NOVECTOR(), n, cusolverDn_h.CUDA_R_64F(), a.address(), w.address(),
                work.address(), workspace[0], hostWork(arena, workspace[1]), workspace[1], info.address()));
        context.synchronize();
        Cancellation.checkInterrupted();
        int infoValue = infoWords(info, 1, arena)[0];
        if (infoValue != 0) {
            throw new CudaException(CudaStatus.CUSOLVER, "cusolverDnXgeev", infoValue,
                    "info = " + infoValue + ": the eigensolver did not converge");
        }
        double[] parts = DeviceElement.F64.download(arena, w, 2 * n);
        double[] moduli = new double[(int) n];
        for (int i = 0; i < n; i++) {
            moduli[i] = Math.hypot(parts[i], parts[(int) n + i]);
        }
        return moduli;
    }

    /** The first {@code count} info words of {@code info}. */
    private static int[] infoWords(DeviceBuffer info, int count, Arena arena) {
        MemorySegment host = arena.allocate(ValueLayout.JAVA_INT, count);
        info.download(host);
        return host.toArray(ValueLayout.JAVA_INT);
    }
}
