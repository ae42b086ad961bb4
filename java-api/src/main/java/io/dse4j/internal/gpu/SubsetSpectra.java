package io.dse4j.internal.gpu;

import io.dse4j.Precision;
import io.dse4j.spi.Cancellation;
import io.dse4j.spi.KernelKind;
import io.dse4j.spi.KernelSpectrum;
import io.dse4j.spi.Points;
import io.dse4j.spi.ProgressSink;
import io.dse4j.spi.StageClock;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The kernel spectra of many row subsets of one point set — a DSMI's batch, every class and every random subset —
 * with the points uploaded once: every row index set goes up in one buffer, and each subset is gathered on the device
 * (dse4j_gather_rows) into a buffer sized for the largest, then Gram, kernel and eigensolver run on it; the buffers
 * and the eigensolver workspace (the most that any of the sizes asks for) serve every subset. Subsets of equal size
 * go to {@code cusolverDnXsyevBatched} together when this cuSOLVER has it ({@link CusolverBatched}), in calls within
 * its size limit and the free memory.
 */
final class SubsetSpectra {

    private final DeviceContext context;
    private final DeviceMemoryPlan memory;
    private final KernelAssembly assembly;
    private final DeviceEigensolvers solvers;
    private final long batchedElements;

    /**
     * @param batchedElements the most matrix elements (n · lda · batch) one {@code cusolverDnXsyevBatched} call may
     *                        take; {@link CusolverBatched#MAX_ELEMENTS} but in tests of the splitting
     */
    SubsetSpectra(DeviceContext context, DeviceMemoryPlan memory, KernelAssembly assembly, DeviceEigensolvers solvers,
                  long batchedElements) {
        this.context = context;
        this.memory = memory;
        this.assembly = assembly;
        this.solvers = solvers;
        this.batchedElements = batchedElements;
    }

    /** The spectra of the sets, in their order; the first carries the upload's stage time too. */
    List<KernelSpectrum> compute(Points points, List<int[]> rowSets, KernelKind kind, double sigma,
                                 Precision precision) {
        long n = points.n();
        long dims = points.dims();
        DeviceElement element = DeviceElement.of(precision);
        long bytes = element.bytes();
        long largest = 0;
        long totalRows = 0;
        for (int[] rows : rowSets) {
            largest = Math.max(largest, rows.length);
            totalRows += rows.length;
        }
        if (rowSets.isEmpty()) {
            return List.of();
        }
        List<KernelSpectrum> out = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            long needed = DeviceMemoryPlan.subsets(element, n, dims, largest, totalRows);
            memory.require(arena, needed, 0, largest, precision);
            try (DeviceBuffer x = DeviceBuffer.allocate(bytes * n * dims);
                 DeviceBuffer original = DeviceBuffer.allocate(Double.BYTES * n * dims);
                 DeviceBuffer subset = DeviceBuffer.allocate(bytes * largest * dims);
                 DeviceBuffer subsetOriginal = DeviceBuffer.allocate(Double.BYTES * largest * dims);
                 DeviceBuffer a = DeviceBuffer.allocate(bytes * largest * largest);
                 DeviceBuffer norms = DeviceBuffer.allocate(Double.BYTES * largest);
                 DeviceBuffer degrees = DeviceBuffer.allocate(Double.BYTES * largest);
                 DeviceBuffer w = DeviceBuffer.allocate(bytes * largest);
                 DeviceBuffer info = DeviceBuffer.allocate(Integer.BYTES);
                 DeviceBuffer indices = DeviceBuffer.allocate(Long.BYTES * totalRows)) {
                // One workspace for every size solved one at a time, each size queried: the largest matrix's need not
                // be enough for a smaller one.
                long[] sizes = rowSets.stream().mapToLong(rows -> rows.length).distinct().toArray();
                long[] workspace = solvers.syevdWorkspace(element, sizes, a, w, arena);
                memory.require(arena, workspace[0], needed, largest, precision);
                try (DeviceBuffer work = DeviceBuffer.allocate(Math.max(1, workspace[0]));
                     DeviceContext.Fence _ = context.fence()) {
                    MemorySegment hostWork = DeviceEigensolvers.hostWork(arena, workspace[1]);
                    StageClock clock = new StageClock();
                    DevicePoints all = new DevicePoints(x, original, n, dims);
                    all.upload(points, element, arena);
                    DevicePoints gathered = new DevicePoints(subset, subsetOriginal, largest, dims);
                    MemorySegment allRows = arena.allocate(ValueLayout.JAVA_LONG, totalRows);
                    long at = 0;
                    for (int[] rows : rowSets) {
                        for (int row : rows) {
                            allRows.setAtIndex(ValueLayout.JAVA_LONG, at++, row);
                        }
                    }
                    indices.upload(allRows);
                    context.synchronize();
                    clock.lap("upload");
                    Cancellation.checkInterrupted();
                    long[] offsets = new long[rowSets.size()];
                    for (int i = 1; i < offsets.length; i++) {
                        offsets[i] = offsets[i - 1] + rowSets.get(i - 1).length;
                    }
                    Subsets sets = new Subsets(element, kind == KernelKind.DIFFUSION, sigma, all, indices, offsets,
                            gathered, norms, degrees);
                    KernelSpectrum[] results = new KernelSpectrum[rowSets.size()];
                    ProgressSink progress = ProgressSink.current();
                    int done = 0;
                    progress.items(done, results.length);
                    // Subsets of equal size (a class's R random subsets) go to cusolverDnXsyevBatched together when
                    // this cuSOLVER has it, in as few calls as its size limit and the free memory allow; the others,
                    // and a group no two of which fit one call, one at a time.
                    Map<Integer, List<Integer>> bySize = new TreeMap<>();
                    for (int i = 0; i < rowSets.size(); i++) {
                        bySize.computeIfAbsent(rowSets.get(i).length, k -> new ArrayList<>()).add(i);
                    }
                    for (Map.Entry<Integer, List<Integer>> sameSize : bySize.entrySet()) {
                        List<Integer> group = sameSize.getValue();
                        long m = sameSize.getKey();
                        if (group.size() > 1 && CusolverBatched.available()
                                && solveBatch(sets, m, group, results, arena)) {
                            done += group.size();
                            progress.items(done, results.length);
                            continue;
                        }
                        for (int s : group) {
                            Cancellation.checkInterrupted();
                            StageClock setClock = new StageClock();
                            sets.kernel(assembly, s, m, a.address(), arena);
                            context.synchronize();
                            setClock.lap("kernel");
                            solvers.syevd(element, m, false, a, w, work, workspace, hostWork, info, arena);
                            setClock.lap("eigenvalues");
                            Cancellation.checkInterrupted();
                            results[s] = new KernelSpectrum(element.download(arena, w, m), setClock.timings());
                            progress.items(++done, results.length);
                        }
                    }
                    out.addAll(Arrays.asList(results));
                    out.set(0, new KernelSpectrum(out.get(0).ascending(), merged(clock, out.get(0))));
                }
            }
        }
        return out;
    }

    /** The upload stage and a subset's own stages, in one record. */
    private static io.dse4j.StageTimings merged(StageClock upload, KernelSpectrum spectrum) {
        upload.addAll(spectrum.stages());
        return upload.timings();
    }

    /**
     * The uploaded points and the buffers every subset's kernel is built in: the points (all of them, and the
     * gathered subset), the row indices of every set one after another ({@code offsets[s]} where set s starts), the
     * norms and degrees; the kernel's element type and parameters.
     */
    private record Subsets(DeviceElement element, boolean diffusion, double sigma, DevicePoints all,
                           DeviceBuffer indices, long[] offsets, DevicePoints gathered, DeviceBuffer norms,
                           DeviceBuffer degrees) {

        /** Set {@code s} (of {@code m} rows) gathered and its kernel matrix built into {@code a} (ld m). */
        void kernel(KernelAssembly assembly, int s, long m, MemorySegment a, Arena arena) {
            MemorySegment rows = MemorySegment.ofAddress(indices.address().address() + Long.BYTES * offsets[s]);
            assembly.subsetKernel(element, all, rows, m, gathered, a, norms, degrees, sigma, diffusion, arena);
        }
    }

    /**
     * Solves a group of equal-size subsets with {@code cusolverDnXsyevBatched}: their kernel matrices are built one
     * after another into one batch buffer (stride m²), as many per call as {@link CusolverBatched#matricesPerCall}
     * allows and the free memory holds, the group split evenly over the fewest such calls. Returns false, having
     * allocated nothing that remains and solved nothing, when not even two fit one call (the caller then solves them
     * one at a time, in the buffers it already has).
     */
    private boolean solveBatch(Subsets sets, long m, List<Integer> group, KernelSpectrum[] results, Arena arena) {
        long perCall = Math.min(group.size(), CusolverBatched.matricesPerCall(m, m, batchedElements));
        // The fewest calls first; each step down is the next smaller even share (at most 2·√group sizes in all).
        for (long size = evenShare(group.size(), perCall); size >= 2; size = evenShare(group.size(), size - 1)) {
            if (solveBatchInCallsOf(size, sets, m, group, results, arena)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The size of the largest call when {@code count} matrices are split evenly over the fewest calls of at most
     * {@code most} each (the others take one fewer); 0 when {@code most} < 1.
     */
    static long evenShare(long count, long most) {
        if (most < 1) {
            return 0;
        }
        long calls = Math.ceilDiv(count, most);
        return Math.ceilDiv(count, calls);
    }

    /**
     * The group in calls of {@code size} or {@code size - 1} matrices, with buffers for {@code size}; false, having
     * solved nothing and freed what it allocated, when those buffers or the workspace do not fit.
     */
    private boolean solveBatchInCallsOf(long size, Subsets sets, long m, List<Integer> group,
                                        KernelSpectrum[] results, Arena arena) {
        DeviceElement element = sets.element();
        long bytes = element.bytes();
        long calls = Math.ceilDiv(group.size(), size);
        long smaller = group.size() / calls;      // every call takes this many matrices, or one more:
        long larger = group.size() % calls;       // the first `larger` calls take `size` = smaller + 1
        if (!memory.fits(arena, DeviceMemoryPlan.batchedMatrices(element, size, m))) {
            return false;
        }
        try (DeviceBuffer a = DeviceBuffer.allocate(bytes * size * m * m);
             DeviceBuffer w = DeviceBuffer.allocate(bytes * size * m);
             DeviceBuffer info = DeviceBuffer.allocate((long) Integer.BYTES * size)) {
            long[] workspace = solvers.batchedWorkspace(element, m,
                    larger == 0 ? new long[] {size} : new long[] {size, smaller}, a, w, arena);
            if (!memory.fits(arena, workspace[0])) {
                return false;
            }
            try (DeviceBuffer work = DeviceBuffer.allocate(Math.max(1, workspace[0]));
                 DeviceContext.Fence _ = context.fence()) {
                MemorySegment hostWork = DeviceEigensolvers.hostWork(arena, workspace[1]);
                int first = 0;
                for (long call = 0; call < calls; call++) {
                    int batch = Math.toIntExact(call < larger || larger == 0 ? size : smaller);
                    Cancellation.checkInterrupted();
                    StageClock clock = new StageClock();
                    for (int b = 0; b < batch; b++) {
                        MemorySegment slice = MemorySegment.ofAddress(a.address().address() + bytes * b * m * m);
                        sets.kernel(assembly, group.get(first + b), m, slice, arena);
                    }
                    context.synchronize();
                    clock.lap("kernel");
                    Cancellation.checkInterrupted();
                    solvers.syevBatched(element, m, batch, a, w, work, workspace, hostWork, info, arena);
                    clock.lap("eigenvalues");
                    double[] values = element.download(arena, w, batch * m);
                    for (int b = 0; b < batch; b++) {
                        results[group.get(first + b)] = new KernelSpectrum(Arrays.copyOfRange(values,
                                (int) (b * m), (int) ((b + 1) * m)), clock.timings());
                    }
                    first += batch;
                }
            }
        }
        return true;
    }
}
