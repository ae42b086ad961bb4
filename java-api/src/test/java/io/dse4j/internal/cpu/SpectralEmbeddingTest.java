package io.dse4j.internal.cpu;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sparse iteration's embedding spans the same space as the dense decomposition's (the partition depends on that
 * span only) on points with and without structure: uniform points (a connected graph, no gap to speak of), clusters
 * joined by a few links (eigenvalues close to 1, distinct), clusters in separate components, fewer than k (an
 * eigenvalue 1 repeated, known exactly) and at least k (the components are the embedding), duplicated points with a
 * far outlier, and a size just above the dense path's. The result does not depend on the number of threads.
 */
class SpectralEmbeddingTest {

    @Test
    void uniformPointsGiveTheDenseSpan() {
        Random random = new Random(21);
        double[][] x = new double[800][6];
        for (double[] row : x) {
            for (int d = 0; d < row.length; d++) {
                row[d] = random.nextDouble();
            }
        }
        assertSameSpan(x, 8);
    }

    @Test
    void duplicatedPointsAndAFarOutlierGiveTheDenseSpan() {
        // Every point of the first 300 repeated three times (distances exactly 0: neighbourhoods of copies, and
        // equal rows of M), plus one point a million away, whose neighbours are simply the nearest of the rest.
        Random random = new Random(27);
        double[][] x = new double[901][];
        for (int i = 0; i < 300; i++) {
            double[] p = {random.nextDouble(), random.nextDouble(), random.nextDouble()};
            x[3 * i] = p;
            x[3 * i + 1] = p.clone();
            x[3 * i + 2] = p.clone();
        }
        x[900] = new double[] {1e6, -1e6, 1e6};
        assertSameSpan(x, 6);
    }

    @Test
    void justAboveTheDenseSizeTheIterationGivesTheDenseSpan() {
        Random random = new Random(28);
        double[][] x = new double[SpectralEmbedding.DENSE_UP_TO + 1][4];
        for (double[] row : x) {
            for (int d = 0; d < row.length; d++) {
                row[d] = random.nextDouble();
            }
        }
        assertSameSpan(x, 7);
    }

    @Test
    void clustersJoinedByAFewLinksGiveTheDenseSpan() {
        double[][] x = blobs(900, 5, 3.0, 22);
        assertEquals(1, components(x));
        assertSameSpan(x, 5);
    }

    @Test
    void componentsFewerThanKGiveTheDenseSpan() {
        double[][] x = blobs(900, 3, 1e3, 23);
        assertEquals(3, components(x));
        assertSameSpan(x, 6);
    }

    @Test
    void aGridOnATorusWithItsFourFoldEigenvaluesGivesTheDenseSpan() {
        // The 5-NN graph of a 20×20 grid on a torus is the product of two 20-cycles: M's eigenvalues after 1 come
        // four at a time, which a block of two alone would not resolve.
        double[][] x = new double[400][];
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j < 20; j++) {
                double a = 2 * Math.PI * i / 20;
                double b = 2 * Math.PI * j / 20;
                x[i * 20 + j] = new double[] {Math.cos(a), Math.sin(a), Math.cos(b), Math.sin(b)};
            }
        }
        assertSameSpan(x, 5, 5);
        assertSameSpan(x, 9, 5);
    }

    @Test
    void componentsBeyondKAreDealtOutEvenly() {
        // 12 well-separated blobs of 20 to 75 points, 4 classes: each column holds whole components, and the classes'
        // sizes differ by at most the largest component.
        Random random = new Random(26);
        java.util.List<double[]> rows = new java.util.ArrayList<>();
        int[] sizes = {75, 20, 30, 60, 25, 40, 55, 35, 45, 50, 65, 70};
        for (int c = 0; c < sizes.length; c++) {
            for (int p = 0; p < sizes[c]; p++) {
                rows.add(new double[] {1e3 * c + random.nextGaussian(), random.nextGaussian()});
            }
        }
        double[][] x = rows.toArray(new double[0][]);
        assertEquals(12, components(x));
        double[][] e;
        try (Workers workers = new Workers(2)) {
            e = SpectralEmbedding.of(NearestNeighboursTest.points(x), 4, 10, workers);
        }
        int[] perColumn = new int[4];
        for (double[] row : e) {
            int nonZero = 0;
            for (int c = 0; c < 4; c++) {
                if (row[c] != 0) {
                    perColumn[c]++;
                    nonZero++;
                }
            }
            assertEquals(1, nonZero);
        }
        int most = java.util.Arrays.stream(perColumn).max().getAsInt();
        int least = java.util.Arrays.stream(perColumn).min().getAsInt();
        assertTrue(most - least <= 75, java.util.Arrays.toString(perColumn));
    }

    @Test
    void componentsAtLeastKAreTheEmbedding() {
        double[][] x = blobs(700, 5, 1e3, 24);
        assertEquals(5, components(x));
        double[][] e;
        try (Workers workers = new Workers(2)) {
            e = SpectralEmbedding.of(NearestNeighboursTest.points(x), 3, 10, workers);
        }
        // Each row is constant (1/√Σd, the D^-½ scaling of D^½·1_C) on the 3 largest components, zero elsewhere.
        for (int i = 0; i < x.length; i++) {
            int nonZero = 0;
            for (double v : e[i]) {
                nonZero += v != 0 ? 1 : 0;
            }
            assertTrue(nonZero <= 1, "row " + i);
        }
    }

    @Test
    void theThreadCountDoesNotChangeABit() {
        double[][] x = blobs(900, 4, 6.0, 25);
        double[][] one;
        double[][] three;
        try (Workers workers = new Workers(1)) {
            one = SpectralEmbedding.of(NearestNeighboursTest.points(x), 4, 10, workers);
        }
        try (Workers workers = new Workers(3)) {
            three = SpectralEmbedding.of(NearestNeighboursTest.points(x), 4, 10, workers);
        }
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(one[i], three[i], 0.0);
        }
    }

    /** Clusters of Gaussian points (σ = 1) whose centres lie {@code spread} apart along the axes. */
    private static double[][] blobs(int n, int clusters, double spread, long seed) {
        Random random = new Random(seed);
        double[][] x = new double[n][4];
        for (int i = 0; i < n; i++) {
            int c = i % clusters;
            for (int d = 0; d < 4; d++) {
                x[i][d] = (d == c % 4 ? spread * (1 + c / 4) : 0) + random.nextGaussian();
            }
        }
        return x;
    }

    private static int components(double[][] x) {
        try (Workers workers = new Workers(2)) {
            int[] component = SpectralEmbedding.graph(NearestNeighboursTest.points(x), 10, workers).components();
            return java.util.Arrays.stream(component).max().orElse(-1) + 1;
        }
    }

    /** Every column of the dense embedding lies in the span of the iteration's, to within 1e-8. */
    private static void assertSameSpan(double[][] x, int k) {
        assertSameSpan(x, k, 10);
    }

    private static void assertSameSpan(double[][] x, int k, int neighbours) {
        double[][] iterative;
        double[][] dense;
        try (Workers workers = new Workers(2)) {
            iterative = SpectralEmbedding.of(NearestNeighboursTest.points(x), k, neighbours, workers, true);
            dense = SpectralEmbedding.of(NearestNeighboursTest.points(x), k, neighbours, workers, false);
        }
        double[][] basis = orthonormalColumns(iterative);
        double[][] other = orthonormalColumns(dense);
        int n = x.length;
        for (int c = 0; c < k; c++) {
            double inside = 0;
            for (int d = 0; d < k; d++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += other[c][i] * basis[d][i];
                }
                inside += dot * dot;
            }
            assertEquals(1.0, inside, 1e-8, "dense column " + c + " outside the iteration's span");
        }
    }

    /** The columns of e (n×k), orthonormalised (modified Gram–Schmidt, twice), as k arrays. */
    private static double[][] orthonormalColumns(double[][] e) {
        int n = e.length;
        int k = e[0].length;
        double[][] q = new double[k][n];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < n; i++) {
                q[c][i] = e[i][c];
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int d = 0; d < c; d++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += q[c][i] * q[d][i];
                    }
                    for (int i = 0; i < n; i++) {
                        q[c][i] -= dot * q[d][i];
                    }
                }
            }
            double norm = 0;
            for (double v : q[c]) {
                norm += v * v;
            }
            for (int i = 0; i < n; i++) {
                q[c][i] /= Math.sqrt(norm);
            }
        }
        return q;
    }
}
