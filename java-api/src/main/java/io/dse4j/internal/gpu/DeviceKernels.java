package io.dse4j.internal.gpu;

import io.dse4j.bindings.driver.cuda_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * dse4j's kernels (native/src/dse4j_device.cu) loaded as one CUDA module into the chosen device's primary
 * context — the context the CUDA runtime, cuBLAS and cuSOLVER use — and launched through the driver API, so that nothing of dse4j
 * links a CUDA runtime: {@code cuModuleLoadData} takes the {@link KernelImage} (nvcc's fatbin or NVRTC's cubin),
 * {@code cuLaunchKernel} each launch with its arguments in a {@code kernelParams} array (a pointer to each argument).
 *
 * <p>Launch geometry lives here: {@value #BLOCK_THREADS} threads a block (the kernels' shared-memory reductions are
 * sized for it), grids clamped to the device's limits and to {@value #GRID_LIMIT} (the kernels' loops are
 * grid-stride, so any grid covers any matrix; the stand-in reports 16 so that in tests every loop wraps).
 *
 * <p>Contexts: the runtime makes the primary context current lazily, only on the threads that call it, and a
 * computation may reach a launch on a thread that never did (a JVM thread pool). So this retains the primary context
 * when it loads (keeping it alive while the module exists) and makes it current before every driver call on
 * whichever thread makes it; {@link #close()} unloads the module and releases the context, on every path.
 *
 * <p>Errors: {@code cuLaunchKernel}'s own status is checked at each launch — what is wrong with this launch (a bad
 * configuration, no image for the GPU), or an error of earlier asynchronous work that the driver reports there (its
 * documentation says launches may return those too) — without clearing anything, as {@code cudaGetLastError} would;
 * the stream's status at the next synchronisation reports what failed while a kernel ran. Not thread-safe: its owner
 * ({@link DeviceContext}, within {@link GpuBackend}) serialises the calls.
 */
final class DeviceKernels implements AutoCloseable {

    /** DSE4J_BLOCK_THREADS of dse4j_device.cu (a test reads the source and compares). */
    static final int BLOCK_THREADS = 256;

    /** The largest grid extent used in any dimension (a GPU's y and z limit). */
    static final int GRID_LIMIT = 65535;

    /** The kernels, by the name of their entry point without the type suffix. */
    static final List<String> KERNELS = List.of("gather_rows", "diagonal", "gaussian", "shaped", "scale",
            "row_parts", "column_parts", "entry_sums", "normalise");

    private final int device;
    private final MemorySegment context;
    private final int maxGridX;
    private final int maxGridY;
    private final String imageDescription;
    private MemorySegment module;
    private boolean released;
    private final Map<String, MemorySegment> functions = new HashMap<>();

    private DeviceKernels(int device, MemorySegment context, int maxGridX, int maxGridY, String imageDescription) {
        this.device = device;
        this.context = context;
        this.maxGridX = maxGridX;
        this.maxGridY = maxGridY;
        this.imageDescription = imageDescription;
    }

    /**
     * Retains the primary context of device {@code ordinal}, loads {@code image} into it and looks up every entry point.
     *
     * @throws CudaException naming the driver call that failed (the context released and the module unloaded)
     */
    static DeviceKernels load(int ordinal, KernelImage image) {
        DeviceKernels kernels;
        try (Arena arena = Arena.ofConfined()) {
            CudaStatus.driver("cuInit", cuda_h.cuInit(0));
            MemorySegment handle = arena.allocate(ValueLayout.JAVA_INT);
            CudaStatus.driver("cuDeviceGet(" + ordinal + ")", cuda_h.cuDeviceGet(handle, ordinal));
            int device = handle.get(ValueLayout.JAVA_INT, 0);
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            CudaStatus.driver("cuDevicePrimaryCtxRetain", cuda_h.cuDevicePrimaryCtxRetain(out, device));
            MemorySegment context = out.get(ValueLayout.ADDRESS, 0);
            try {
                int gridX = attribute(arena, cuda_h.CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X(), device);
                int gridY = attribute(arena, cuda_h.CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y(), device);
                kernels = new DeviceKernels(device, context, Math.min(GRID_LIMIT, gridX), Math.min(GRID_LIMIT, gridY),
                        image.description());
            } catch (RuntimeException failure) {
                releaseContext(device, failure);
                throw failure;
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            kernels.makeCurrent();
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            // NUL-terminated, as PTX must be; 16-byte aligned, as nvcc embeds a fatbin.
            MemorySegment bytes = arena.allocate(image.bytes().length + 1L, 16);
            MemorySegment.copy(image.bytes(), 0, bytes, ValueLayout.JAVA_BYTE, 0, image.bytes().length);
            CudaStatus.driver("cuModuleLoadData (" + image.description() + ")", cuda_h.cuModuleLoadData(out, bytes));
            kernels.module = out.get(ValueLayout.ADDRESS, 0);
            for (String kernel : KERNELS) {
                for (DeviceElement element : DeviceElement.values()) {
                    String name = entryPoint(kernel, element);
                    CudaStatus.driver("cuModuleGetFunction(" + name + ")",
                            cuda_h.cuModuleGetFunction(out, kernels.module, arena.allocateFrom(name)));
                    kernels.functions.put(name, out.get(ValueLayout.ADDRESS, 0));
                }
            }
            return kernels;
        } catch (RuntimeException failure) {
            try {
                kernels.close();
            } catch (RuntimeException secondary) {
                failure.addSuppressed(secondary);
            }
            throw failure;
        }
    }

    private static int attribute(Arena arena, int attribute, int device) {
        MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
        CudaStatus.driver("cuDeviceGetAttribute(" + attribute + ")", cuda_h.cuDeviceGetAttribute(value, attribute,
                device));
        return value.get(ValueLayout.JAVA_INT, 0);
    }

    /** What was loaded: "fatbin (nvcc 13.0; …)" or "cubin for sm_86 by NVRTC 12.4". */
    String imageDescription() {
        return imageDescription;
    }

    /**
     * The primary context current on the calling thread (it may be another thread at each call). A context another
     * library had made current on that thread is replaced, not restored: dse4j's calls leave the primary context
     * current, as the runtime's own calls do after {@code cudaSetDevice}.
     */
    void makeCurrent() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment current = arena.allocate(ValueLayout.ADDRESS);
            CudaStatus.driver("cuCtxGetCurrent", cuda_h.cuCtxGetCurrent(current));
            if (!current.get(ValueLayout.ADDRESS, 0).equals(context)) {
                CudaStatus.driver("cuCtxSetCurrent", cuda_h.cuCtxSetCurrent(context));
            }
        }
    }

    // ---- the launches: geometry and argument checks, one method per operation of the kernels ----

    /** Blocks of {@value #BLOCK_THREADS} threads for {@code count} rows, within the x limit. */
    private int rowBlocks(long count) {
        return clamp((count + BLOCK_THREADS - 1) / BLOCK_THREADS, maxGridX);
    }

    private static int clamp(long blocks, int limit) {
        return (int) Math.max(1, Math.min(limit, blocks));
    }

    private static void checkMatrix(String operation, long n, long lda) {
        if (n < 0 || lda < n) {
            throw new IllegalArgumentException(operation + ": n = " + n + " and lda = " + lda
                    + " (need 0 <= n <= lda)");
        }
    }

    /** out (m×d, column-major) = the rows {@code rows[0..m)} of x (n×d, column-major), on the device. */
    void gatherRows(DeviceElement element, MemorySegment x, long n, long d, MemorySegment rows, long m,
                    MemorySegment out, MemorySegment stream) {
        if (n < 0 || d < 0 || m < 0) {
            throw new IllegalArgumentException("gather_rows: n = " + n + ", d = " + d + ", m = " + m
                    + " (none may be negative)");
        }
        launch("gather_rows", element, rowBlocks(m), clamp(d, maxGridY), stream, x, n, d, rows, m, out);
    }

    /** norms[i] = a[i + i·lda]: the squared norms are the Gram matrix's diagonal. */
    void diagonal(DeviceElement element, MemorySegment a, long n, long lda, MemorySegment norms, MemorySegment stream) {
        checkMatrix("diagonal", n, lda);
        launch("diagonal", element, rowBlocks(n), 1, stream, a, n, lda, norms);
    }

    /**
     * Gram → Gaussian on the lower triangle: a_ij = exp(−d²_ij / 2σ²), a_ii = 1, with d²_ij = n_i + n_j − 2a_ij, or
     * Σ_k (o_ik − o_jk)² from the original coordinates {@code original} (double, column-major n×dims, leading
     * dimension {@code ldo}) where that expansion cancels for an entry the kernel can see
     * ({@code dse4j_expansion_cancels}; io.dse4j.internal.cpu.SquaredDistances on the CPU).
     */
    void gaussian(DeviceElement element, MemorySegment a, long n, long lda, MemorySegment norms,
                  MemorySegment original, long ldo, long dims, double sigma, MemorySegment stream) {
        checkMatrix("gaussian", n, lda);
        checkOriginal("gaussian", n, ldo, dims);
        double scale = -1.0 / (2.0 * sigma * sigma);
        launch("gaussian", element, rowBlocks(n), clamp(n, maxGridY), stream, a, n, lda, norms, original, ldo, dims,
                scale, visibleFor(scale, element));
    }

    /** The d² beyond which exp(d²·scale) is 0 once stored ({@link DeviceElement#underflowExponent()}). */
    static double visibleFor(double scale, DeviceElement element) {
        return scale == 0 ? Double.POSITIVE_INFINITY : element.underflowExponent() / Math.abs(scale);
    }

    private static void checkOriginal(String operation, long n, long ldo, long dims) {
        if (dims < 1 || ldo < n) {
            throw new IllegalArgumentException(operation + ": original coordinates with ldo = " + ldo + " and "
                    + dims + " dimensions for n = " + n + " (need ldo >= n, dims >= 1)");
        }
    }

    /**
     * Gram → the kernel with per-point bandwidths on the lower triangle (inverse[i] = 1/σᵢ): a_ij = exp(−d²/2σᵢσⱼ)
     * with decay 0, else ½exp(−(d/σᵢ)^decay) + ½exp(−(d/σⱼ)^decay); a_ii = 1.
     */
    void shaped(DeviceElement element, MemorySegment a, long n, long lda, MemorySegment norms, MemorySegment original,
                long ldo, long dims, MemorySegment inverse, double decay, MemorySegment stream) {
        checkMatrix("shaped", n, lda);
        checkOriginal("shaped", n, ldo, dims);
        // Every distance may matter to a per-point bandwidth: none is invisible.
        launch("shaped", element, rowBlocks(n), clamp(n, maxGridY), stream, a, n, lda, norms, original, ldo, dims,
                Double.POSITIVE_INFINITY, inverse, decay);
    }

    /** a_ij = (f_i a_ij) f_j on the lower triangle (the α-normalisation with f = d^−α). */
    void scale(DeviceElement element, MemorySegment a, long n, long lda, MemorySegment factors, MemorySegment stream) {
        checkMatrix("scale", n, lda);
        launch("scale", element, rowBlocks(n), clamp(n, maxGridY), stream, a, n, lda, factors);
    }

    /** degrees[i] = Σ_j G_ij of the symmetric matrix held in the lower triangle: row parts, then column parts. */
    void degrees(DeviceElement element, MemorySegment a, long n, long lda, MemorySegment degrees,
                 MemorySegment stream) {
        checkMatrix("degrees", n, lda);
        launch("row_parts", element, rowBlocks(n), 1, stream, a, n, lda, degrees);
        launch("column_parts", element, clamp(n, maxGridX), 1, stream, a, n, lda, degrees);
    }

    /** a_ij = (d_i^−½ a_ij) d_j^−½ on the lower triangle. */
    void normalise(DeviceElement element, MemorySegment a, long n, long lda, MemorySegment degrees,
                   MemorySegment stream) {
        checkMatrix("normalise", n, lda);
        launch("normalise", element, rowBlocks(n), clamp(n, maxGridY), stream, a, n, lda, degrees);
    }

    /**
     * The most partial sums {@link #entrySums} writes for an n×n matrix: one block per column at most (the blocks
     * stride over the columns, so more would only sum zeros), within the device's grid and {@code capacity}.
     */
    int entrySumBlocks(long n, int capacity) {
        return clamp(Math.min(n, capacity), maxGridX);
    }

    /**
     * Block b of {@code blocks} writes partial[b]: with total ≤ 0, Σ p_ij = |K_ij| / row_sums[i]; with total > 0,
     * Σ (p_ij/total + eps) ln(p_ij/total + eps), over the full symmetric K held in the lower triangle.
     */
    void entrySums(DeviceElement element, MemorySegment a, long n, long lda, MemorySegment rowSums, double total,
                   double eps, MemorySegment partial, int blocks, MemorySegment stream) {
        checkMatrix("entry_sums", n, lda);
        if (blocks < 1 || blocks > maxGridX) {
            // Every one of the partial sums the caller adds must be written: one block each, within the grid.
            throw new IllegalArgumentException("entry_sums: blocks = " + blocks + " (need 1.." + maxGridX + ")");
        }
        launch("entry_sums", element, blocks, 1, stream, a, n, lda, rowSums, total, eps, partial);
    }

    /** The entry point of {@code kernel} for {@code element}: {@code dse4j_k_<kernel>_<f64|f32>}. */
    private static String entryPoint(String kernel, DeviceElement element) {
        return "dse4j_k_" + kernel + "_" + element.suffix();
    }

    /**
     * Enqueues kernel {@code dse4j_k_<kernel>_<f64|f32>} on {@code stream}; each argument is a device pointer
     * ({@link MemorySegment}), an int64_t ({@link Long}) or a double ({@link Double}), in the entry point's order.
     */
    private void launch(String kernel, DeviceElement element, int gridX, int gridY, MemorySegment stream,
                        Object... arguments) {
        checkLoaded();
        String name = entryPoint(kernel, element);
        makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(ValueLayout.ADDRESS, arguments.length);
            for (int i = 0; i < arguments.length; i++) {
                MemorySegment value = switch (arguments[i]) {
                    case MemorySegment pointer -> arena.allocateFrom(ValueLayout.ADDRESS, pointer);
                    case Long integer -> arena.allocateFrom(ValueLayout.JAVA_LONG, integer);
                    case Double real -> arena.allocateFrom(ValueLayout.JAVA_DOUBLE, real);
                    default -> throw new IllegalArgumentException("argument " + i + " of " + name + ": "
                            + arguments[i].getClass().getSimpleName() + " is not a pointer, int64_t or double");
                };
                params.setAtIndex(ValueLayout.ADDRESS, i, value);
            }
            CudaStatus.kernel(name, cuda_h.cuLaunchKernel(functions.get(name), gridX, gridY, 1, BLOCK_THREADS, 1, 1,
                    0, stream, params, MemorySegment.NULL));
        }
    }

    private void checkLoaded() {
        if (module == null) {
            throw new IllegalStateException("dse4j's kernels are unloaded");
        }
    }

    /** Unloads the module and releases the primary context; idempotent; the first failure is thrown after both. */
    @Override
    public void close() {
        RuntimeException failure = null;
        if (module != null) {
            MemorySegment loaded = module;
            module = null;
            functions.clear();
            try {
                makeCurrent();
            } catch (RuntimeException e) {
                failure = e;   // the unload is still tried: it may succeed, and else says why
            }
            try {
                CudaStatus.driver("cuModuleUnload", cuda_h.cuModuleUnload(loaded));
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (!released) {
            released = true;
            failure = releaseContext(device, failure);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException releaseContext(int device, RuntimeException failure) {
        try {
            CudaStatus.driver("cuDevicePrimaryCtxRelease", cuda_h.cuDevicePrimaryCtxRelease_v2(device));
            return failure;
        } catch (RuntimeException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
            return failure;
        }
    }
}
