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
 * The packed rank-2k update A(s:n, s:n) −= V·Wᵀ + W·Vᵀ against the brute-force loop on the lower triangle, for
 * every micro-kernel, on sizes below, on and around its tile and register blocks, with V stored inside A's own
 * columns (as the one-stage reduction keeps it) and apart; rows and columns before s must not change.
 */
class SymmetricRank2kTest {

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        List<VectorOps<?>> all = List.of(ScalarOps.INSTANCE, PanamaOps.INSTANCE, ScalarFloatOps.INSTANCE,
                PanamaFloatOps.INSTANCE);
        int[][] shapes = {{1, 1}, {5, 3}, {17, 4}, {127, 8}, {128, 32}, {129, 5}, {300, 32}};
        for (VectorOps<?> ops : all) {
            for (int[] shape : shapes) {
                cases.add(Arguments.of(ops, shape[0], shape[1], shape[0] % 2 == 0 ? 1 : 3));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: m = {1}, k = {2}, {3} thread(s)")
    @MethodSource("cases")
    void theLowerTriangleIsUpdatedAsTheLoopSays(VectorOps<?> ops, int m, int width, int threads) {
        check(ops, m, width, threads);
    }

    private static <A> void check(VectorOps<A> ops, int m, int width, int threads) {
        int s = width + 2;             // V lives in A's columns [1, 1+width), before the trailing block
        int n = m + s;
        Random random = new Random(7L * m + width);
        double[] full = new double[n * n];
        for (int i = 0; i < full.length; i++) {
            full[i] = (float) random.nextGaussian();
        }
        double[] w = new double[n * width];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        A a = ops.allocate(n * n);
        ops.store(full, a, 0, n * n);
        A wa = ops.allocate(n * width);
        ops.store(w, wa, 0, n * width);
        try (Workers workers = new Workers(threads, 1)) {
            SymmetricRank2k.update(ops, workers, a, n, a, 1, wa, 0, width, s);
        }
        double tolerance = ops.precision() == io.dse4j.Precision.F32 ? 1e-5 : 1e-13;
        for (int c = 0; c < n; c++) {
            for (int r = c; r < n; r++) {
                double expected = full[r + c * n];
                if (c >= s) {
                    for (int p = 0; p < width; p++) {
                        double vr = full[r + (1 + p) * n];
                        double vc = full[c + (1 + p) * n];
                        expected -= vr * w[c + p * n] + w[r + p * n] * vc;
                    }
                }
                assertEquals(expected, ops.get(a, r + c * n), tolerance * Math.max(1, Math.abs(expected)),
                        "A(" + r + ", " + c + ")");
            }
        }
    }
}
