package io.dse4j.cli;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.InvalidInputException;
import io.dse4j.Matrix;
import io.dse4j.ReferenceClasses;
import io.dse4j.ReferenceKind;
import io.dse4j.Tracker;
import io.dse4j.io.MatrixFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dse4j track}: DSE, DSMI(Z;Y) and DSMI(Z;X) of every checkpoint of a training run, as a table (CSV, JSON
 * lines) and a plot, resumable ({@link TrackTable}) and, with {@code --follow}, growing while training runs.
 *
 * <p>The annotated fields declare the options to picocli; the command reads single values by name through
 * {@link Options}, which checks each against its allowed range.
 */
@Command(name = "track", mixinStandardHelpOptions = true, versionProvider = Main.VersionText.class,
        sortOptions = false,
        description = "DSE and DSMI of every checkpoint of a training run: a table and a plot, resumable.",
        customSynopsis = "dse4j track --checkpoints GLOB|DIR|FILE... [--labels Y] [--inputs X] [--out TABLE.csv] "
                + "[--plot PLOT.png|.svg] [options]")
final class TrackCommand implements Callable<Integer> {

    @Option(names = "--checkpoints", paramLabel = "PATH", arity = "1..*", description = "the representations, one "
            + "file per checkpoint (.npy, .npz, .csv): files, folders, or globs such as 'runs/exp1/epoch_*.npy' "
            + "(quoted; ** crosses folders); in natural order (epoch_2 before epoch_10)")
    List<String> checkpoints;
    @Option(names = "--key", paramLabel = "NAME", description = "the array of .npz checkpoints to read")
    String key;
    @Option(names = "--labels", paramLabel = "FILE", description = "class labels Y, one integer per row of every "
            + "checkpoint: adds DSMI(Z;Y)")
    String labels;
    @Option(names = "--inputs", paramLabel = "FILE", description = "the inputs X, one row per row of every "
            + "checkpoint: adds DSMI(Z;X) against X's spectral clusters, computed once")
    String inputs;
    @Option(names = "--out", paramLabel = "FILE.csv", description = "the table: a rerun skips the checkpoints it "
            + "holds (when made with the same parameters); each row is added when complete")
    String out;
    @Option(names = "--plot", paramLabel = "FILE", description = "a line plot of the table, .png or .svg, redrawn "
            + "after each checkpoint")
    String plot;
    @Option(names = "--order-by", paramLabel = "REGEX", description = "the number in each file name that orders the "
            + "checkpoints (its first group, else the match), e.g. 'epoch_(\\d+)' (default: the name's last number)")
    String orderBy;
    @Option(names = "--follow", description = "keep watching for new checkpoints (until Ctrl-C or --idle-timeout)")
    boolean follow;
    @Option(names = "--poll-interval", paramLabel = "S", description = "seconds between looks for new checkpoints "
            + "under --follow (default 2); a new file is read once its size has not changed for one interval")
    String pollInterval;
    @Option(names = "--idle-timeout", paramLabel = "S", description = "under --follow, stop after S seconds without "
            + "a new checkpoint (default: never)")
    String idleTimeout;
    @Option(names = "--force", description = "start the --out table afresh when it was made with other parameters")
    boolean force;
    @Option(names = "--sigma", paramLabel = "S", description = "Gaussian kernel bandwidth (default 10)")
    String sigma;
    @Option(names = "--t", paramLabel = "T", description = "diffusion time (default 1)")
    String t;
    @Option(names = "--max-n", paramLabel = "M", description = "checkpoints with more rows are measured on the same "
            + "seeded subsample of M rows (default 10000)")
    String maxN;
    @Option(names = "--seed", paramLabel = "K", description = "seed of that subsample and of the DSMI subsets "
            + "(default 0)")
    String seed;
    @Option(names = "--repetitions", paramLabel = "R", description = "random subsets per class; their spread gives "
            + "the DSMIs' error bars (default 5)")
    String repetitions;
    @Option(names = "--clusters", paramLabel = "C", description = "spectral clusters of X for DSMI(Z;X) (default 10)")
    String clusters;
    @Mixin
    Main.ComputeOptions compute;

    @Spec
    CommandSpec spec;

    private final PrintStream stdout;
    private final PrintStream err;
    /** The progress bar of the run in progress, if one is drawn. */
    private ProgressBar bar;

    TrackCommand(PrintStream out, PrintStream err) {
        this.stdout = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Options o = Options.of(spec.commandLine().getParseResult());
        if (checkpoints == null || checkpoints.isEmpty()) {
            throw new UsageException("--checkpoints PATH... is required");
        }
        Tracker.Builder builder = Tracker.builder()
                .sigma(o.fixedSigma("--sigma", DiffusionSpectralEntropy.DEFAULT_SIGMA))
                .t(o.number("--t", DiffusionSpectralEntropy.DEFAULT_T))
                .maxN(o.intValue("--max-n", DiffusionSpectralEntropy.DEFAULT_MAX_N, 2, Integer.MAX_VALUE))
                .seed(o.integer("--seed", DiffusionSpectralEntropy.DEFAULT_SEED))
                .repetitions(o.intValue("--repetitions", 5, 1, Integer.MAX_VALUE))
                .clusters(o.intValue("--clusters", 10, 2, Integer.MAX_VALUE))
                .precision(io.dse4j.Precision.parse(o.string("--precision", "f64")));
        if (o.has("--backend")) {
            builder.backend(o.string("--backend", null));
        }
        if (o.has("--device")) {
            builder.device(o.intValue("--device", 0, 0, Integer.MAX_VALUE));
        }
        if (o.has("--threads")) {
            builder.threads(o.intValue("--threads", 0, 1, EntropyCommand.MAX_THREADS));
        }
        double poll = o.number("--poll-interval", 2);
        double idle = o.number("--idle-timeout", 0);
        if (!(poll >= 0.01) || !(idle >= 0)) {
            throw new UsageException("--poll-interval must be at least 0.01 and --idle-timeout ≥ 0 seconds, got "
                    + poll + " and " + idle);
        }
        if ((o.has("--poll-interval") || o.has("--idle-timeout")) && !follow) {
            throw new UsageException("--poll-interval and --idle-timeout apply to --follow only");
        }
        Pattern order = null;
        if (orderBy != null) {
            try {
                order = Pattern.compile(orderBy);
            } catch (PatternSyntaxException e) {
                throw new UsageException("--order-by is not a regular expression: " + e.getDescription() + " in '"
                        + orderBy + "'");
            }
        }
        // Every check that needs no computation comes first: the plot and table paths, the table's parameters.
        Path plotFile = plot == null ? null : Path.of(plot);
        if (plotFile != null) {
            Charts.check("--plot", plotFile);
        }
        Path table = out == null ? null : Path.of(out);
        if (table != null) {
            Path folder = table.toAbsolutePath().getParent();
            if (table.getFileName() == null || Files.isDirectory(table)) {
                throw new UsageException("--out " + table + " is a folder; give a .csv file");
            }
            if (folder == null || !Files.isDirectory(folder)) {
                throw new UsageException("--out " + table + ": the folder " + folder + " does not exist");
            }
            if (!Files.isWritable(folder)) {
                throw new UsageException("--out " + table + ": the folder " + folder + " is not writable");
            }
        }
        Map<String, String> parameters = new LinkedHashMap<>(builder.parameters());
        int[] y = null;
        Matrix x = null;
        if (labels != null) {
            Path file = Path.of(labels);
            y = readLabels(file);
            parameters.put("labels", describe(file));
            builder.labels(y);
        }
        if (inputs != null) {
            Path file = Path.of(inputs);
            x = MatrixFiles.read(file);
            parameters.put("inputs", describe(file));
            builder.inputs(x);
        }
        if (key != null) {
            parameters.put("key", key);
        }
        if (orderBy != null) {
            parameters.put("order_by", orderBy);
        }
        // The run's own files are never checkpoints, whatever a folder or glob matches.
        java.util.Set<Path> excluded = new java.util.HashSet<>();
        for (String own : new String[] {labels, inputs, out, plot}) {
            if (own != null) {
                excluded.add(Checkpoints.real(Path.of(own)));
            }
        }
        try (TrackTable rows = TrackTable.open(table, parameters, force)) {
            measureAll(rows, excluded, order, o, plotFile, caption(parameters, y != null, x != null), builder, poll,
                    idle);
        }
        return 0;
    }

    /** Measures what the table lacks (and, under --follow, what appears), with the table locked for this run. */
    private void measureAll(TrackTable rows, java.util.Set<Path> excluded, Pattern order, Options o, Path plotFile,
                            String caption, Tracker.Builder builder, double poll, double idle)
            throws IOException, InterruptedException {
        List<Checkpoints.Checkpoint> todo = follow ? List.of()
                : Checkpoints.ordered(Checkpoints.expand(checkpoints, excluded, false), order).stream()
                .filter(c -> !rows.has(c.name())).toList();
        boolean json = o.has("--json");
        for (Tracker.Row done : rows.rows()) {
            print(done, true, json);
        }
        // Under --follow the number of checkpoints is open, so progress gives no fraction of the whole.
        try (ProgressBar progress = ProgressBar.forTerminal(err, "track", json, o.has("--quiet"));
             Tracker tracker = builder.expectedCheckpoints(follow ? 0 : todo.size()).progress(progress).build()) {
            bar = progress;
            for (Checkpoints.Checkpoint c : todo) {
                measure(tracker, rows, c, json, plotFile, caption);
            }
            if (plotFile != null && todo.isEmpty() && !rows.rows().isEmpty()) {
                TrackPlot.write(plotFile, rows.rows(), xLabel(), caption);
            }
            if (follow) {
                follow(tracker, rows, order, excluded, json, plotFile, caption, poll, idle);
            }
        } finally {
            bar = null;
        }
    }

    private void measure(Tracker tracker, TrackTable rows, Checkpoints.Checkpoint c, boolean json, Path plotFile,
                         String caption) throws IOException {
        Matrix z;
        try {
            z = MatrixFiles.read(c.file(), key);
        } catch (IOException | InvalidInputException e) {
            String message = e.getMessage();
            throw new UsageException("checkpoint " + c.name() + ": "
                    + (message != null && message.startsWith(c.file().toString()) ? message.substring(
                    c.file().toString().length()).replaceFirst("^: ", "") : message));
        }
        Tracker.Row row = tracker.add(c.name(), c.order(), z);
        rows.append(row);
        print(row, false, json);
        if (plotFile != null) {
            TrackPlot.write(plotFile, rows.rows(), xLabel(), caption);
        }
    }

    /**
     * Watches the checkpoint paths — from the start, so a run may begin before its first checkpoint exists — for
     * files the table lacks, measuring each once its size and modification time have not changed for one poll
     * interval (a file still being written is left for the next look), until interrupted or, with an idle timeout,
     * that long without a new checkpoint. A checkpoint that cannot be measured is reported on stderr and tried again
     * once the file changes; the watch goes on.
     */
    private void follow(Tracker tracker, TrackTable rows, Pattern order, java.util.Set<Path> excluded, boolean json,
                        Path plotFile, String caption, double poll, double idle)
            throws IOException, InterruptedException {
        Map<Path, String> lastSeen = new HashMap<>();
        Map<Path, String> failedAt = new HashMap<>();
        long idleSince = System.nanoTime();
        while (idle <= 0 || System.nanoTime() - idleSince < idle * 1e9) {
            Thread.sleep((long) (poll * 1000));
            List<Checkpoints.Checkpoint> fresh = new ArrayList<>();
            for (Checkpoints.Checkpoint c : Checkpoints.ordered(Checkpoints.expand(checkpoints, excluded, true),
                    order)) {
                if (rows.has(c.name())) {
                    continue;
                }
                String state = state(c.file());
                if (state != null && state.equals(lastSeen.put(c.file(), state))
                        && !state.equals(failedAt.get(c.file()))) {
                    fresh.add(c);
                }
            }
            for (Checkpoints.Checkpoint c : fresh) {
                try {
                    measure(tracker, rows, c, json, plotFile, caption);
                } catch (UsageException | InvalidInputException e) {
                    clearBar();
                    err.println("dse4j: " + e.getMessage() + " (skipped; tried again if the file changes)");
                    failedAt.put(c.file(), state(c.file()));
                }
                idleSince = System.nanoTime();
            }
        }
    }

    /** The progress bar's line cleared, so that a line printed next starts clean. */
    private void clearBar() {
        ProgressBar shown = bar;
        if (shown != null) {
            shown.clear();
        }
    }

    /** Size and modification time, or null when the file has gone. */
    private static String state(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.size() + "@" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return null;
        }
    }

    private void print(Tracker.Row r, boolean fromTable, boolean json) {
        clearBar();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("checkpoint", r.name());
            m.put("order", r.order());
            m.put("n", r.n());
            m.put("d", r.d());
            m.put("dse", r.dse());
            m.put("dsmi_y", r.dsmiLabels());
            m.put("dsmi_y_sd", r.dsmiLabelsSd());
            m.put("dsmi_x", r.dsmiInputs());
            m.put("dsmi_x_sd", r.dsmiInputsSd());
            m.put("seconds", r.seconds());
            m.put("backend", r.backend());
            m.put("from_table", fromTable);
            stdout.println(Json.write(m));
        } else {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-32s order %-8s N = %-6d DSE = %.6f",
                    r.name(), trim(r.order()), r.n(), r.dse()));
            if (!Double.isNaN(r.dsmiLabels())) {
                s.append(String.format(Locale.ROOT, "  DSMI(Z;Y) = %.6f ± %.6f", r.dsmiLabels(), r.dsmiLabelsSd()));
            }
            if (!Double.isNaN(r.dsmiInputs())) {
                s.append(String.format(Locale.ROOT, "  DSMI(Z;X) = %.6f ± %.6f", r.dsmiInputs(), r.dsmiInputsSd()));
            }
            s.append(fromTable ? "  (from the table)" : String.format(Locale.ROOT, "  %.2f s %s", r.seconds(),
                    r.backend()));
            stdout.println(s);
        }
        stdout.flush();
    }

    private String xLabel() {
        return orderBy != null ? "checkpoint (order from " + orderBy + ")" : "checkpoint";
    }

    private static String caption(Map<String, String> p, boolean withLabels, boolean withInputs) {
        String reference = withInputs ? ", X in " + p.get("clusters") + " clusters" : "";
        String spread = withLabels || withInputs ? ", " + p.get("repetitions") + " repetitions (bars ±1 sd)" : "";
        return String.format(Locale.ROOT, "σ = %s, t = %s, N ≤ %s, seed %s%s%s, %s · dse4j %s",
                trim(Double.parseDouble(p.get("sigma"))), trim(Double.parseDouble(p.get("t"))), p.get("max_n"),
                p.get("seed"), spread, reference, p.get("precision"), io.dse4j.Version.string());
    }

    /** Integer class labels, checked as discrete references are. */
    private static int[] readLabels(Path file) throws IOException {
        try {
            return ReferenceClasses.of(MatrixFiles.read(file), ReferenceKind.DISCRETE, 2).labels();
        } catch (InvalidInputException e) {
            throw new UsageException(file + ": class labels (--labels): "
                    + e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
        }
    }

    /** A reference file as the table records it: its name and the start of its content's SHA-256. */
    private static String describe(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int read; (read = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, read);
            }
            return file.getFileName() + "@sha256:" + java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
