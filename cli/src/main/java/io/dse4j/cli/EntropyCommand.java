package io.dse4j.cli;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.DseResult;
import io.dse4j.Matrix;
import io.dse4j.io.MatrixFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code dse4j entropy}: Diffusion Spectral Entropy of a file or a built-in example. */
final class EntropyCommand {

    static final String USAGE = """
            usage: dse4j entropy (--input FILE | --example NAME) [options]
              --input FILE        points, one per row: .npy, .npz (--key NAME picks the array), .csv/.tsv/.txt
              --example NAME      built-in data: swiss-roll, blobs, uniform (--n points, --d dimensions,
                                  --example-seed S)
              --sigma S           Gaussian kernel bandwidth (default 10)
              --t T               diffusion time, a real ≥ 0 (default 1)
              --max-n M           subsample larger inputs to M rows (default 10000)
              --seed K            seed of that subsampling (default 0)
              --backend B         auto | cpu | gpu (default: -Ddse4j.backend, else DSE4J_BACKEND, else auto)
              --precision P       f64 | f32 (default f64)
              --threads P         CPU worker threads (default: every core)
              --json              print one JSON object instead of the report
            """;

    private static final Set<String> WITH_VALUE = Set.of("--input", "--key", "--example", "--n", "--d",
            "--example-seed", "--sigma", "--t", "--max-n", "--seed", "--backend", "--precision", "--threads");
    private static final Set<String> FLAGS = Set.of("--json");

    private EntropyCommand() {
    }

    static int run(List<String> args, PrintStream out) throws IOException {
        Options o = Options.parse(args, WITH_VALUE, FLAGS);
        if (o.has("--input") == o.has("--example")) {
            throw new UsageException("give exactly one of --input FILE or --example NAME");
        }
        DiffusionSpectralEntropy.Builder builder = DiffusionSpectralEntropy.builder()
                .sigma(o.number("--sigma", DiffusionSpectralEntropy.DEFAULT_SIGMA))
                .t(o.number("--t", DiffusionSpectralEntropy.DEFAULT_T))
                .maxN(o.intValue("--max-n", DiffusionSpectralEntropy.DEFAULT_MAX_N))
                .seed(o.integer("--seed", DiffusionSpectralEntropy.DEFAULT_SEED))
                .precision(o.string("--precision", "f64"));
        if (o.has("--backend")) {
            builder.backend(o.string("--backend", null));
        }
        if (o.has("--threads")) {
            builder.threads(o.intValue("--threads", 0));
        }
        String source;
        Matrix x;
        if (o.has("--input")) {
            if (o.has("--n") || o.has("--d") || o.has("--example-seed")) {
                throw new UsageException("--n, --d and --example-seed apply to --example only");
            }
            Path file = Path.of(o.string("--input", null));
            x = MatrixFiles.read(file, o.string("--key", null));
            source = file.toString();
        } else {
            if (o.has("--key")) {
                throw new UsageException("--key applies to --input FILE.npz only");
            }
            String name = o.string("--example", null);
            x = ExampleData.generate(name, o.intValue("--n", 0), o.intValue("--d", 0), o.integer("--example-seed", 0));
            source = "example:" + name;
        }
        DseResult r;
        try (DiffusionSpectralEntropy dse = builder.build()) {
            r = dse.compute(x);
        }
        if (o.has("--json")) {
            out.println(Json.write(json(r, source, o)));
        } else {
            report(r, source, out);
        }
        return 0;
    }

    private static Map<String, Object> json(DseResult r, String source, Options o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("measure", "dse");
        m.put("entropy", r.entropy());
        m.put("n", r.n());
        m.put("d", r.d());
        m.put("input_rows", r.inputRows());
        m.put("sigma", r.sigma());
        m.put("t", r.t());
        m.put("max_n", o.intValue("--max-n", DiffusionSpectralEntropy.DEFAULT_MAX_N));
        m.put("seed", o.integer("--seed", DiffusionSpectralEntropy.DEFAULT_SEED));
        m.put("precision", r.precision().label());
        m.put("backend", r.backend());
        Map<String, Object> selection = new LinkedHashMap<>();
        selection.put("requested", r.selection().requested().label());
        selection.put("source", r.selection().source().description());
        selection.put("chosen", r.selection().chosen());
        selection.put("reasons", r.selection().reasons());
        m.put("selection", selection);
        m.put("seconds", r.seconds());
        m.put("stages", r.stages().seconds());
        m.put("input", source);
        m.put("version", io.dse4j.Version.string());
        return m;
    }

    private static void report(DseResult r, String source, PrintStream out) {
        out.println(r.selection().describe());
        out.printf(Locale.ROOT, "DSE = %.15g bits%n", r.entropy());
        out.printf(Locale.ROOT, "input %s: N = %d%s, D = %d; sigma = %s, t = %s, %s%n", source, r.n(),
                r.inputRows() > r.n() ? " (subsampled from " + r.inputRows() + ")" : "", r.d(),
                trim(r.sigma()), trim(r.t()), r.precision().label());
        out.printf(Locale.ROOT, "time %.3f s (%s)%n", r.seconds(), r.stages());
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
