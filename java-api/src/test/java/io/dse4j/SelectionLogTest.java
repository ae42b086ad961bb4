package io.dse4j;

import io.dse4j.spi.BackendResolver;
import io.dse4j.spi.GpuProbe;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The auto fallback's log: one short INFO sentence for the first selection, DEBUG afterwards, the full reasons at
 * DEBUG and in the selection. (That the builder logs through the JVM's instance, once, is checked in a fresh JVM by
 * {@code NoNativeAccessTest}.)
 */
class SelectionLogTest {

    private static final String REASON = "no NVIDIA driver: no libcuda.so.1 in LD_LIBRARY_PATH, … (40 searched)";

    /** A pre-check that finds the runtime and no driver; its probe must not be asked. */
    private static final GpuProbe NO_DRIVER = new GpuProbe() {
        @Override
        public Result probe() {
            throw new AssertionError("the native probe must not run when the pre-check refuses");
        }

        @Override
        public Optional<Result> precheck() {
            return Optional.of(Result.unusable("found the CUDA runtime 13 but no NVIDIA driver", List.of(REASON)));
        }
    };

    private record Line(System.Logger.Level level, String message) {
    }

    /** A System.Logger that keeps what it is given. */
    private static final class Capture implements System.Logger {
        final List<Line> lines = new ArrayList<>();

        @Override
        public String getName() {
            return "io.dse4j";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            lines.add(new Line(level, message));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(new Line(level, format));
        }

        @Override
        public void log(Level level, Supplier<String> message) {
            lines.add(new Line(level, message.get()));
        }

        List<String> at(Level level) {
            return lines.stream().filter(l -> l.level() == level).map(Line::message).toList();
        }
    }

    @Test
    void autoFallbackIsOneShortInfoSentenceThenDebug() {
        Capture capture = new Capture();
        SelectionLog log = new SelectionLog(capture);
        BackendResolver.Resolution resolution = BackendResolver.resolve(null, Map.of(), Map.of(), NO_DRIVER);
        log.announce(resolution, resolution.selection());
        String sentence = "found the CUDA runtime 13 but no NVIDIA driver; using the CPU backend "
                + "(--backend gpu, or -Ddse4j.backend=gpu, for details)";
        assertEquals(List.of(sentence), capture.at(System.Logger.Level.INFO));
        assertTrue(sentence.length() < 130, sentence);
        assertEquals(List.of("backend cpu (requested auto by default; GPU unavailable: " + REASON + ")"),
                capture.at(System.Logger.Level.DEBUG));
        assertEquals(List.of("GPU unavailable: " + REASON), resolution.selection().reasons());

        capture.lines.clear();
        log.announce(resolution, resolution.selection());
        assertEquals(List.of(), capture.at(System.Logger.Level.INFO), "only the first selection logs at INFO");
        assertEquals(sentence, capture.at(System.Logger.Level.DEBUG).get(0));
    }

    @Test
    void aChosenGpuIsAnnouncedAndExplicitBackendsLogNothing() {
        Capture capture = new Capture();
        SelectionLog log = new SelectionLog(capture);
        BackendResolver.Resolution gpu = BackendResolver.resolve(null, Map.of(), Map.of(),
                () -> new GpuProbe.Result(true, List.of(), () -> null));
        log.announce(gpu, gpu.selection());
        assertEquals(List.of("backend gpu (requested auto by default)"), capture.at(System.Logger.Level.INFO));

        Capture quiet = new Capture();
        BackendResolver.Resolution cpu = BackendResolver.resolve(BackendKind.CPU, Map.of(), Map.of(), NO_DRIVER);
        new SelectionLog(quiet).announce(cpu, cpu.selection());
        assertEquals(List.of(), quiet.lines);
    }

    @Test
    void theBuilderKeepsEveryReasonInTheSelection() {
        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().threads(1)
                .build(Map.of(), Map.of(), NO_DRIVER)) {
            assertEquals("cpu", dse.selection().chosen());
            assertEquals(List.of("GPU unavailable: " + REASON), dse.selection().reasons());
        }
    }
}
