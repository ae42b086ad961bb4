package io.dse4j.internal.cpu;

import java.util.Arrays;

/**
 * The data-driven Gaussian bandwidths: the median pairwise distance, and the mean distance to the k-th nearest
 * neighbour. Both read the pairwise squared distances d²ᵢⱼ = ‖xᵢ‖² + ‖xⱼ‖² − 2xᵢ·xⱼ (recomputed by differences
 * where that cancels, {@link SquaredDistances}, as the kernel computes them) tile by tile from the packed dot-product pass of {@link DiffusionKernel#products}, so they need
 * O(N·D) memory, never an N×N matrix.
 */
final class BandwidthRules {

    /** Bits of the double's pattern that one histogram pass resolves. */
    private static final int BITS_PER_PASS = 16;
    /** When at most this many values share the prefix found so far, they are gathered and sorted. */
    private static final long GATHER_AT_MOST = 1L << 22;

    private BandwidthRules() {
    }

    /**
     * The median of the N(N−1)/2 distances ‖xᵢ − xⱼ‖, i &lt; j — the mean of the two middle ones for an even count,
     * as numpy's median — exactly.
     *
     * <p>Selection by radix refinement of the values' bit patterns (non-negative doubles order as their patterns
     * do): each pass over the distances histograms the next 16 bits of those that share the prefix found so far,
     * which narrows the rank's value to one bucket; once a bucket holds at most 2²² values they are gathered and
     * sorted. Concentrated distances (high dimensions) take three passes; each costs one Gram product, N²D flops.
     */
    static double medianDistance(io.dse4j.spi.Points points, Workers workers) {
        int n = points.n();
        if (n < 2) {
            throw new IllegalArgumentException("the median distance needs at least 2 points, got " + n);
        }
        long pairs = (long) n * (n - 1) / 2;
        Rank lower = new Rank((pairs - 1) / 2, pairs);
        Rank upper = new Rank(pairs / 2, pairs);
        DiffusionKernel<double[]> kernel = new DiffusionKernel<>(VectorOps.f64For(n), workers);
        SquaredDistances distances = SquaredDistances.all(VectorOps.f64For(n), points);
        int threads = workers.threads();
        while (!lower.resolved() || !upper.resolved()) {
            // The two middle ranks usually share their bucket: one histogram (or one sorted gathering) serves both.
            boolean together = lower.searchesAs(upper);
            lower.startPass(threads);
            if (!together) {
                upper.startPass(threads);
            }
            kernel.products(points.values(), n, points.dims(), true, "bandwidth", (part, r0, rows, c0, cols, c, ld) -> {
                for (int jj = 0; jj < cols; jj++) {
                    int j = c0 + jj;
                    for (int ii = Math.max(0, j + 1 - r0); ii < rows; ii++) {
                        int i = r0 + ii;
                        double d2 = distances.of(c[ii + jj * ld], i, j);
                        long key = Double.doubleToRawLongBits(d2);
                        lower.offer(part, key, d2);
                        if (!together) {
                            upper.offer(part, key, d2);
                        }
                    }
                }
            });
            lower.endPass();
            if (together) {
                upper.endPassWith(lower);
            } else {
                upper.endPass();
            }
        }
        return (Math.sqrt(lower.value) + Math.sqrt(upper.value)) / 2;
    }

    /**
     * The mean over the points of the distance to their k-th nearest other point (1 ≤ k &lt; N): one pass over every
     * tile, each point keeping its k smallest squared distances in a bounded max-heap.
     */
    static double meanKthNeighbourDistance(io.dse4j.spi.Points points, int k, Workers workers) {
        double sum = 0;
        for (double d : kthNeighbourDistances(points, k, workers)) {
            sum += d;
        }
        return sum / points.n();
    }

    /** Each point's distance to its k-th nearest other point (1 ≤ k &lt; N), as the adaptive kernels' σᵢ. */
    static double[] kthNeighbourDistances(io.dse4j.spi.Points points, int k, Workers workers) {
        NearestNeighbours nearest = NearestNeighbours.of(points, k, workers);
        double[] out = new double[points.n()];
        for (int i = 0; i < out.length; i++) {
            out[i] = nearest.kthDistance(i);
        }
        return out;
    }

    /**
     * The search for the value of one rank among the squared distances: the bit prefix its value is known to have,
     * how many values share that prefix, and the rank's place among them.
     */
    private static final class Rank {
        private long prefix;
        private int bits;
        private long within;
        private long matching;
        private boolean gathering;
        private long[][] histograms;
        private double[][] gathered;
        private int[] gatheredCount;
        /** What the last pass found — the gathered values sorted, or the merged histogram — for a rank that follows. */
        private double[] lastSorted;
        private long[] lastHistogram;
        double value = Double.NaN;

        Rank(long rank, long count) {
            this.within = rank;
            this.matching = count;
        }

        boolean resolved() {
            return !Double.isNaN(value);
        }

        /** Whether both still look for their value among the same values (the same prefix and count). */
        boolean searchesAs(Rank other) {
            return !resolved() && !other.resolved() && prefix == other.prefix && bits == other.bits
                    && matching == other.matching;
        }

        void startPass(int parts) {
            lastSorted = null;
            lastHistogram = null;
            if (resolved()) {
                return;
            }
            gathering = matching <= GATHER_AT_MOST;
            if (gathering) {
                gathered = new double[parts][16];
                gatheredCount = new int[parts];
            } else {
                histograms = new long[parts][1 << BITS_PER_PASS];
            }
        }

        void offer(int part, long key, double d2) {
            if (resolved() || (bits > 0 && key >>> (64 - bits) != prefix)) {
                return;
            }
            if (gathering) {
                double[] mine = gathered[part];
                int count = gatheredCount[part];
                if (count == mine.length) {
                    mine = Arrays.copyOf(mine, 2 * count);
                    gathered[part] = mine;
                }
                mine[count] = d2;
                gatheredCount[part] = count + 1;
            } else {
                histograms[part][(int) (key >>> (64 - bits - BITS_PER_PASS)) & ((1 << BITS_PER_PASS) - 1)]++;
            }
        }

        void endPass() {
            if (resolved()) {
                return;
            }
            if (gathering) {
                double[] all = new double[Arrays.stream(gatheredCount).sum()];
                int at = 0;
                for (int p = 0; p < gathered.length; p++) {
                    System.arraycopy(gathered[p], 0, all, at, gatheredCount[p]);
                    at += gatheredCount[p];
                }
                Arrays.sort(all);
                gathered = null;
                lastSorted = all;
                value = all[(int) within];
                return;
            }
            long[] merged = new long[1 << BITS_PER_PASS];
            for (long[] h : histograms) {
                for (int b = 0; b < merged.length; b++) {
                    merged[b] += h[b];
                }
            }
            histograms = null;
            lastHistogram = merged;
            narrow(merged);
        }

        /** Ends a pass that {@code leader}, searching the same values, made for both. */
        void endPassWith(Rank leader) {
            if (leader.lastSorted != null) {
                value = leader.lastSorted[(int) within];
            } else {
                narrow(leader.lastHistogram);
            }
        }

        /** Moves to the bucket of the merged histogram that holds this rank. */
        private void narrow(long[] merged) {
            long seen = 0;
            for (long count : merged) {
                seen += count;
            }
            if (seen != matching) {
                // Every pass computes the same d² bit for bit; a difference would mean a selection on shifting sand.
                throw new IllegalStateException("median selection: a pass saw " + seen + " values with the prefix, "
                        + "the one before " + matching);
            }
            int bucket = 0;
            while (within >= merged[bucket]) {
                within -= merged[bucket];
                bucket++;
            }
            prefix = (prefix << BITS_PER_PASS) | bucket;
            bits += BITS_PER_PASS;
            matching = merged[bucket];
            if (bits == 64) {
                value = Double.longBitsToDouble(prefix);    // every value left has this very pattern
            }
        }
    }
}
