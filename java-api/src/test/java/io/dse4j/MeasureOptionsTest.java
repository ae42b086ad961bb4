package io.dse4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The options are declared once ({@link MeasureOptions}) and every measure's builder sets them: the same setter checks
 * the same way everywhere, one set of options carries every value to any measure, and a measure refuses an option it
 * would otherwise ignore.
 */
class MeasureOptionsTest {

    private static final Matrix POINTS = InterruptionTest.gaussian(60, 3, 11);

    private static void assertRefused(String argument, Executable build) {
        InvalidInputException e = assertThrows(InvalidInputException.class, build);
        assertEquals(argument, e.argument(), e.getMessage());
        assertTrue(e.getMessage().contains("is not an option of"), e.getMessage());
    }

    @Test
    void eachMeasureRefusesTheOptionsItDoesNotUse() {
        assertRefused("repetitions", () -> DiffusionSpectralEntropy.builder().backend("cpu").repetitions(3).build());
        assertRefused("knn", () -> DiffusionSpectralEntropy.builder().backend("cpu").knn(4).build());
        assertRefused("t", () -> AdjacencySpectralEntropy.builder(AdjacencySpectralEntropy.Variant.GAUSSIAN)
                .backend("cpu").t(2).build());
        assertRefused("alpha", () -> MatrixEntryEntropy.builder().backend("cpu").alpha(1).build());
        assertRefused("sigma", () -> AdjacencySpectralEntropy.builder(AdjacencySpectralEntropy.Variant.KNN)
                .backend("cpu").sigma(2).build());
        assertRefused("knn", () -> AdjacencySpectralEntropy.builder(AdjacencySpectralEntropy.Variant.ANISOTROPIC)
                .backend("cpu").knn(4).build());
        assertRefused("maxN", () -> MutualInformation.builder().backend("cpu").maxN(100).build());
        assertRefused("method", () -> MutualInformation.builder().backend("cpu")
                .method(DiffusionSpectralEntropy.Method.SLQ).build());
        assertRefused("kernel", () -> Tracker.builder().backend("cpu").adaptiveKernel(5).build());
        assertRefused("bins", () -> Tracker.builder().backend("cpu").bins(3).build());
    }

    @Test
    void measuresThatCompareEntropiesRefuseAPerSpectrumTOrSigma() {
        InvalidInputException t = assertThrows(InvalidInputException.class,
                () -> MutualInformation.builder().backend("cpu").autoTime().build());
        assertEquals("t", t.argument());
        InvalidInputException sigma = assertThrows(InvalidInputException.class,
                () -> Tracker.builder().backend("cpu").bandwidth(Bandwidth.median()).build());
        assertEquals("sigma", sigma.argument());
        assertTrue(sigma.getMessage().contains("median"), sigma.getMessage());
    }

    @Test
    void sharedOptionsCountOnlyTheirNonDefaultValues() {
        MeasureOptions common = MeasureOptions.builder().sigma(3).t(2).seed(4).backend("cpu").threads(1).build();
        // DSE, MI and the tracker use all of these; the defaults that the record also carries count for nothing.
        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().options(common).build();
             MutualInformation mi = MutualInformation.builder().options(common).repetitions(2).build();
             Tracker tracker = Tracker.builder().options(common).build()) {
            assertEquals(3.0, dse.options().sigma());
            assertEquals(2.0, dse.options().t());
            assertEquals(4L, dse.options().seed());
            assertEquals("cpu", dse.selection().chosen());
            assertEquals("3.0", tracker.parameters().get("sigma"));
            assertEquals("2.0", tracker.parameters().get("t"));
            assertEquals(2, mi.compute(POINTS, labels()).classes().get(0).subsetValues().length);
        }
        // A non-default value of an option the measure does not use is refused when it comes through options(…).
        MeasureOptions withMaxN = common.toBuilder().maxN(50).build();
        assertRefused("maxN", () -> MutualInformation.builder().options(withMaxN).build());
    }

    @Test
    void theSameOptionsGiveTheSameNumberWhicheverWayTheyAreSet() {
        double direct;
        double throughOptions;
        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend("cpu").sigma(1.5).t(3)
                .maxN(40).seed(9).build()) {
            direct = dse.compute(POINTS).entropy();
        }
        MeasureOptions options = MeasureOptions.builder().backend("cpu").sigma(1.5).t(3).maxN(40).seed(9).build();
        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().options(options).build()) {
            throughOptions = dse.compute(POINTS).entropy();
        }
        assertEquals(direct, throughOptions, 0.0);
        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend("cpu").build()) {
            assertTrue(Math.abs(dse.compute(POINTS).entropy() - direct) > 1e-6, "the options made a difference");
        }
    }

    @Test
    void toBuilderKeepsEveryValue() {
        MeasureOptions options = MeasureOptions.builder().bandwidth(Bandwidth.knn(3)).autoTime()
                .alphaDecayKernel(4, 20).alpha(0.5).method(DiffusionSpectralEntropy.Method.CHEBYSHEV).slqProbes(8)
                .slqSteps(6).slqMatrixFree(true).maxN(77).seed(5).backend(BackendKind.CPU).precision(Precision.F32)
                .threads(2).measure(MutualInformation.Measure.CSMI).repetitions(3).clusters(4).bins(5)
                .referenceKind(ReferenceKind.SCALAR).knn(6).build();
        MeasureOptions copy = options.toBuilder().build();
        List<Supplier<Object>> a = values(options);
        List<Supplier<Object>> b = values(copy);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).get(), b.get(i).get(), "value " + i);
        }
        assertEquals(options.toString(), copy.toString());
    }

    @Test
    void aSetterChecksItsArgumentTheSameWayOnEveryBuilder() {
        List<Supplier<OptionSetters<?>>> builders = List.of(MeasureOptions::builder,
                DiffusionSpectralEntropy::builder, MutualInformation::builder, Tracker::builder,
                MatrixEntryEntropy::builder,
                () -> AdjacencySpectralEntropy.builder(AdjacencySpectralEntropy.Variant.KNN));
        for (Supplier<OptionSetters<?>> builder : builders) {
            InvalidInputException sigma = assertThrows(InvalidInputException.class, () -> builder.get().sigma(-1));
            assertEquals("sigma: must be a finite number > 0, got -1.0", sigma.getMessage());
            InvalidInputException threads = assertThrows(InvalidInputException.class, () -> builder.get().threads(0));
            assertEquals("threads: must be between 1 and 32767, got 0", threads.getMessage());
        }
    }

    private static List<Supplier<Object>> values(MeasureOptions o) {
        return List.of(o::bandwidth, o::sigma, o::t, o::autoTime, o::adaptiveNeighbours, o::decayExponent, o::alpha,
                o::method, o::slqProbes, o::slqSteps, o::slqMatrixFree, o::maxN, o::seed, o::backend, o::device,
                o::gpu, o::precision, o::threads, o::progress, o::measure, o::repetitions, o::clusters, o::bins,
                o::referenceKind, o::knn);
    }

    private static int[] labels() {
        int[] labels = new int[POINTS.rows()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3;
        }
        return labels;
    }
}
