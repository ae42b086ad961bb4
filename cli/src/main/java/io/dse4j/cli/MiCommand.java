package io.dse4j.cli;

import io.dse4j.Matrix;
import io.dse4j.MiResult;
import io.dse4j.MutualInformation;
import io.dse4j.ReferenceClasses;
import io.dse4j.ReferenceKind;
import io.dse4j.io.MatrixFiles;
import io.dse4j.io.NpyWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dse4j mi}: mutual information between a representation Z and a reference Y.
 *
 * <p>The annotated fields declare the options to picocli; the command reads their values by name through
 * {@link Options}, which checks each against its allowed range.
 */
@Command(name = "mi", mixinStandardHelpOptions = true, versionProvider = Main.VersionText.class,
        sortOptions = false,
        description = "Mutual information (DSMI, CSMI, …) between a representation Z and a reference Y.",
        customSynopsis = "dse4j mi --input Z (--reference Y | --clusters-in LABELS.npy) [options]")
final class MiCommand implements Callable<Integer> {

    @Option(names = "--input", paramLabel = "FILE",
            description = "the representation Z, one row per input (.npy, .npz, .csv)")
    String input;
    @Option(names = "--key", paramLabel = "NAME", description = "the array of an .npz or the tensor of a .safetensors input to read")
    String key;
    @Option(names = "--reference", paramLabel = "FILE",
            description = "the reference Y: integer labels (N×1), a real scalar (N×1) or vectors (N×D′)")
    String reference;
    @Option(names = "--reference-kind", paramLabel = "K", description = "auto | discrete | scalar | vector "
            + "(default auto: inferred as the reference does)")
    String referenceKind;
    @Option(names = "--clusters", paramLabel = "C",
            description = "bins for a scalar reference, or spectral clusters for vectors (default 10)")
    String clusters;
    @Option(names = "--clusters-in", paramLabel = "FILE",
            description = "precomputed class labels (.npy), one per row of Z, instead of --reference")
    String clustersIn;
    @Option(names = "--clusters-out", paramLabel = "FILE",
            description = "write the classes used to this .npy (int64, N), to reuse with --clusters-in")
    String clustersOut;
    @Option(names = "--measure", paramLabel = "M", description = "dsmi | csmi | matrix-entry | asmi-gaussian | "
            + "asmi-anisotropic | asmi-knn (default dsmi): the MI form of each entropy measure")
    String measure;
    @Option(names = "--knn", paramLabel = "K", description = "neighbours per point for asmi-knn (default 10)")
    String knn;
    @Option(names = "--repetitions", paramLabel = "R", description = "random subsets per class (default 5)")
    String repetitions;
    @Option(names = "--seed", paramLabel = "K", description = "seed of the subsets (default 0)")
    String seed;
    @Option(names = "--sigma", paramLabel = "S", description = "DSE kernel bandwidth (default 10)")
    String sigma;
    @Option(names = "--t", paramLabel = "T", description = "DSE diffusion time (default 1)")
    String t;
    @Option(names = "--bins", paramLabel = "B", description = "bins per dimension for csmi (default 2)")
    String bins;
    @Mixin
    Main.ComputeOptions compute;

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;

    MiCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        Options o = Options.of(spec.commandLine().getParseResult());
        try (ProgressBar bar = ProgressBar.forTerminal(err, "mi", o.has("--json"), o.has("--quiet"))) {
            return run(o, out, bar);
        }
    }

    /**
     * The options each measure ignores, read from what MutualInformation computes for it: --bins is csmi's, --knn
     * asmi-knn's; csmi counts on the CPU (no σ, t, precision or backend; its subsets do use --threads); matrix-entry
     * and the ASMI forms have no t (the ASE ones are at t = 1); asmi-knn's 0/1 adjacency has no σ and is computed in
     * double whatever --precision says.
     */
    static final Map<MutualInformation.Measure, EntropyCommand.Ignored> IGNORED = Map.of(
            MutualInformation.Measure.DSMI, new EntropyCommand.Ignored(List.of("--bins", "--knn"),
                    "--bins is csmi's, --knn asmi-knn's"),
            MutualInformation.Measure.CSMI, new EntropyCommand.Ignored(List.of("--sigma", "--t", "--knn",
                    "--precision", "--backend", "--device"), "csmi bins the coordinates and counts, on the CPU: no "
                    + "kernel, no diffusion time"),
            MutualInformation.Measure.MATRIX_ENTRY, new EntropyCommand.Ignored(List.of("--t", "--bins", "--knn"),
                    "matrix-entry takes the entries of P = D⁻¹K at σ: no diffusion time"),
            MutualInformation.Measure.ASMI_GAUSSIAN, new EntropyCommand.Ignored(List.of("--t", "--bins", "--knn"),
                    "adjacency spectral entropy has no diffusion time"),
            MutualInformation.Measure.ASMI_ANISOTROPIC, new EntropyCommand.Ignored(List.of("--t", "--bins", "--knn"),
                    "adjacency spectral entropy has no diffusion time (it is DSMI at t = 1)"),
            MutualInformation.Measure.ASMI_KNN, new EntropyCommand.Ignored(List.of("--sigma", "--t", "--bins",
                    "--precision"), "asmi-knn uses the 0/1 k-NN adjacency (--knn), computed in double: no σ, no "
                    + "diffusion time"));

    private static int clusters(Options o) {
        return o.intValue("--clusters", 10, 2, Integer.MAX_VALUE);
    }

    /** @param bar the progress bar to report to, or null */
    static int run(Options o, PrintStream out, ProgressBar bar) throws IOException {
        if (!o.has("--input")) {
            throw new UsageException("--input Z is required");
        }
        if (o.has("--reference") == o.has("--clusters-in")) {
            throw new UsageException("give exactly one of --reference Y or --clusters-in LABELS.npy");
        }
        Path clustersOut = o.has("--clusters-out") ? clustersOut(o) : null;
        MutualInformation.Measure measure = MutualInformation.Measure.parse(o.string("--measure", "dsmi"));
        EntropyCommand.Ignored ignored = IGNORED.get(measure);
        o.refuseIgnored(ignored.options(), measure.label(), ignored.why());
        MutualInformation.Builder builder = MutualInformation.builder().measure(measure)
                .repetitions(o.intValue("--repetitions", 5, 1, Integer.MAX_VALUE)).clusters(clusters(o))
                .seed(o.integer("--seed", 0)).bins(o.intValue("--bins", 2, 1, Integer.MAX_VALUE))
                .knn(o.intValue("--knn", 10, 1, Integer.MAX_VALUE))
                .sigma(o.fixedSigma("--sigma", 10)).t(o.number("--t", 1))
                .referenceKind(ReferenceKind.parse(o.string("--reference-kind", "auto")))
                .precision(io.dse4j.Precision.parse(o.string("--precision", "f64")))
                .progress(bar);
        if (o.has("--backend")) {
            builder.backend(o.string("--backend", null));
        }
        if (o.has("--device")) {
            builder.device(o.intValue("--device", 0, 0, Integer.MAX_VALUE));
        }
        if (o.has("--threads")) {
            builder.threads(o.intValue("--threads", 0, 1, EntropyCommand.MAX_THREADS));
        }
        // Both headers first: a mismatch in N is reported before either file's data is read.
        io.dse4j.io.MatrixFile zFile = MatrixFiles.open(Path.of(o.string("--input", null)), o.string("--key", null));
        io.dse4j.io.MatrixFile yFile = o.has("--reference")
                ? MatrixFiles.open(Path.of(o.string("--reference", null)), null) : null;
        if (yFile != null && yFile.rows() != zFile.rows()) {
            throw new UsageException("Z has " + zFile.rows() + " rows but the reference has " + yFile.rows()
                    + "; they must describe the same N inputs");
        }
        Matrix z = zFile.read();
        int[] labels;
        String reference;
        if (yFile == null) {
            labels = readLabels(Path.of(o.string("--clusters-in", null)));
            reference = "precomputed";
        } else {
            Matrix y = yFile.read();
            ReferenceClasses classes = ReferenceClasses.of(y, ReferenceKind.parse(o.string("--reference-kind", "auto")),
                    clusters(o));
            labels = classes.labels();
            reference = classes.kind().label();
        }
        if (clustersOut != null) {
            long[] asLongs = new long[labels.length];
            for (int i = 0; i < labels.length; i++) {
                asLongs[i] = labels[i];
            }
            NpyWriter.writeLongs(clustersOut, asLongs, labels.length);
        }
        MiResult r;
        try (MutualInformation mi = builder.build()) {
            r = mi.compute(z, labels);
        }
        if (o.has("--json")) {
            out.println(Json.write(json(r, reference)));
        } else {
            out.println(r.selection().describeBriefly());
            out.printf(Locale.ROOT, "%s = %.15g bits (N = %d, D = %d, reference %s, %d classes)%n",
                    r.measure().label().toUpperCase(Locale.ROOT), r.mi(), r.n(), r.d(), reference, r.classes().size());
            for (MiResult.ClassTerm term : r.classes()) {
                out.printf(Locale.ROOT, "  class %-6d n = %-6d p = %.4f  H(Z|Y) = %.6f  H(Z*) = %.6f ± %.6f%n",
                        term.label(), term.count(), term.probability(), term.conditional(), term.subsetMean(),
                        term.subsetSd());
            }
            r.warnings().forEach(w -> out.println("  warning: " + w));
            out.printf(Locale.ROOT, "time %.3f s%n", r.seconds());
        }
        return 0;
    }

    /**
     * The --clusters-out file, checked before any work: a .npy (--clusters-in reads it back by its extension) in a
     * folder that exists, not a folder itself — whose refusal would otherwise come after the computation, naming a
     * temporary file.
     */
    private static Path clustersOut(Options o) {
        Path file = Path.of(o.string("--clusters-out", null));
        if (Files.isDirectory(file)) {
            throw new UsageException("--clusters-out " + file + " is a folder; give a file name ending in .npy, "
                    + "such as " + file.resolve("clusters.npy"));
        }
        if (file.getFileName() == null || !file.getFileName().toString().toLowerCase(Locale.ROOT)
                .endsWith(".npy")) {
            throw new UsageException("--clusters-out " + file + ": the file must end in .npy (it is written as one, "
                    + "and --clusters-in reads it back by that name)");
        }
        Path folder = file.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new UsageException("--clusters-out " + file + ": the folder " + folder + " does not exist");
        }
        return file;
    }

    /** Precomputed class labels: integers in one column, checked as discrete reference labels are. */
    private static int[] readLabels(Path file) throws IOException {
        try {
            return ReferenceClasses.of(MatrixFiles.read(file), ReferenceKind.DISCRETE, 2).labels();
        } catch (io.dse4j.InvalidInputException e) {
            throw new UsageException(file + ": class labels (--clusters-in): "
                    + e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
        }
    }

    private static Map<String, Object> json(MiResult r, String reference) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("measure", r.measure().label());
        m.put("mi", r.mi());
        m.put("n", r.n());
        m.put("d", r.d());
        m.put("reference", reference);
        List<Map<String, Object>> classes = new ArrayList<>();
        for (MiResult.ClassTerm term : r.classes()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("class", term.label());
            c.put("count", term.count());
            c.put("p", term.probability());
            c.put("conditional_entropy", term.conditional());
            c.put("subset_entropy_mean", term.subsetMean());
            c.put("subset_entropy_sd", term.subsetSd());
            List<Double> values = new ArrayList<>();
            for (double v : term.subsetValues()) {
                values.add(v);
            }
            c.put("subset_entropies", values);
            classes.add(c);
        }
        m.put("classes", classes);
        m.put("warnings", r.warnings());
        m.put("backend", r.selection().chosen());
        m.put("selection", Json.selection(r.selection()));
        m.put("seconds", r.seconds());
        m.put("version", io.dse4j.Version.string());
        return m;
    }
}
