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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dse4j mi}: mutual information between a representation Z and a reference Y. */
@Command(name = "mi", mixinStandardHelpOptions = true, versionProvider = Main.VersionText.class,
        sortOptions = false,
        description = "Mutual information (DSMI, CSMI, …) between a representation Z and a reference Y.",
        customSynopsis = "dse4j mi --input Z (--reference Y | --clusters-in LABELS.npy) [options]")
final class MiCommand implements Callable<Integer> {

    @Option(names = "--input", paramLabel = "FILE",
            description = "the representation Z, one row per input (.npy, .npz, .csv)")
    Path input;
    @Option(names = "--key", paramLabel = "NAME",
            description = "the array of an .npz or the tensor of a .safetensors input to read")
    String key;
    @Option(names = "--reference", paramLabel = "FILE",
            description = "the reference Y: integer labels (N×1), a real scalar (N×1) or vectors (N×D′)")
    Path reference;
    @Option(names = "--reference-kind", paramLabel = "K", converter = Converters.ReferenceKindName.class,
            description = "auto | discrete | scalar | vector (default auto: inferred as the reference does)")
    ReferenceKind referenceKind;
    @Option(names = "--clusters-in", paramLabel = "FILE",
            description = "precomputed class labels (.npy), one per row of Z, instead of --reference")
    Path clustersIn;
    @Option(names = "--clusters-out", paramLabel = "FILE",
            description = "write the classes used to this .npy (int64, N), to reuse with --clusters-in")
    Path clustersOut;
    @Option(names = "--measure", paramLabel = "M", converter = Converters.MiMeasureName.class,
            description = "dsmi | csmi | matrix-entry | asmi-gaussian | asmi-anisotropic | asmi-knn (default dsmi): "
                    + "the MI form of each entropy measure")
    MutualInformation.Measure measure;
    @Option(names = "--knn", paramLabel = "K", converter = Converters.AtLeast1.class,
            description = "neighbours per point for asmi-knn (default 10)")
    Integer knn;
    @Option(names = "--bins", paramLabel = "B", converter = Converters.AtLeast1.class,
            description = "bins per dimension for csmi (default 2)")
    Integer bins;
    @Mixin
    DsmiOptions dsmi;
    @Mixin
    SeedOption seed;
    @Mixin
    ComputeOptions compute;
    @Mixin
    ReportOptions report;

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;

    MiCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * The options each measure ignores, read from what MutualInformation computes for it: --bins is csmi's, --knn
     * asmi-knn's; csmi counts on the CPU (no σ, t, precision or backend; its subsets do use --threads); matrix-entry
     * and the ASMI forms have no t (the ASE ones are at t = 1); asmi-knn's 0/1 adjacency has no σ and is computed in
     * double whatever --precision says.
     */
    static final Map<MutualInformation.Measure, Ignored> IGNORED = Map.of(
            MutualInformation.Measure.DSMI, new Ignored(List.of("--bins", "--knn"),
                    "--bins is csmi's, --knn asmi-knn's"),
            MutualInformation.Measure.CSMI, new Ignored(List.of("--sigma", "--t", "--knn", "--precision",
                    "--backend", "--device"), "csmi bins the coordinates and counts, on the CPU: no kernel, no "
                            + "diffusion time"),
            MutualInformation.Measure.MATRIX_ENTRY, new Ignored(List.of("--t", "--bins", "--knn"),
                    "matrix-entry takes the entries of P = D⁻¹K at σ: no diffusion time"),
            MutualInformation.Measure.ASMI_GAUSSIAN, new Ignored(List.of("--t", "--bins", "--knn"),
                    "adjacency spectral entropy has no diffusion time"),
            MutualInformation.Measure.ASMI_ANISOTROPIC, new Ignored(List.of("--t", "--bins", "--knn"),
                    "adjacency spectral entropy has no diffusion time (it is DSMI at t = 1)"),
            MutualInformation.Measure.ASMI_KNN, new Ignored(List.of("--sigma", "--t", "--bins", "--precision"),
                    "asmi-knn uses the 0/1 k-NN adjacency (--knn), computed in double: no σ, no diffusion time"));

    @Override
    public Integer call() throws IOException {
        if (input == null) {
            throw new UsageException("--input Z is required");
        }
        if ((reference != null) == (clustersIn != null)) {
            throw new UsageException("give exactly one of --reference Y or --clusters-in LABELS.npy");
        }
        if (clustersOut != null) {
            checkClustersOut(clustersOut);
        }
        MutualInformation.Measure measure = this.measure != null ? this.measure : MutualInformation.Measure.DSMI;
        IGNORED.get(measure).refuseGiven(spec.commandLine().getParseResult(), measure.label());
        ReferenceKind kind = referenceKind != null ? referenceKind : ReferenceKind.AUTO;
        MutualInformation.Builder builder = compute.applyTo(dsmi.applyTo(MutualInformation.builder().measure(measure)
                .seed(seed.value()).referenceKind(kind)));
        if (bins != null) {
            builder.bins(bins);
        }
        if (knn != null) {
            builder.knn(knn);
        }
        // Both headers first: a mismatch in N is reported before either file's data is read.
        io.dse4j.io.MatrixFile zFile = MatrixFiles.open(input, key);
        io.dse4j.io.MatrixFile yFile = reference != null ? MatrixFiles.open(reference, null) : null;
        if (yFile != null && yFile.rows() != zFile.rows()) {
            throw new UsageException("Z has " + zFile.rows() + " rows but the reference has " + yFile.rows()
                    + "; they must describe the same N inputs");
        }
        Matrix z = zFile.read();
        int[] labels;
        String referenceName;
        if (yFile == null) {
            labels = readLabels(clustersIn);
            referenceName = "precomputed";
        } else {
            ReferenceClasses classes = ReferenceClasses.of(yFile.read(), kind, dsmi.clusters());
            labels = classes.labels();
            referenceName = classes.kind().label();
        }
        if (clustersOut != null) {
            long[] asLongs = new long[labels.length];
            for (int i = 0; i < labels.length; i++) {
                asLongs[i] = labels[i];
            }
            NpyWriter.writeLongs(clustersOut, asLongs, labels.length);
        }
        MiResult r;
        try (ProgressBar bar = report.progressBar(err, "mi");
             MutualInformation mi = builder.progress(bar).build()) {
            r = mi.compute(z, labels);
        }
        report.reporter(out).mi(r, referenceName);
        return 0;
    }

    /**
     * The --clusters-out file, checked before any work: a .npy (--clusters-in reads it back by its extension) in a
     * folder that exists, not a folder itself — whose refusal would otherwise come after the computation, naming a
     * temporary file.
     */
    private static void checkClustersOut(Path file) {
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
}
