package io.dse4j.cli;

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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dse4j track}: DSE, DSMI(Z;Y) and DSMI(Z;X) of every checkpoint of a training run, as a table (CSV, JSON
 * lines) and a plot, resumable ({@link TrackTable}) and, with {@code --follow}, growing while training runs.
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
    @Option(names = "--key", paramLabel = "NAME", description = "the array of .npz or .safetensors checkpoints to "
            + "read (one; --layers for several)")
    String key;
    @Option(names = "--layers", paramLabel = "GLOB", description = "measure several arrays of each checkpoint, a row "
            + "(and a curve) each: globs over their names, comma-separated ('block*', 'encoder.layer.*,head'; * "
            + "any characters, ? one), or all. A checkpoint is then a .npz or .safetensors file (its arrays) or a "
            + "folder of .npy/.csv files (one per layer, named by the file without its extension)")
    String layers;
    @Option(names = "--labels", paramLabel = "FILE", description = "class labels Y, one integer per row of every "
            + "checkpoint: adds DSMI(Z;Y)")
    String labels;
    @Option(names = "--inputs", paramLabel = "FILE", description = "the inputs X, one row per row of every "
            + "checkpoint: adds DSMI(Z;X) against X's spectral clusters, computed once")
    String inputs;
    @Option(names = "--out", paramLabel = "FILE.csv", description = "the table (its first line the header; the "
            + "parameters beside it in FILE.csv.json): a rerun keeps the rows it holds when made with the same "
            + "parameters, and computes again the row of a checkpoint whose file changed (each row records the file's "
            + "size, modification time and SHA-256); each row is added when complete")
    String out;
    @Option(names = "--plot", paramLabel = "FILE", description = "a line plot of the table, .png or .svg, redrawn "
            + "after each checkpoint")
    String plot;
    @Option(names = "--also", paramLabel = "LIST", split = ",", description = "measures to add to each row beside "
            + "DSE and the DSMIs: rankme (RankMe, Garrido et al. 2023), vne (the von Neumann entropy of the "
            + "trace-normalised Gram matrix, bits); both come from one decomposition, so either gives both columns")
    List<String> also;
    @Option(names = "--count-above", paramLabel = "FLOOR", converter = Converters.Decimal.class,
            description = "add to each row the count of the diffusion kernel's eigenvalues with |λ| > FLOOR (at t = 1; "
                    + "e.g. 1e-6), as entropy --count-above gives it")
    Double countAbove;
    @Option(names = "--tensorboard", paramLabel = "DIR", description = "also write the rows as TensorBoard scalars "
            + "(dse/LAYER, dsmi_y/LAYER, dsmi_x/LAYER at step = the checkpoint's order) into DIR/NAME for --out "
            + "NAME.csv (DIR/track without --out), as each row is recorded: tensorboard --logdir DIR shows them, "
            + "--follow streams into it, a rerun adds only what the folder lacks")
    String tensorboard;
    @Option(names = "--order-by", paramLabel = "REGEX", description = "the number in each file name that orders the "
            + "checkpoints (its first group, else the match), e.g. 'epoch_(\\d+)' (default: the name's last number)")
    String orderBy;
    @Option(names = "--follow", description = "keep watching for new checkpoints (until Ctrl-C or --idle-timeout)")
    boolean follow;
    @Option(names = "--poll-interval", paramLabel = "S", converter = Converters.Decimal.class,
            description = "seconds between looks for new or changed checkpoints under --follow (default 2); a file "
                    + "is read once its size and modification time are the same at two looks and it has not been "
                    + "written for " + FollowedFiles.QUIET_SECONDS + " s, and read again whenever it changes")
    Double pollInterval;
    @Option(names = "--idle-timeout", paramLabel = "S", converter = Converters.Decimal.class,
            description = "under --follow, stop after S seconds without a new or changed checkpoint to measure "
                    + "(default: never)")
    Double idleTimeout;
    @Option(names = "--force", description = "start the --out table afresh when it was made with other parameters "
            + "or cannot be read back (an earlier dse4j's format, an edited line, a checkpoint that no longer "
            + "exists)")
    boolean force;
    @Mixin
    DsmiOptions dsmi;
    @Mixin
    SamplingOptions sampling;
    @Mixin
    ComputeOptions compute;
    @Mixin
    ReportOptions report;

    private final PrintStream stdout;
    private final PrintStream err;
    /** The progress bar of the run in progress, if one is drawn. */
    private ProgressBar bar;
    /** The rows' reporter of the run in progress. */
    private Reporter reporter;
    /** The TensorBoard run the rows are also written to (--tensorboard), or null. */
    private TrackBoard board;

    TrackCommand(PrintStream out, PrintStream err) {
        this.stdout = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (checkpoints == null || checkpoints.isEmpty()) {
            throw new UsageException("--checkpoints PATH... is required");
        }
        if (key != null && layers != null) {
            throw new UsageException("--key and --layers are exclusive: --key NAME reads one array of each checkpoint, "
                    + "--layers GLOB several (--layers NAME for one, as a layer)");
        }
        if (layers != null) {
            CheckpointLayers.pattern(layers);     // refuses an empty glob before anything is read
        }
        if (also != null) {
            for (String measure : also) {
                if (!measure.equals("rankme") && !measure.equals("vne")) {
                    throw new UsageException("--also takes rankme and vne (comma-separated), got '" + measure + "'");
                }
            }
        }
        Tracker.Builder builder = compute.applyTo(sampling.applyTo(dsmi.applyTo(Tracker.builder())))
                .linearMeasures(also != null && !also.isEmpty());
        if (countAbove != null) {
            if (!(countAbove >= 0) || countAbove.isInfinite()) {
                throw new UsageException("--count-above must be a finite number ≥ 0, got " + countAbove);
            }
            builder.countAbove(countAbove);
        }
        double poll = pollInterval != null ? pollInterval : 2;
        double idle = idleTimeout != null ? idleTimeout : 0;
        if (!(poll >= 0.01) || !(idle >= 0)) {
            throw new UsageException("--poll-interval must be at least 0.01 and --idle-timeout ≥ 0 seconds, got "
                    + poll + " and " + idle);
        }
        if ((pollInterval != null || idleTimeout != null) && !follow) {
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
        distinctFiles();
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
        if (layers != null) {
            parameters.put("layers", layers);
        }
        if (also != null && !also.isEmpty()) {
            parameters.put("also", "rankme,vne");
        }
        if (countAbove != null) {
            parameters.put("count_above", Double.toString(countAbove));
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
        if (table != null) {
            excluded.add(Checkpoints.real(TrackSidecar.of(table)));
        }
        try (TrackTable rows = TrackTable.open(table, parameters, force);
             TrackBoard events = tensorboard == null ? null : TrackBoard.open(Path.of(tensorboard), table,
                     rows.rows())) {
            board = events;
            measureAll(rows, excluded, order, plotFile, caption(parameters, y != null, x != null), builder, poll, idle);
        } finally {
            board = null;
        }
        return 0;
    }

    /**
     * Refuses --out, --plot, --labels and --inputs naming one file twice: the table would be replaced by the plot,
     * or the labels by the table.
     */
    private void distinctFiles() {
        Map<Path, String> seen = new LinkedHashMap<>();
        String[][] files = {{"--out", out}, {"--plot", plot}, {"--labels", labels}, {"--inputs", inputs}};
        for (String[] option : files) {
            if (option[1] == null) {
                continue;
            }
            String before = seen.putIfAbsent(Checkpoints.real(Path.of(option[1])), option[0]);
            if (before != null) {
                throw new UsageException(before + " and " + option[0] + " name the same file (" + option[1] + "); "
                        + (option[0].equals("--plot") || option[0].equals("--out")
                                ? "one would overwrite the other: give two files" : "give each its own file"));
            }
        }
    }

    /**
     * Measures what the table lacks or holds for a file that changed since (and, under --follow, what appears or
     * changes), with the table locked for this run.
     */
    private void measureAll(TrackTable rows, java.util.Set<Path> excluded, Pattern order, Path plotFile,
                            String caption, Tracker.Builder builder, double poll, double idle)
            throws IOException, InterruptedException {
        reporter = report.reporter(stdout);
        List<Checkpoints.Checkpoint> found = candidates(rows, excluded, order, follow);
        java.util.Set<String> changed = verify(rows, found);
        // What each checkpoint lacks: all its layers when it has no rows or changed, else the layers chosen now that
        // it has no row for (a run stopped between two layers of a checkpoint).
        Map<Checkpoints.Checkpoint, Integer> pending = new LinkedHashMap<>();
        if (!follow) {
            for (Checkpoints.Checkpoint c : found) {
                List<CheckpointLayers.Layer> chosen = chosenLayers(c);
                java.util.Set<String> have = changed.contains(c.name()) ? java.util.Set.of() : rows.layers(c.name());
                int missing = (int) chosen.stream().filter(l -> !have.contains(l.name())).count();
                if (missing > 0) {
                    pending.put(c, missing);
                }
            }
        }
        List<Checkpoints.Checkpoint> todo = List.copyOf(pending.keySet());
        for (Tracker.Row done : rows.rows()) {
            if (!changed.contains(done.name())) {
                print(done, true);
            }
        }
        // Under --follow the number of checkpoints is open, so progress gives no fraction of the whole.
        try (ProgressBar progress = report.progressBar(err, "track");
             Tracker tracker = builder.expectedCheckpoints(follow ? 0 : pending.values().stream()
                     .mapToInt(Integer::intValue).sum()).progress(progress).build()) {
            bar = progress;
            for (Checkpoints.Checkpoint c : todo) {
                measure(tracker, rows, c, null, plotFile, caption, false);
            }
            if (plotFile != null && todo.isEmpty() && !rows.rows().isEmpty()) {
                TrackPlot.write(plotFile, rows.rows(), xLabel(), caption);
            }
            if (follow) {
                follow(tracker, rows, order, excluded, plotFile, caption, poll, idle, changed);
            }
        } finally {
            bar = null;
        }
    }

    /**
     * The checkpoints the arguments name, then those the table has rows for that they do not name (a row's file is
     * checked, and its row recomputed when it changed, whichever run measured it).
     */
    private List<Checkpoints.Checkpoint> candidates(TrackTable rows, java.util.Set<Path> excluded, Pattern order,
                                                    boolean mayMatchNothing) throws IOException {
        List<Checkpoints.Checkpoint> found = new ArrayList<>(Checkpoints.ordered(Checkpoints.expand(checkpoints,
                excluded, mayMatchNothing, layers != null, this::noteSkipped), order));
        java.util.Set<String> named = new java.util.HashSet<>();
        found.forEach(c -> named.add(c.name()));
        for (Tracker.Row r : rows.rows()) {
            if (named.add(r.name())) {
                found.add(new Checkpoints.Checkpoint(r.name(), Path.of(r.name()), r.order()));
            }
        }
        return found;
    }

    /**
     * Compares each row's recorded identity with its file as it is now: the checkpoints whose content changed
     * (another size, or another SHA-256 — the whole file is digested, since a rewrite may keep the size and a copy
     * the time) are returned, to be measured again; a file only touched (the same content, another time) keeps its
     * row, with the new time recorded.
     */
    private java.util.Set<String> verify(TrackTable rows, List<Checkpoints.Checkpoint> found) throws IOException {
        java.util.Set<String> changed = new java.util.LinkedHashSet<>();
        Map<String, CheckpointIdentity> touched = new LinkedHashMap<>();
        for (Checkpoints.Checkpoint c : found) {
            CheckpointIdentity recorded = rows.identity(c.name());
            CheckpointIdentity.Stat now = recorded == null ? null : CheckpointIdentity.stat(c.file());
            if (now == null) {
                continue;     // no row, or its file went away since the table was read
            }
            if (now.size() != recorded.size()) {
                changed.add(c.name());
                note(c, "its size went from " + recorded.size() + " to " + now.size() + " bytes");
                continue;
            }
            CheckpointIdentity current = CheckpointIdentity.of(c.file());
            if (!current.sameContent(recorded)) {
                changed.add(c.name());
                note(c, current.changeFrom(recorded));
            } else if (!current.modified().equals(recorded.modified())) {
                touched.put(c.name(), current);
            }
        }
        rows.refresh(touched);
        return changed;
    }

    /** Says once per run which files of a folder argument were not taken as checkpoints. */
    private void noteSkipped(String message) {
        if (skippedNoted.add(message)) {
            clearBar();
            err.println("dse4j: " + message);
        }
    }

    private final java.util.Set<String> skippedNoted = new java.util.HashSet<>();

    private void note(Checkpoints.Checkpoint c, String change) {
        clearBar();
        err.println("dse4j: checkpoint " + c.name() + " has changed since its row was computed (" + change + "); "
                + (follow ? "it is measured again once it stops changing" : "it is measured again"));
    }

    /**
     * Measures a checkpoint and sets its row, recorded with the identity of the file as it was read.
     *
     * @param known     the file's identity when the caller just took it, else null
     * @param following under --follow: a file that changes while it is read is left for a later look (false is
     *                  returned) rather than refused
     * @return whether a row was set
     */
    private boolean measure(Tracker tracker, TrackTable rows, Checkpoints.Checkpoint c, CheckpointIdentity known,
                            Path plotFile, String caption, boolean following) throws IOException {
        CheckpointIdentity identity;
        List<CheckpointLayers.Layer> chosen;
        try {
            identity = known != null ? known : CheckpointIdentity.of(c.file());
            chosen = chosenLayers(c);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UsageException("checkpoint " + c.name() + ": no such file");
        }
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        chosen.forEach(l -> names.add(l.name()));
        // Layers whose rows were computed from this content stay (a run stopped between two layers of a checkpoint).
        CheckpointIdentity recorded = rows.identity(c.name());
        java.util.Set<String> done = recorded != null && recorded.sameContent(identity) ? rows.layers(c.name())
                : java.util.Set.of();
        for (CheckpointLayers.Layer layer : chosen) {
            if (done.contains(layer.name())) {
                continue;
            }
            String shown = layer.name().isEmpty() ? c.name() : c.name() + " (layer " + layer.name() + ")";
            Matrix z;
            try {
                z = layer.read();
            } catch (java.nio.file.NoSuchFileException e) {
                throw new UsageException("checkpoint " + shown + ": no such file");
            } catch (IOException | InvalidInputException e) {
                String message = e.getMessage();
                throw new UsageException("checkpoint " + shown + ": "
                        + (message != null && message.startsWith(c.file().toString()) ? message.substring(
                                c.file().toString().length()).replaceFirst("^: ", "") : message));
            }
            // The row must be of the content the identity names: a write between the digest and the end of the
            // read shows in the size or the time.
            if (!identity.stat().equals(CheckpointIdentity.stat(c.file()))) {
                if (following) {
                    return false;
                }
                throw new UsageException("checkpoint " + c.name() + " changed while it was read (is it still being "
                        + "written?); run again once it is complete, or use --follow, which waits until it is");
            }
            Tracker.Row row = tracker.add(c.name(), layer.name(), c.order(), z);
            rows.put(row, identity, names);
            if (board != null) {
                board.add(row, rows.rows());
            }
            print(row, false);
        }
        // Redrawn once a checkpoint's layers are all in (a PNG takes ~0.1 s: once per row doubled a layered run).
        if (plotFile != null) {
            TrackPlot.write(plotFile, rows.rows(), xLabel(), caption);
        }
        return true;
    }

    /** The arrays of a checkpoint this run measures: those --layers chooses, or the one --key names (or the only). */
    private List<CheckpointLayers.Layer> chosenLayers(Checkpoints.Checkpoint c) throws IOException {
        if (layers == null) {
            return List.of(new CheckpointLayers.Layer("", c.file(), key));
        }
        return CheckpointLayers.chosen(c.file(), layers, c.name());
    }

    /**
     * Watches the checkpoint paths — from the start, so a run may begin before its first checkpoint exists — for
     * files the table lacks and files that changed since their row was computed (another size or time; a row
     * {@code changed} already names), measuring each once it is stable ({@link FollowedFiles}): a file still being
     * written — growing, or made at full size and filled afterwards — is left for a later look, and measured again
     * when it changes after that. A file whose time changed but content did not keeps its row. A checkpoint that
     * cannot be measured is reported on stderr and tried again once the file changes; the watch goes on until
     * interrupted or, with an idle timeout, that long without a checkpoint to measure.
     */
    private void follow(Tracker tracker, TrackTable rows, Pattern order, java.util.Set<Path> excluded, Path plotFile,
                        String caption, double poll, double idle, java.util.Set<String> changed)
            throws IOException, InterruptedException {
        FollowedFiles seen = new FollowedFiles();
        long idleSince = System.nanoTime();
        while (idle <= 0 || System.nanoTime() - idleSince < idle * 1e9) {
            Thread.sleep((long) (poll * 1000));
            for (Checkpoints.Checkpoint c : seen.due(candidates(rows, excluded, order, true), rows, changed,
                    java.time.Instant.now())) {
                try {
                    if (measureChanged(tracker, rows, c, changed, plotFile, caption)) {
                        idleSince = System.nanoTime();
                    }
                } catch (UsageException | InvalidInputException e) {
                    clearBar();
                    err.println("dse4j: " + e.getMessage() + " (skipped; tried again if the file changes)");
                    seen.failed(c.file());
                    idleSince = System.nanoTime();
                }
            }
        }
    }

    /**
     * Under --follow, a stable file that is new or looks changed: measured, unless it has a row and only its time
     * changed (then the row is kept with the new time).
     *
     * @return whether a row was set
     */
    private boolean measureChanged(Tracker tracker, TrackTable rows, Checkpoints.Checkpoint c,
                                   java.util.Set<String> changed, Path plotFile, String caption)
            throws IOException {
        CheckpointIdentity recorded = rows.identity(c.name());
        CheckpointIdentity current;
        try {
            current = CheckpointIdentity.of(c.file());
        } catch (java.nio.file.NoSuchFileException gone) {
            return false;
        }
        if (recorded != null && !changed.contains(c.name())) {
            if (current.sameContent(recorded)) {
                rows.refresh(Map.of(c.name(), current));
                return false;
            }
            note(c, current.changeFrom(recorded));
        }
        if (!measure(tracker, rows, c, current, plotFile, caption, true)) {
            return false;
        }
        changed.remove(c.name());
        return true;
    }

    /** The progress bar's line cleared, so that a line printed next starts clean. */
    private void clearBar() {
        ProgressBar shown = bar;
        if (shown != null) {
            shown.clear();
        }
    }

    private void print(Tracker.Row r, boolean fromTable) {
        clearBar();
        reporter.trackRow(r, fromTable);
    }

    private String xLabel() {
        return orderBy != null ? "checkpoint (order from " + orderBy + ")" : "checkpoint";
    }

    private static String caption(Map<String, String> p, boolean withLabels, boolean withInputs) {
        String reference = withInputs ? ", X in " + p.get("clusters") + " clusters" : "";
        String spread = withLabels || withInputs ? ", " + p.get("repetitions") + " repetitions (bars ±1 sd)" : "";
        return String.format(Locale.ROOT, "σ = %s, t = %s, N ≤ %s, seed %s%s%s, %s · dse4j %s",
                Reporter.trim(Double.parseDouble(p.get("sigma"))), Reporter.trim(Double.parseDouble(p.get("t"))),
                p.get("max_n"),
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
            for (int read; (read = in.read(buffer)) > 0;) {
                sha.update(buffer, 0, read);
            }
            return file.getFileName() + "@sha256:" + java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
