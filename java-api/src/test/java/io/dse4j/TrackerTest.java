package io.dse4j;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tracker on a synthetic training run whose representations move from noise to class clusters: each row equals
 * the measures computed directly on the same rows, DSMI(Z;Y) rises as the classes separate, rows whose count differs
 * are refused naming the checkpoint, and progress counts the checkpoints.
 */
class TrackerTest {

    static final int N = 240;
    static final int D = 8;
    static final int CLASSES = 4;

    /** Labels 0..3 in turn. */
    static int[] labels(int n) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % CLASSES;
        }
        return y;
    }

    /** Checkpoint k of 12: noise mixed with the class centres, a share k/11 of the way to fully separated classes. */
    static Matrix checkpoint(int k, int n) {
        Random random = new Random(1000 + k);
        Random centres = new Random(7);
        double[][] centre = new double[CLASSES][D];
        for (double[] c : centre) {
            for (int j = 0; j < D; j++) {
                c[j] = 6 * centres.nextGaussian();
            }
        }
        double a = k / 11.0;
        double[] z = new double[n * D];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < D; j++) {
                z[i * D + j] = (1 - a) * 4 * random.nextGaussian() + a * (centre[i % CLASSES][j] + random
                        .nextGaussian());
            }
        }
        return Matrix.ofRowMajor(z, n, D);
    }

    static Matrix inputs(int n) {
        Random random = new Random(99);
        double[] x = new double[n * 3];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                x[i * 3 + j] = (i % CLASSES) * 5 + random.nextGaussian();
            }
        }
        return Matrix.ofRowMajor(x, n, 3);
    }

    @Test
    void everyRowEqualsTheMeasuresComputedDirectlyAndDsmiRisesAsTheClassesSeparate() {
        int[] y = labels(N);
        Matrix x = inputs(N);
        List<Tracker.Row> rows = new ArrayList<>();
        try (Tracker tracker = Tracker.builder().labels(y).inputs(x).sigma(4).repetitions(3).backend("cpu").build();
             DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().sigma(4).backend("cpu").build();
             MutualInformation mi = MutualInformation.builder().sigma(4).repetitions(3).backend("cpu").build()) {
            int[] xClasses = ReferenceClasses.of(x, ReferenceKind.VECTOR, 10).labels();
            for (int k = 0; k < 12; k++) {
                Matrix z = checkpoint(k, N);
                Tracker.Row row = tracker.add("epoch_" + k, k, z);
                rows.add(row);
                assertEquals(dse.compute(z).entropy(), row.dse(), 0.0, "DSE of epoch " + k);
                assertEquals(mi.compute(z, y).mi(), row.dsmiLabels(), 0.0, "DSMI(Z;Y) of epoch " + k);
                assertEquals(mi.compute(z, xClasses).mi(), row.dsmiInputs(), 0.0, "DSMI(Z;X) of epoch " + k);
                assertEquals(N, row.n());
                assertEquals(D, row.d());
                assertEquals("cpu", row.backend());
                assertTrue(row.dsmiLabelsSd() >= 0 && row.dsmiInputsSd() >= 0, row.toString());
            }
            assertEquals(rows, tracker.rows());
            assertEquals("4.0", tracker.parameters().get("sigma"));
            assertEquals("3", tracker.parameters().get("repetitions"));
        }
        double first = rows.get(0).dsmiLabels();
        double last = rows.get(11).dsmiLabels();
        assertTrue(last > first + 0.5, "DSMI(Z;Y) rises from noise (" + first + ") to clusters (" + last + ")");
    }

    @Test
    void beyondMaxNEveryCheckpointIsMeasuredOnTheSameSubsample() {
        int n = 300;
        int[] y = labels(n);
        int[] rows = Subsampling.subsample(n, 200, 5);
        try (Tracker tracker = Tracker.builder().labels(y).maxN(200).seed(5).repetitions(2).backend("cpu").build();
             DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend("cpu").build();
             MutualInformation mi = MutualInformation.builder().repetitions(2).seed(5).backend("cpu").build()) {
            for (int k : new int[] {2, 9}) {
                Matrix z = checkpoint(k, n);
                Tracker.Row row = tracker.add("step " + k, k, z);
                assertEquals(200, row.n());
                assertEquals(dse.computeRows(z, rows).entropy(), row.dse(), 0.0);
                double[] zs = new double[200 * D];
                int[] ys = new int[200];
                for (int i = 0; i < 200; i++) {
                    for (int j = 0; j < D; j++) {
                        zs[i * D + j] = z.get(rows[i], j);
                    }
                    ys[i] = y[rows[i]];
                }
                assertEquals(mi.compute(Matrix.ofRowMajor(zs, 200, D), ys).mi(), row.dsmiLabels(), 0.0);
            }
        }
    }

    /**
     * Layers: each (checkpoint, layer) is a row of its own whose measures equal those computed directly on that
     * layer's array — layers of other widths, on the same rows — and a layer whose row count differs is refused
     * naming the checkpoint and the layer.
     */
    @Test
    void eachLayerOfACheckpointIsARowMeasuredOnItsOwnArray() {
        int[] y = labels(N);
        try (Tracker tracker = Tracker.builder().labels(y).sigma(4).repetitions(2).backend("cpu").build();
             DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().sigma(4).backend("cpu").build();
             MutualInformation mi = MutualInformation.builder().sigma(4).repetitions(2).backend("cpu").build()) {
            for (int k : new int[] {1, 10}) {
                Matrix early = checkpoint(k, N);
                Matrix late = widened(checkpoint(k + 1, N), 3);
                Tracker.Row first = tracker.add("epoch_" + k, "block1", k, early);
                Tracker.Row second = tracker.add("epoch_" + k, "block2", k, late);
                assertEquals("block1", first.layer());
                assertEquals("epoch_" + k + ":block2", second.label());
                assertEquals(D + 3, second.d());
                assertEquals(dse.compute(early).entropy(), first.dse(), 0.0);
                assertEquals(dse.compute(late).entropy(), second.dse(), 0.0);
                assertEquals(mi.compute(late, y).mi(), second.dsmiLabels(), 0.0);
            }
            assertEquals(4, tracker.rows().size());
            assertEquals("", tracker.add("plain", 3, checkpoint(3, N)).layer(), "no layer: an empty name");
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> tracker.add("epoch_11", "head", 11, checkpoint(11, N - 2)));
            assertTrue(e.getMessage().contains("checkpoint epoch_11 (layer head) has 238 rows but the labels have "
                    + "240"), e.getMessage());
            assertThrows(InvalidInputException.class, () -> tracker.add("epoch_11", null, 11, checkpoint(11, N)));
        }
    }

    /** {@code z} with {@code extra} more columns of noise. */
    private static Matrix widened(Matrix z, int extra) {
        Random random = new Random(5);
        int d = z.cols() + extra;
        double[] values = new double[z.rows() * d];
        for (int i = 0; i < z.rows(); i++) {
            for (int j = 0; j < d; j++) {
                values[i * d + j] = j < z.cols() ? z.get(i, j) : random.nextGaussian();
            }
        }
        return Matrix.ofRowMajor(values, z.rows(), d);
    }

    @Test
    void aCheckpointWithOtherRowsIsRefusedByName() {
        try (Tracker tracker = Tracker.builder().labels(labels(N)).backend("cpu").build()) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> tracker.add("epoch_7.npy", 7, checkpoint(7, N - 1)));
            assertTrue(e.getMessage().contains("checkpoint epoch_7.npy has 239 rows but the labels have 240"),
                    e.getMessage());
        }
        try (Tracker alone = Tracker.builder().backend("cpu").build()) {
            alone.add("a", 0, checkpoint(0, 50));
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> alone.add("b", 1, checkpoint(1, 60)));
            assertTrue(e.getMessage().contains("the first checkpoint has 50"), e.getMessage());
        }
        assertThrows(InvalidInputException.class,
                () -> Tracker.builder().labels(labels(10)).inputs(inputs(11)).build());
        Tracker closed = Tracker.builder().backend("cpu").build();
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.add("late", 0, checkpoint(0, 20)));
    }

    @Test
    void progressSaysWhichCheckpointOfHowManyAndEndsDone() {
        List<Progress> reports = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Tracker tracker = Tracker.builder().labels(labels(N)).repetitions(2).backend("cpu")
                .expectedCheckpoints(3).progress(reports::add).build()) {
            for (int k = 0; k < 3; k++) {
                tracker.add("c" + k, k, checkpoint(k, N));
            }
        }
        Progress last = reports.get(reports.size() - 1);
        assertEquals("done", last.stage());
        assertEquals(3, last.item());
        assertEquals(3, last.items());
        assertEquals(1.0, last.fraction());
        double previous = 0;
        for (Progress p : reports) {
            assertEquals(3, p.items());
            assertTrue(p.fraction() >= previous - 1e-12, "non-decreasing: " + reports);
            previous = p.fraction();
        }
        assertEquals(3, reports.stream().filter(p -> p.stage().equals("checkpoint") || p.stage().equals("done"))
                .count(), "one report per checkpoint done");

        List<Progress> open = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Tracker tracker = Tracker.builder().labels(labels(N)).repetitions(2).backend("cpu").progress(open::add)
                .build()) {
            for (int k = 0; k < 2; k++) {
                tracker.add("c" + k, k, checkpoint(k, N));
            }
        }
        assertTrue(open.stream().allMatch(p -> p.fraction() == 0 && p.items() == 0),
                "without an expected count the whole is unknown: no fraction, never decreasing");
        assertEquals(2, open.get(open.size() - 1).item(), "item counts the checkpoints done");
    }
}
