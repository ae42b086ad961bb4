package io.dse4j;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The seeded choice of rows: the subsample every measure takes beyond maxN rows (one rule, so that DSE, ASE, the
 * matrix-entry entropy, the tracker and a Spark task that streams the rows all take the same rows), and the random
 * subsets of a mutual information. Its public entry point is {@link DiffusionSpectralEntropy#subsampleRows}.
 */
final class Subsampling {

    private Subsampling() {
    }

    /** The rows used of {@code n} rows under {@code maxN} and {@code seed}: null (all) when n ≤ maxN, else the subsample. */
    static int[] usedRows(int n, int maxN, long seed) {
        return n > maxN ? subsample(n, maxN, seed) : null;
    }

    /**
     * {@code k} distinct indices of [0, n), sorted, by a partial Fisher–Yates shuffle driven by
     * {@link SplittableRandom}(seed). The subset is reproducible for a seed but is not the one Python's
     * {@code random.sample(range(n), k)} draws with the same seed.
     */
    static int[] subsample(int n, int k, long seed) {
        int[] chosen = sample(new SplittableRandom(seed), n, k);
        Arrays.sort(chosen);
        return chosen;
    }

    /**
     * {@code k} distinct indices of [0, n), in draw order, by a partial Fisher–Yates shuffle: step i swaps position
     * i with a uniformly drawn position j in [i, n) and keeps what lands at i. Only the positions a swap has touched
     * differ from the identity, so when k is small next to n they are kept in a hash map (O(k) memory, for a file of
     * hundreds of millions of rows) instead of an array of n; both give the same indices for the same draws.
     */
    static int[] sample(SplittableRandom random, int n, int k) {
        int[] chosen = new int[k];
        if (k >= n / 8) {
            int[] pool = new int[n];
            Arrays.setAll(pool, i -> i);
            for (int i = 0; i < k; i++) {
                int j = i + random.nextInt(n - i);
                chosen[i] = pool[j];
                pool[j] = pool[i];
            }
            return chosen;
        }
        Map<Integer, Integer> moved = new HashMap<>(2 * k);
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(n - i);
            chosen[i] = moved.getOrDefault(j, j);
            moved.put(j, moved.getOrDefault(i, i));
        }
        return chosen;
    }
}
