package io.dse4j.spi;

import io.dse4j.StageTimings;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Measures consecutive stages of one computation: {@link #lap(String)} closes the stage that just ran, and reports it
 * finished to the calling thread's {@link ProgressSink}.
 */
public final class StageClock {

    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private long last = System.nanoTime();

    /** Records the time since the previous lap (or the clock's creation) under {@code stage}. */
    public void lap(String stage) {
        ProgressSink.current().finished(stage);
        long now = System.nanoTime();
        seconds.merge(stage, (now - last) * 1e-9, Double::sum);
        last = now;
    }

    /**
     * Adds stages measured elsewhere (by a backend) that ran since the previous lap, and starts the next stage now.
     */
    public void addAll(StageTimings other) {
        other.seconds().forEach((stage, s) -> seconds.merge(stage, s, Double::sum));
        last = System.nanoTime();
    }

    /** An immutable copy of the stages so far. */
    public StageTimings timings() {
        return new StageTimings(seconds);
    }
}
