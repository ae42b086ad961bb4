package io.dse4j.internal.cpu;

import io.dse4j.spi.Points;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The k nearest other points of each point equal a brute-force sort of the exact distances by (d², index) — with
 * duplicated points (distance exactly 0) and points on a grid (many equal distances, so the index decides) — and
 * do not depend on the number of threads, nor on whether the workers keep heaps of their own.
 */
class NearestNeighboursTest {

    @Test
    void equalsABruteForceSortWithTiesToTheLowerIndex() {
        Random random = new Random(3);
        int n = 700;
        int dims = 3;
        double[][] x = new double[n][dims];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dims; d++) {
                // A coarse grid (ties everywhere), with every 7th point a copy of the one before.
                x[i][d] = i % 7 == 6 ? x[i - 1][d] : random.nextInt(6);
            }
        }
        for (int k : new int[] {1, 9, 40}) {
            for (int threads : new int[] {1, 3, -3}) {
                // -3: three threads sharing one set of heaps (the pass over every tile, for large k).
                NearestNeighbours found;
                try (Workers workers = new Workers(Math.abs(threads))) {
                    found = NearestNeighbours.of(points(x), k, workers, threads < 0 ? 0
                            : NearestNeighbours.SEPARATE_HEAPS_UP_TO);
                }
                for (int i = 0; i < n; i++) {
                    int[] expected = bruteForce(x, i, k);
                    Integer[] got = new Integer[k];
                    for (int r = 0; r < k; r++) {
                        got[r] = found.indices[i * k + r];
                    }
                    int row = i;
                    Arrays.sort(got, Comparator.<Integer>comparingDouble(j -> squared(x, row, j)).thenComparing(
                            j -> j));
                    assertArrayEquals(expected, Arrays.stream(got).mapToInt(Integer::intValue).toArray(),
                            "point " + i + ", k = " + k + ", " + threads + " threads");
                    assertEquals(Math.sqrt(squared(x, i, expected[k - 1])), found.kthDistance(i), 0.0);
                }
            }
        }
    }

    private static int[] bruteForce(double[][] x, int i, int k) {
        Integer[] order = new Integer[x.length];
        for (int j = 0; j < x.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> j == i ? -1 : squared(x, i, j))
                .thenComparing(j -> j));
        return Arrays.stream(order, 1, k + 1).mapToInt(Integer::intValue).toArray();
    }

    private static double squared(double[][] x, int i, int j) {
        double s = 0;
        for (int d = 0; d < x[i].length; d++) {
            s += (x[i][d] - x[j][d]) * (x[i][d] - x[j][d]);
        }
        return s;
    }

    static Points points(double[][] x) {
        int n = x.length;
        int dims = x[0].length;
        double[] values = new double[n * dims];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dims; d++) {
                values[d * n + i] = x[i][d];
            }
        }
        return new Points(n, dims, values);
    }
}
