package io.dse4j.cli;

import io.dse4j.BackendKind;
import io.dse4j.OptionSetters;
import io.dse4j.Precision;

import picocli.CommandLine.Option;

/**
 * Where a computation runs and in which precision — {@code --backend}, {@code --device}, {@code --precision},
 * {@code --threads} — for every computing command. An option left out is not passed on, so the library's default
 * (and its property and environment fallbacks) applies.
 */
final class ComputeOptions {

    @Option(names = "--backend", paramLabel = "B", converter = Converters.BackendName.class,
            description = "auto | cpu | gpu (default: -Ddse4j.backend, else DSE4J_BACKEND, else auto)")
    BackendKind backend;
    @Option(names = "--device", paramLabel = "K", converter = Converters.AtLeast0.class,
            description = "the CUDA device the GPU backend uses: 0, 1, … (default 0; counted among the devices "
                    + "CUDA_VISIBLE_DEVICES leaves visible)")
    Integer device;
    @Option(names = "--precision", paramLabel = "P", converter = Converters.PrecisionName.class,
            description = "f64 (or double, float64) | f32 (or float, float32) (default f64)")
    Precision precision;
    @Option(names = "--threads", paramLabel = "P", converter = Converters.Threads.class,
            description = "CPU worker threads, 1 to 32767 (default: every core)")
    Integer threads;

    /** The precision the computation uses: the one given, else the library's default. */
    Precision precision() {
        return precision != null ? precision : Precision.F64;
    }

    /** The --threads given, else 0: the library's default ({@code -Ddse4j.threads}, else every core). */
    int threads() {
        return threads != null ? threads : 0;
    }

    /** The backend asked for, as the selection names it ({@code auto} when none was given). */
    String requested() {
        return backend != null ? backend.label() : BackendKind.AUTO.label();
    }

    /** Passes the options given to any measure's builder (they are the library's shared {@link OptionSetters}). */
    <B extends OptionSetters<B>> B applyTo(B builder) {
        if (backend != null) {
            builder.backend(backend);
        }
        if (device != null) {
            builder.device(device);
        }
        if (precision != null) {
            builder.precision(precision);
        }
        if (threads != null) {
            builder.threads(threads);
        }
        return builder;
    }
}
