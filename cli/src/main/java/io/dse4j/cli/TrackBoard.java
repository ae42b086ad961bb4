package io.dse4j.cli;

import io.dse4j.Tracker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code track --tensorboard DIR}: the table's rows as TensorBoard scalars ({@link TensorBoardRun}) in one run folder
 * per table — {@code DIR/NAME} for {@code --out NAME.csv}, {@code DIR/track} without a table — tagged
 * {@code dse/LAYER}, {@code dsmi_y/LAYER}, {@code dsmi_x/LAYER}, and with {@code --also} {@code rankme/LAYER} and
 * {@code vne/LAYER}, with {@code --count-above} {@code count_above/LAYER} (without the layer for checkpoints of one
 * array), at step = the checkpoint's order, each row's points written as the row is recorded.
 *
 * <p>A resumed run writes the points of the table's rows the folder lacks, so nothing is written twice. TensorBoard
 * shows a tag's points in the order they were written and hides those at or after a step written again later, so
 * a point that would come before one already there (a checkpoint measured late, or measured again because its file
 * changed) cannot simply be appended: then the run folder's event files are written afresh from the whole table in
 * step order.
 */
final class TrackBoard implements AutoCloseable {

    private final Path folder;
    private TensorBoardRun run;

    private TrackBoard(Path folder) throws IOException {
        this.folder = folder;
        this.run = TensorBoardRun.open(folder);
    }

    /**
     * The run folder for the table {@code table} (null: none) under the log folder {@code logDir}, opened (created
     * when new), with the points of {@code rows} it lacks written.
     */
    static TrackBoard open(Path logDir, Path table, List<Tracker.Row> rows) throws IOException {
        if (Files.exists(logDir) && !Files.isDirectory(logDir)) {
            throw new UsageException("--tensorboard " + logDir + " is a file; give a folder (what tensorboard "
                    + "--logdir takes)");
        }
        String name = table == null ? "track" : table.getFileName().toString().replaceFirst("(?i)\\.csv$", "");
        TrackBoard board = new TrackBoard(logDir.resolve(name));
        try {
            board.sync(rows);
            return board;
        } catch (IOException | RuntimeException e) {
            board.close();
            throw e;
        }
    }

    /** The run folder the event files are in. */
    Path folder() {
        return folder;
    }

    /**
     * Writes the points of a row just recorded; when one would land before a point already written for its tag (or
     * the row replaces one whose points are there), writes the run afresh from {@code table}, the whole table's rows.
     */
    void add(Tracker.Row row, List<Tracker.Row> table) throws IOException {
        if (!write(row, true)) {
            rewrite(table);
        }
    }

    /** The table's rows whose points the run lacks, in step order; afresh when that order cannot be kept. */
    private void sync(List<Tracker.Row> rows) throws IOException {
        for (Tracker.Row row : sorted(rows)) {
            if (!write(row, false)) {
                rewrite(rows);
                return;
            }
        }
    }

    /**
     * Writes a row's points; false when one could not be written in order, or — with {@code replacing} — is there
     * already (a recomputed row whose new value would otherwise not be seen).
     */
    private boolean write(Tracker.Row row, boolean replacing) throws IOException {
        long step = step(row);
        Instant now = Instant.now();
        String[] measures = {"dse", "dsmi_y", "dsmi_x", "rankme", "vne", "count_above"};
        double[] values = {row.dse(), row.dsmiLabels(), row.dsmiInputs(), row.rankMe(), row.vonNeumannEntropy(),
            row.countAbove()};
        for (int m = 0; m < measures.length; m++) {
            if (Double.isNaN(values[m])) {
                continue;
            }
            String tag = row.layer().isEmpty() ? measures[m] : TensorBoardRun.tag(measures[m], row.layer());
            TensorBoardRun.Added added = run.add(tag, step, now, values[m]);
            if (added == TensorBoardRun.Added.OUT_OF_ORDER
                    || added == TensorBoardRun.Added.ALREADY_THERE && replacing) {
                return false;
            }
        }
        return true;
    }

    /** Removes the run's event files and writes every row's points in step order. */
    private void rewrite(List<Tracker.Row> rows) throws IOException {
        run.close();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(p -> p.getFileName().toString().contains(TensorBoardRun.INFIX)).toList()) {
                Files.delete(file);
            }
        }
        run = TensorBoardRun.open(folder);
        for (Tracker.Row row : sorted(rows)) {
            write(row, false);
        }
    }

    private static List<Tracker.Row> sorted(List<Tracker.Row> rows) {
        return rows.stream().sorted(Comparator.comparingDouble(Tracker.Row::order)).toList();
    }

    /** TensorBoard's step: the checkpoint's order, which must then be a whole number ≥ 0. */
    private static long step(Tracker.Row row) {
        double order = row.order();
        if (!(order >= 0) || order != Math.rint(order) || order > 1e15) {
            throw new UsageException("--tensorboard: checkpoint " + row.name() + " has order "
                    + String.format(Locale.ROOT, "%s", Reporter.trim(order)) + ", but TensorBoard's steps are "
                    + "whole numbers ≥ 0; give --order-by a group around the step's digits, e.g. 'step_(\\d+)'");
        }
        return (long) order;
    }

    @Override
    public void close() throws IOException {
        run.close();
    }
}
