package io.dse4j.internal.gpu;

import io.dse4j.Precision;
import io.dse4j.internal.cpu.CpuBackends;
import io.dse4j.spi.EigenBackend;
import io.dse4j.spi.KernelKind;
import io.dse4j.spi.KernelSpectrum;
import io.dse4j.spi.Points;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * cuSOLVER's workspaces on the stand-in, which holds them to what their query returned as strictly as cuSOLVER
 * documents them: a device or host workspace smaller than the query's answer for the same arguments, or no host
 * workspace where the query asks for one, is refused; and the requirement is not monotonic in n (the stand-in
 * models a block size chosen by n), so the backend must query every size it solves.
 */
@ExtendWith(SanitizedStandIn.class)
class CusolverWorkspaceStandInTest {

    @BeforeEach
    void resetStandIn() {
        StandIn.requireLoadedAndReset();
    }

    @AfterEach
    void nothingLeftBehind() {
        assertEquals(0, StandIn.outstandingAllocations(), "device allocations left");
        assertEquals(0, StandIn.outstandingHandles(), "handles or streams left");
        StandIn.reset();
    }

    private static Points randomPoints(int n, int dims, long seed) {
        Random random = new Random(seed);
        double[] values = new double[n * dims];
        for (int i = 0; i < values.length; i++) {
            values[i] = 3 * random.nextGaussian();
        }
        return new Points(n, dims, values);
    }

    /** A symmetric n×n matrix in {@code a}: 2 on the diagonal, 1 beside it. */
    private static void uploadTridiagonal(DeviceElement type, int n, DeviceBuffer a, Arena arena) {
        double[] values = new double[n * n];
        for (int i = 0; i < n; i++) {
            values[i + i * n] = 2;
            if (i + 1 < n) {
                values[i + 1 + i * n] = 1;
                values[i + (i + 1) * n] = 1;
            }
        }
        a.upload(type.host(arena, values));
    }

    /**
     * Xsyevd with the workspaces its query asks for runs — the host one included, which the stand-in asks for (LAPACK
     * xSYEVD's 2n + 1 elements) so that the backend's host-workspace branch runs here and not first on a GPU — and
     * with one byte less of either, or no host workspace, it is refused with CUSOLVER_STATUS_INVALID_VALUE.
     */
    @ParameterizedTest(name = "n = {0}, {1}, vectors = {2}")
    @CsvSource({"1,F64,false", "17,F64,false", "17,F32,true", "64,F32,false", "70,F64,true"})
    void aSyevdWorkspaceSmallerThanItsQueryIsRefused(int n, Precision precision, boolean vectors) {
        DeviceElement type = DeviceElement.of(precision);
        try (GpuBackend gpu = new GpuBackend(CudaLibraries.availability());
             Arena arena = Arena.ofConfined();
             DeviceBuffer a = DeviceBuffer.allocate(type.bytes() * n * n);
             DeviceBuffer w = DeviceBuffer.allocate(type.bytes() * n);
             DeviceBuffer info = DeviceBuffer.allocate(Integer.BYTES)) {
            long[] workspace = gpu.solvers().syevdWorkspace(type, n, vectors, a, w, arena);
            assertEquals(StandIn.syevdDeviceBytes(n, type.bytes(), vectors), workspace[0]);
            assertEquals(StandIn.syevdHostBytes(n, type.bytes()), workspace[1]);
            assertTrue(workspace[1] > 0, "the stand-in asks for host workspace");
            try (DeviceBuffer work = DeviceBuffer.allocate(workspace[0])) {
                MemorySegment host = DeviceEigensolvers.hostWork(arena, workspace[1]);
                for (long[] tooSmall : List.of(new long[] {workspace[0] - 1, workspace[1]},
                        new long[] {workspace[0], workspace[1] - 1})) {
                    uploadTridiagonal(type, n, a, arena);
                    CudaException e = assertThrows(CudaException.class, () -> gpu.solvers().syevd(type, n, vectors,
                            a, w, work, tooSmall, host, info, arena));
                    assertEquals("cusolverDnXsyevd", e.call());
                    assertEquals("CUSOLVER_STATUS_INVALID_VALUE", e.statusName());
                }
                CudaException e = assertThrows(CudaException.class, () -> gpu.solvers().syevd(type, n, vectors, a, w,
                        work, workspace, MemorySegment.NULL, info, arena));
                assertEquals("CUSOLVER_STATUS_INVALID_VALUE", e.statusName(), "no host workspace");
                uploadTridiagonal(type, n, a, arena);
                gpu.solvers().syevd(type, n, vectors, a, w, work, workspace, host, info, arena);
                // The eigenvalues of tridiag(1, 2, 1): 2 + 2·cos(kπ/(n + 1)); the largest is last.
                double[] values = type.download(arena, w, n);
                assertEquals(2 + 2 * Math.cos(Math.PI / (n + 1)), values[n - 1], 1e-5);
            }
        }
    }

    /**
     * XsyevBatched's device workspace is one matrix's share times the batch: a workspace queried for fewer matrices
     * than the call solves, or one byte short, or no host workspace, is refused.
     */
    @Test
    void aBatchedWorkspaceQueriedForAnotherBatchIsRefused() {
        int m = 12;
        int batch = 3;
        DeviceElement type = DeviceElement.F64;
        try (GpuBackend gpu = new GpuBackend(CudaLibraries.availability());
             Arena arena = Arena.ofConfined();
             DeviceBuffer a = DeviceBuffer.allocate(type.bytes() * batch * m * m);
             DeviceBuffer w = DeviceBuffer.allocate(type.bytes() * batch * m);
             DeviceBuffer info = DeviceBuffer.allocate((long) Integer.BYTES * batch)) {
            long[] forOne = gpu.solvers().batchedWorkspace(type, m, new long[] {1}, a, w, arena);
            long[] forBatch = gpu.solvers().batchedWorkspace(type, m, new long[] {batch}, a, w, arena);
            assertEquals(batch * forOne[0], forBatch[0]);
            assertEquals(StandIn.syevdDeviceBytes(m, 8, false), forOne[0]);
            try (DeviceBuffer work = DeviceBuffer.allocate(forBatch[0])) {
                MemorySegment host = DeviceEigensolvers.hostWork(arena, forBatch[1]);
                for (long[] wrong : List.of(forOne, new long[] {forBatch[0] - 1, forBatch[1]},
                        new long[] {forBatch[0], forBatch[1] - 1})) {
                    CudaException e = assertThrows(CudaException.class, () -> gpu.solvers().syevBatched(type, m,
                            batch, a, w, work, wrong, host, info, arena));
                    assertEquals("cusolverDnXsyevBatched", e.call());
                    assertEquals("CUSOLVER_STATUS_INVALID_VALUE", e.statusName());
                }
                CudaException e = assertThrows(CudaException.class, () -> gpu.solvers().syevBatched(type, m, batch,
                        a, w, work, forBatch, MemorySegment.NULL, info, arena));
                assertEquals("CUSOLVER_STATUS_INVALID_VALUE", e.statusName(), "no host workspace");
            }
        }
    }

    /**
     * Xgeev's host workspace (LAPACK DGEEV's 3n doubles) is asked for and held to: one byte short is refused. A whole
     * k-NN computation passes it (its moduli are checked against the CPU by GpuStandInTest).
     */
    @Test
    void aGeevHostWorkspaceSmallerThanItsQueryIsRefused() {
        int n = 20;
        try (GpuBackend gpu = new GpuBackend(CudaLibraries.availability());
             Arena arena = Arena.ofConfined();
             DeviceBuffer a = DeviceBuffer.allocate(8L * n * n);
             DeviceBuffer w = DeviceBuffer.allocate(8L * 2 * n);
             DeviceBuffer info = DeviceBuffer.allocate(Integer.BYTES)) {
            long[] workspace = gpu.solvers().geevWorkspace(n, a, w, arena);
            assertEquals(8L * 3 * n, workspace[1]);
            try (DeviceBuffer work = DeviceBuffer.allocate(workspace[0])) {
                for (long[] tooSmall : List.of(new long[] {workspace[0] - 1, workspace[1]},
                        new long[] {workspace[0], workspace[1] - 1})) {
                    CudaException e = assertThrows(CudaException.class, () -> gpu.solvers().geevModuli(n, a, w, work,
                            tooSmall, info, arena));
                    assertEquals("cusolverDnXgeev", e.call());
                    assertEquals("CUSOLVER_STATUS_INVALID_VALUE", e.statusName());
                }
            }
            assertEquals(n, gpu.knnAdjacencyEigenvalueModuli(randomPoints(n, 2, 3), 4).length);
        }
    }

    /**
     * The stand-in's device workspace is not monotonic in n (a panel that narrows as n grows, as a blocked algorithm
     * may choose): n = 60 asks for more than n = 64, in either precision.
     */
    @Test
    void theWorkspaceQueryIsNotMonotonicInN() {
        for (DeviceElement type : DeviceElement.values()) {
            try (GpuBackend gpu = new GpuBackend(CudaLibraries.availability());
                 Arena arena = Arena.ofConfined();
                 DeviceBuffer a = DeviceBuffer.allocate(type.bytes() * 64 * 64);
                 DeviceBuffer w = DeviceBuffer.allocate(type.bytes() * 64)) {
                long smaller = gpu.solvers().syevdWorkspace(type, 60, false, a, w, arena)[0];
                long larger = gpu.solvers().syevdWorkspace(type, 64, false, a, w, arena)[0];
                assertTrue(smaller > larger, type + ": n = 60 asks for " + smaller + " bytes, n = 64 for " + larger);
            }
        }
    }

    /**
     * A batch of subsets of different sizes, solved one at a time by Xsyevd in one shared workspace, queries each
     * size: the largest subset's workspace (64 rows) is too small for the smaller one (60 rows) on the stand-in, so a
     * backend that reused it would be refused. The spectra equal the CPU's.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"F64", "F32"})
    void subsetsOfEachSizeGetTheWorkspaceTheirSizeAsksFor(Precision precision) {
        Points points = randomPoints(100, 3, 41);
        Random random = new Random(5);
        List<int[]> sets = List.of(random.ints(0, 100).distinct().limit(64).toArray(),
                random.ints(0, 100).distinct().limit(60).toArray());
        try (EigenBackend gpu = new GpuBackend(CudaLibraries.availability()); EigenBackend cpu = CpuBackends.open(1)) {
            List<KernelSpectrum> spectra = gpu.kernelSpectra(points, sets, KernelKind.DIFFUSION, 3, precision);
            assertEquals(2, StandIn.calls("cusolverDnXsyevd_bufferSize"), "one query per size");
            assertEquals(2, StandIn.calls("cusolverDnXsyevd"));
            for (int s = 0; s < sets.size(); s++) {
                double[] expected = cpu.diffusionSpectrum(points.subset(sets.get(s)), 3, Precision.F64, false)
                        .ascending();
                double[] actual = spectra.get(s).ascending();
                double tolerance = precision == Precision.F64 ? 1e-10 * expected.length
                        : SymmetricEigenvalueBounds.diffusionF32(expected.length, points.dims());
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], tolerance, "set " + s + ", eigenvalue " + i);
                }
            }
        }
    }
}
