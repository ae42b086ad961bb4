package io.dse4j.internal.cpu;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packed symmetric product Y = S·X against the brute-force triple loop, for every micro-kernel (scalar and
 * Vector API, f64 and f32), on sizes below, on and around the register block, the packed block (MC rows, KC deep)
 * and their multiples, with S at an offset inside a larger matrix whose strict upper triangle is NaN — so an entry
 * read from the wrong triangle, a block packed one row off, an edge added twice or not at all all show.
 */
class SymmetricProductTest {

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        List<VectorOps<?>> all = List.of(ScalarOps.INSTANCE, PanamaOps.INSTANCE, ScalarFloatOps.INSTANCE,
                PanamaFloatOps.INSTANCE);
        int[][] shapes = {{1, 1}, {5, 3}, {16, 6}, {17, 7}, {127, 12}, {128, 32}, {129, 5}, {300, 33}, {513, 8}};
        for (VectorOps<?> ops : all) {
            for (int[] shape : shapes) {
                cases.add(Arguments.of(ops, shape[0], shape[1], shape[0] % 2 == 0 ? 1 : 3));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: m = {1}, columns = {2}, {3} thread(s)")
    @MethodSource("cases")
    void theProductEqualsTheTripleLoop(VectorOps<?> ops, int m, int columns, int threads) {
        check(ops, m, columns, threads);
    }

    private static <A> void check(VectorOps<A> ops, int m, int columns, int threads) {
        int s = 3;                  // S starts at row and column 3 of a larger n×n matrix
        int n = m + s + 2;
        Random random = new Random(31L * m + columns);
        double[] full = new double[n * n];
        for (int c = 0; c < n; c++) {
            for (int r = 0; r < n; r++) {
                full[r + c * n] = r >= c ? (float) random.nextGaussian() : Double.NaN;
            }
        }
        double[] x = new double[n * columns];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        A a = ops.allocate(n * n);
        ops.store(full, a, 0, n * n);
        A xa = ops.allocate(n * columns);
        ops.store(x, xa, 0, n * columns);
        A y = ops.allocate(n * columns);
        try (Workers workers = new Workers(threads, 1)) {
            new SymmetricProduct<>(ops, workers).multiply(a, n, s, m, xa, s, n, columns, y, s, n);
        }
        boolean f32 = ops.precision() == io.dse4j.Precision.F32;
        for (int j = 0; j < columns; j++) {
            for (int i = 0; i < m; i++) {
                double expected = 0;
                double scale = 0;
                for (int k = 0; k < m; k++) {
                    int r = s + Math.max(i, k);
                    int c = s + Math.min(i, k);
                    double term = full[r + c * n] * x[s + k + j * n];
                    expected += term;
                    scale += Math.abs(term);
                }
                double tolerance = (f32 ? 1e-6 : 1e-15) * Math.max(1, scale);
                assertEquals(expected, ops.get(y, s + i + j * n), tolerance, "Y(" + i + ", " + j + ")");
            }
        }
    }
}
