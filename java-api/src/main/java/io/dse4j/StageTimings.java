package io.dse4j;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Wall-clock seconds spent in each stage of one computation, in the order the stages ran. */
public final class StageTimings {

    private final Map<String, Double> seconds;

    public StageTimings(Map<String, Double> seconds) {
        this.seconds = Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
    }

    /** Stage name → seconds, in running order. */
    public Map<String, Double> seconds() {
        return seconds;
    }

    /** The sum over all stages. */
    public double total() {
        return seconds.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    @Override
    public String toString() {
        StringBuilder line = new StringBuilder();
        seconds.forEach((stage, s) -> line.append(line.isEmpty() ? "" : ", ")
                .append(stage).append(' ').append(String.format(java.util.Locale.ROOT, "%.3f s", s)));
        return line.toString();
    }
}
