package io.dse4j.internal.cpu;

import java.util.LinkedHashMap;
import java.util.Map;

/** The CPU stages' work, for progress reports: how much a stage has done, and the stages' relative cost. */
final class Work {

    private Work() {
    }

    /**
     * The share of a reduction's work done once its first {@code j} of {@code n} columns are reduced: the update
     * of the trailing (n − j)² matrix costs ∝ (n − j)² per column, so the work left is ∝ (n − j)³.
     */
    static double trailingCubeDone(int j, int n) {
        double left = (double) (n - j) / n;
        return 1 - left * left * left;
    }

    /** As {@link #trailingCubeDone} for a stage whose column j costs ∝ n − j (bulge chasing: sweep i is n − i long). */
    static double trailingSquareDone(int i, int n) {
        double left = (double) (n - i) / n;
        return 1 - left * left;
    }

    /**
     * The eigenvalue computation's stages with their estimated relative time on this backend: operation counts
     * (Gram N²D; one-stage reduction 4N³/3, memory-bound, at about half the rate of the two-stage band reduction's
     * matrix–matrix work; bulge chasing about a fifth of the band reduction; QL ∝ N²) weighted by rates measured at
     * N = 2000–4000 (benchmarks/RESULTS.md). Only the progress estimate depends on it.
     */
    static Map<String, Double> plan(int n, int dims, boolean twoStage) {
        double nn = (double) n * n;
        double reduction = 4.0 / 3 * nn * n;
        Map<String, Double> plan = new LinkedHashMap<>();
        plan.put("distances", nn * dims);
        plan.put("kernel", 100 * nn);
        if (twoStage) {
            plan.put("band", reduction);
            plan.put("tridiagonal", 0.2 * reduction);
        } else {
            plan.put("tridiagonal", 2 * reduction);
        }
        plan.put("eigenvalues", 500 * nn);
        return plan;
    }
}
