package io.dse4j.internal.gpu;

import io.dse4j.internal.cpu.PrescribedSpectra;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPU backend's eigensolver path — the workspace query, {@code cusolverDnXsyevd}, its {@code info} and the
 * download — on the prescribed-spectrum matrices of the CPU solvers' suite ({@link PrescribedSpectra}: zero,
 * identity, low rank, clusters, repetitions, graded to 1e-300, tiny and huge scales), in f64 and f32, on the CUDA
 * stand-in: each eigenvalue within the backward-stable solver's bound of the prescribed one
 * ({@link SymmetricEigenvalueBounds#solver}: 60·n·u·‖A‖₂, u the unit roundoff of the matrix's precision — 2⁻²⁴ in
 * f32, where the stand-in solves in float as a GPU does), plus in f32 what rounding the matrix to float moves its
 * eigenvalues by (Weyl: at most ‖ΔA‖₂ ≤ ‖ΔA‖_F ≤ u·‖A‖_F ≤ √n·u·‖A‖₂). The stand-in's solver is its own
 * Householder + QL (its reflectors built from x/max|x|, which a column of rounding errors needs), not cuSOLVER's;
 * what a real GPU gives is checked by the GPU self-test.
 */
class PrescribedSpectraStandInTest {

    @BeforeEach
    void resetStandIn() {
        StandIn.requireLoadedAndReset();
    }

    static Stream<Arguments> cases() {
        int[] sizes = {1, 2, 3, 17, 64, 97};
        return Stream.of(PrescribedSpectra.Kind.values()).flatMap(kind -> Arrays.stream(sizes).boxed()
                .flatMap(n -> Stream.of(Arguments.of(kind, n, false), Arguments.of(kind, n, true))));
    }

    @ParameterizedTest(name = "{0}, n = {1}, f32 = {2}")
    @MethodSource("cases")
    void prescribedSpectraAreFoundWithinTheBackwardErrorBound(PrescribedSpectra.Kind kind, int n, boolean f32) {
        double[] lambda = kind.eigenvalues(n, f32, 31L * n + kind.ordinal());
        double[] a = PrescribedSpectra.matrix(lambda, 17L * n + kind.ordinal());
        DeviceElement type = f32 ? DeviceElement.F32 : DeviceElement.F64;
        long element = type.bytes();
        double[] actual = new double[n];
        try (GpuBackend gpu = new GpuBackend(CudaLibraries.availability());
             Arena arena = Arena.ofConfined();
             DeviceBuffer matrix = DeviceBuffer.allocate(element * n * n);
             DeviceBuffer w = DeviceBuffer.allocate(element * n);
             DeviceBuffer info = DeviceBuffer.allocate(Integer.BYTES)) {
            MemorySegment host = arena.allocate(element * n * n);
            for (int i = 0; i < n * n; i++) {
                if (f32) {
                    host.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) a[i]);
                } else {
                    host.setAtIndex(ValueLayout.JAVA_DOUBLE, i, a[i]);
                }
            }
            matrix.upload(host);
            long[] workspace = gpu.solvers().syevdWorkspace(type, n, false, matrix, w, arena);
            try (DeviceBuffer work = DeviceBuffer.allocate(Math.max(1, workspace[0]))) {
                gpu.solvers().syevd(type, n, false, matrix, w, work, workspace,
                        DeviceEigensolvers.hostWork(arena, workspace[1]), info, arena);
            }
            MemorySegment values = arena.allocate(element * n);
            w.download(values);
            for (int i = 0; i < n; i++) {
                actual[i] = f32 ? values.getAtIndex(ValueLayout.JAVA_FLOAT, i)
                        : values.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
            }
        }
        double[] expected = lambda.clone();
        Arrays.sort(expected);
        double norm = 0;
        for (double l : expected) {
            norm = Math.max(norm, Math.abs(l));
        }
        double bound = SymmetricEigenvalueBounds.solver(n, f32, norm)
                + (f32 ? Math.sqrt(n) * SymmetricEigenvalueBounds.U32 * norm : 0);
        for (int i = 0; i < n; i++) {
            assertTrue(Double.isFinite(actual[i]), kind + ": eigenvalue " + i + " is " + actual[i]);
            assertEquals(expected[i], actual[i], bound, kind + ", n = " + n + ": eigenvalue " + i);
            assertTrue(i == 0 || actual[i - 1] <= actual[i], kind + ": ascending, as cuSOLVER returns them");
        }
        assertEquals(0, StandIn.outstandingAllocations(), "device allocations left");
    }
}
