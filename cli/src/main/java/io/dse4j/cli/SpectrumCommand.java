package io.dse4j.cli;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.DseResult;
import io.dse4j.Spectrum;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dse4j spectrum}: the diffusion spectrum of a file or example — its eigenvalues, the DSE at each of several
 * diffusion times from the one decomposition, a plot, and the eigenvalues saved for later (readable back as the
 * eigenvalue cache of {@code entropy --eigenvalues-cache}).
 */
@Command(name = "spectrum", mixinStandardHelpOptions = true, versionProvider = Main.VersionText.class,
        sortOptions = false,
        description = "The diffusion spectrum: eigenvalues, DSE at several t from one decomposition, a plot.",
        customSynopsis = "dse4j spectrum (--input FILE | --example NAME) [--t 1,2,5,10] [--plot FILE.png|.svg] "
                + "[--out EIGENVALUES.npy] [options]")
final class SpectrumCommand implements Callable<Integer> {

    /** Largest eigenvalues listed in the report and the JSON. */
    static final int LISTED = 10;

    @Mixin
    PointsOptions points;
    @Mixin
    KernelOptions kernel;
    @Mixin
    TimesOption t;
    @Mixin
    SamplingOptions sampling;
    @Option(names = "--plot", paramLabel = "FILE", description = "the powered eigenvalues (log scale) and the "
            + "cumulative probability for each t, with its DSE: .png or .svg")
    Path plot;
    @Option(names = "--out", paramLabel = "FILE", description = "save the eigenvalues (float64, largest first): "
            + ".npy, or .npz under the key eigvals with a record of what they were computed from (as entropy "
            + "--eigenvalues-cache writes it, which then checks it against its run; a .npy it reads with a warning "
            + "that it cannot be checked)")
    Path eigenvalues;
    @Mixin
    ComputeOptions compute;
    @Mixin
    ReportOptions report;

    private final PrintStream stdout;
    private final PrintStream err;

    SpectrumCommand(PrintStream out, PrintStream err) {
        this.stdout = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        DiffusionSpectralEntropy.Builder builder = compute.applyTo(sampling.applyTo(kernel.applyTo(
                DiffusionSpectralEntropy.builder())));
        double[] times = t.listTo(builder);
        if (plot != null) {
            Charts.check("--plot", plot);
        }
        if (eigenvalues != null) {
            if (eigenvalues.getFileName() == null) {
                throw new UsageException("--out " + eigenvalues + ": give a file name ending in .npy or .npz");
            }
            String name = eigenvalues.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!name.endsWith(".npy") && !name.endsWith(".npz")) {
                throw new UsageException("--out " + eigenvalues + ": the file must end in .npy or .npz");
            }
            Path folder = eigenvalues.toAbsolutePath().getParent();
            if (folder == null || !Files.isDirectory(folder)) {
                throw new UsageException("--out " + eigenvalues + ": the folder " + folder + " does not exist");
            }
        }
        PointsOptions.Input x = points.input();
        DseResult r;
        // A .npz can hold the record of what the eigenvalues came from beside them, as entropy's cache does: it is
        // then computed on the rows the record's digest was taken of.
        boolean recorded = eigenvalues != null && eigenvalues.getFileName().toString().toLowerCase(Locale.ROOT)
                .endsWith(".npz");
        Map<String, String> record = null;
        try (ProgressBar bar = report.progressBar(err, "spectrum");
             DiffusionSpectralEntropy dse = builder.progress(bar).build()) {
            if (recorded) {
                UsedRows rows = UsedRows.of(x, sampling.maxN(), sampling.seed());
                record = CacheRecord.of(EntropyMeasure.DSE, DiffusionSpectralEntropy.Method.EXACT, 0, kernel, compute,
                        sampling, rows);
                r = rows.asComputedOnInput(dse.compute(rows.matrix()));
            } else {
                r = x.file() != null ? dse.compute(x.file()) : dse.compute(x.matrix());
            }
        }
        Spectrum spectrum = r.spectrum();
        double[] entropies = new double[times.length];
        for (int i = 0; i < times.length; i++) {
            entropies[i] = spectrum.entropy(times[i]);
        }
        if (record != null) {
            EigenvalueCache.save(eigenvalues, spectrum, record);
        } else if (eigenvalues != null) {
            EigenvalueCache.save(eigenvalues, spectrum);
        }
        String caption = String.format(Locale.ROOT, "%s: N = %d%s, D = %d, σ = %s, %s, %s · dse4j %s", x.source(),
                r.n(), r.inputRows() > r.n() ? " of " + r.inputRows() : "", r.d(), Reporter.trim(r.sigma()),
                r.precision().label(), r.backend(), io.dse4j.Version.string());
        if (plot != null) {
            SpectrumPlot.write(plot, spectrum, times, "Diffusion spectrum", caption);
        }
        double[] largest = java.util.Arrays.copyOf(spectrum.eigenvalues(), Math.min(LISTED, spectrum.size()));
        report.reporter(stdout).spectrum(r, times, entropies, largest, x.source(), kernel,
                eigenvalues == null ? null : eigenvalues.toString(), plot == null ? null : plot.toString());
        return 0;
    }
}
