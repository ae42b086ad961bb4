package io.dse4j;

import io.dse4j.io.MatrixFile;
import io.dse4j.io.MatrixFiles;
import io.dse4j.io.NpyWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every measure after {@code close()}: each method that computes throws {@link IllegalStateException} naming the
 * object, whatever the backend (this class runs on the CPU and on the GPU stand-in), and closing again is harmless.
 */
class ClosedInstanceTest {

    private static final Matrix POINTS = points(40, 3);
    private static final int[] LABELS = new Random(2).ints(40, 0, 2).toArray();

    @TempDir
    static Path dir;

    /** The same points in a file, for the measures' file overloads. */
    private static MatrixFile file;

    @BeforeAll
    static void writeFile() throws IOException {
        double[] values = new double[40 * 3];
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 3; j++) {
                values[i * 3 + j] = POINTS.at(i, j);
            }
        }
        Path path = dir.resolve("points.npy");
        NpyWriter.writeDoubles(path, values, 40, 3);
        file = MatrixFiles.open(path, null);
    }

    private static Matrix points(int n, int d) {
        Random random = new Random(1);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = 3 * random.nextGaussian();
            }
        }
        return Matrix.of(x);
    }

    private static DiffusionSpectralEntropy.Builder options() {
        return DiffusionSpectralEntropy.builder().backend(TestBackend.required()).sigma(2);
    }

    private static void assertClosed(String what, Executable call) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        assertEquals("this " + what + " is closed", e.getMessage());
    }

    @Test
    void diffusionSpectralEntropy() {
        DiffusionSpectralEntropy dse = options().build();
        TestBackend.assertInUse(dse.compute(POINTS).selection());
        dse.close();
        String what = "DiffusionSpectralEntropy";
        assertClosed(what, () -> dse.compute(POINTS));
        assertClosed(what, () -> dse.compute(file));
        assertClosed(what, () -> dse.compute(new double[][] {{0}, {1}}));
        assertClosed(what, () -> dse.compute(new float[][] {{0}, {1}}));
        assertClosed(what, () -> dse.compute(new double[] {0, 1}, 2, 1));
        assertClosed(what, () -> dse.compute(new float[] {0, 1}, 2, 1));
        assertClosed(what, () -> dse.computeRows(POINTS, new int[] {0, 1, 2}));
        // The package-private entry points the other measures use.
        assertClosed(what, () -> dse.entropiesOfRows(POINTS, List.of(new int[] {0, 1, 2}), 1));
        assertClosed(what, () -> dse.matrixEntryEntropy(POINTS, null));
        assertClosed(what, () -> dse.knnModuli(PreparedPoints.gather(POINTS, null, Precision.F64), 3));
        // Before any validation: a closed instance says so even for bad input.
        assertClosed(what, () -> dse.compute((Matrix) null));
        // What does not compute still answers.
        TestBackend.assertInUse(dse.selection());
        assertDoesNotThrow(dse::close);
        assertDoesNotThrow(dse::close);
    }

    @ParameterizedTest
    @EnumSource(MutualInformation.Measure.class)
    void mutualInformation(MutualInformation.Measure measure) {
        MutualInformation mi = MutualInformation.builder().backend(TestBackend.required()).sigma(2).knn(3)
                .repetitions(1).measure(measure).build();
        mi.compute(POINTS, LABELS);
        mi.close();
        String what = "MutualInformation";
        assertClosed(what, () -> mi.compute(POINTS, points(40, 1)));
        assertClosed(what, () -> mi.compute(POINTS, LABELS));
        assertClosed(what, () -> mi.compute(POINTS, LABELS, new int[0][][]));
        assertDoesNotThrow(mi::close);
    }

    @ParameterizedTest
    @EnumSource(AdjacencySpectralEntropy.Variant.class)
    void adjacencySpectralEntropy(AdjacencySpectralEntropy.Variant variant) {
        AdjacencySpectralEntropy ase = variant == AdjacencySpectralEntropy.Variant.KNN
                ? AdjacencySpectralEntropy.builder(variant).backend(TestBackend.required()).knn(3).build()
                : AdjacencySpectralEntropy.builder(variant).options(options().options()).build();
        ase.compute(POINTS);
        ase.close();
        String what = "AdjacencySpectralEntropy";
        assertClosed(what, () -> ase.compute(POINTS));
        assertClosed(what, () -> ase.compute(file));
        assertClosed(what, () -> ase.computeRows(POINTS, new int[] {0, 1, 2, 3, 4}, 40));
        assertClosed(what, () -> ase.entropiesOfRows(POINTS, List.of(new int[] {0, 1, 2, 3, 4})));
        assertDoesNotThrow(ase::close);
    }

    @Test
    void matrixEntryEntropy() {
        MatrixEntryEntropy entry = MatrixEntryEntropy.builder().options(options().options()).build();
        entry.compute(POINTS);
        entry.close();
        assertClosed("MatrixEntryEntropy", () -> entry.compute(POINTS));
        assertClosed("MatrixEntryEntropy", () -> entry.compute(file));
        assertDoesNotThrow(entry::close);
    }
}
