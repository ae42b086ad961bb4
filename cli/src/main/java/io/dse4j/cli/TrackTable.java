package io.dse4j.cli;

import io.dse4j.Tracker;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The table of {@code dse4j track}: a CSV file ({@link TrackTableFormat}) whose first line is the header, one row per
 * checkpoint and layer with the identity of the checkpoint's file it was computed from (the same for every layer of
 * a checkpoint), and beside it the parameters that made its numbers ({@link TrackSidecar}, {@code NAME.json}).
 *
 * <p>Every change is written whole to a temporary file in the same folder, forced to disk and renamed over the
 * table ({@link io.dse4j.internal.io.AtomicWrite}), so the table on disk is always a complete earlier or later version —
 * never half a row, whatever kills the process; a temporary file left by a kill is removed by the next run. A rerun
 * reads it back and keeps the rows it holds; a table made with other parameters is refused (its numbers would not
 * be comparable) unless the caller starts it afresh, as is one that is not what this class writes (a hand-edited
 * cell, a cut-off line, a checkpoint twice or one that no longer exists), naming the line.
 *
 * <p>The table and its parameters are two files, written in an order that never lets the table hold rows of other
 * parameters than the sidecar's: when the parameters change (a new table, or one started afresh), the table is
 * first emptied to its header, then the sidecar written, then the rows. A table without rows is therefore new,
 * whatever sidecar lies beside it.
 *
 * <p>A run holds the table's {@link TableLock} from {@link #open} to {@link #close}, so a second run on the same file
 * is refused rather than both replacing it in turn and each losing the other's rows; the lock file is removed at
 * the end, refused runs included.
 */
final class TrackTable implements AutoCloseable {

    private final Path file;
    private final Map<String, String> parameters;
    private final List<TrackTableFormat.Line> lines = new ArrayList<>();
    /** Whether the sidecar on disk holds {@link #parameters} (so rows may be written without writing it first). */
    private boolean sidecarCurrent;
    private TableLock lock;

    private TrackTable(Path file, Map<String, String> parameters) {
        this.file = file;
        this.parameters = new LinkedHashMap<>(parameters);
    }

    /**
     * The table at {@code file}: the rows it holds when it exists and was made with {@code parameters}, else empty
     * (and then written at the first {@link #put}); without a file ({@code file} null), a table in memory.
     *
     * @param force start afresh when the file was made with other parameters or cannot be read back, instead of
     *              refusing
     */
    static TrackTable open(Path file, Map<String, String> parameters, boolean force) throws IOException {
        TrackTable table = new TrackTable(file, parameters);
        if (file == null) {
            return table;
        }
        table.lock = TableLock.take(file);
        try {
            table.load(force);
            return table;
        } catch (IOException | RuntimeException e) {
            table.close();
            throw e;
        }
    }

    private void load(boolean force) throws IOException {
        removeLeftovers(file);
        if (!Files.exists(file)) {
            return;
        }
        List<TrackTableFormat.Line> read;
        try {
            read = read();
        } catch (UsageException e) {
            if (force) {
                return;
            }
            throw e;
        }
        if (read.isEmpty()) {
            return;     // only a header: a new table, whatever parameters a sidecar beside it holds
        }
        Map<String, String> recorded;
        try {
            recorded = TrackSidecar.read(file);
        } catch (UsageException e) {
            if (force) {
                return;
            }
            throw e;
        }
        if (recorded == null) {
            if (force) {
                return;
            }
            throw new UsageException("--out " + file + " has rows but no parameters file beside it ("
                    + TrackSidecar.of(file) + "), so what made its numbers is unknown; restore that file, give "
                    + "another --out, or --force to start the table afresh");
        }
        if (!recorded.equals(parameters)) {
            if (force) {
                return;
            }
            throw new UsageException("--out " + file + " was made with other parameters (" + differences(recorded,
                    parameters) + "); its rows would not compare with new ones: give another --out, or --force to "
                    + "start it afresh");
        }
        for (TrackTableFormat.Line line : read) {
            // A row whose file is gone can no longer be checked against it, and would be kept forever.
            if (!Files.exists(Path.of(line.row().name()))) {
                if (force) {
                    return;
                }
                throw TrackTableFormat.bad(file, line.number(), "is for checkpoint " + line.row().name()
                        + ", which does not exist (deleted, moved, or the run started from another folder?), so "
                        + "its numbers cannot be checked against it any more");
            }
        }
        lines.addAll(read);
        sidecarCurrent = true;
    }

    /** The rows of the file as it is, refused when it is not a table this class writes. */
    private List<TrackTableFormat.Line> read() throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new UsageException("--out " + file + " exists and is not a dse4j track table (not UTF-8 text); "
                    + "give another file, or --force to replace it");
        }
        String first = text.lines().findFirst().orElse("");
        if (first.startsWith(TrackTableFormat.OLD_MARK)) {
            throw new UsageException("--out " + file + " was written by an earlier dse4j (its first line is the '"
                    + TrackTableFormat.OLD_MARK.strip() + " …' comment, which most CSV readers cannot skip): its rows "
                    + "do not record the size, time and digest of their checkpoints, so they cannot be checked "
                    + "against the files; give another --out, or --force to start it afresh in the current format");
        }
        if (!TrackTableFormat.isHeader(first)) {
            throw new UsageException("--out " + file + " exists and is not a dse4j track table (its first line is "
                    + "not the header '" + TrackTableFormat.header() + "'); give another file, or --force to replace "
                    + "it");
        }
        return TrackTableFormat.parse(text, file);
    }

    /** The rows, in the table's order. */
    List<Tracker.Row> rows() {
        return lines.stream().map(TrackTableFormat.Line::row).toList();
    }

    boolean has(String checkpoint) {
        return identity(checkpoint) != null;
    }

    /** The layers of {@code checkpoint} the table has rows for (the empty name for a checkpoint of one array). */
    Set<String> layers(String checkpoint) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (TrackTableFormat.Line line : lines) {
            if (line.row().name().equals(checkpoint)) {
                out.add(line.row().layer());
            }
        }
        return out;
    }

    /** The identity of the file the row of {@code checkpoint} was computed from, or null when it has no row. */
    CheckpointIdentity identity(String checkpoint) {
        for (TrackTableFormat.Line line : lines) {
            if (line.row().name().equals(checkpoint)) {
                return line.identity();
            }
        }
        return null;
    }

    /**
     * Sets the row of a checkpoint's layer, computed from the file whose identity is given — in the place of its old
     * row, when it had one (so a recomputed checkpoint keeps its place and is never listed twice), else after the
     * checkpoint's other layers, else at the end — and, when the table has a file, replaces the file by the table
     * with it. The checkpoint's rows of layers not in {@code layers} (the layers its file holds now) go; so do rows
     * of its other layers recorded from other content, whose numbers no longer describe the file.
     */
    void put(Tracker.Row row, CheckpointIdentity identity, Set<String> layers) throws IOException {
        lines.removeIf(l -> l.row().name().equals(row.name()) && !l.row().layer().equals(row.layer())
                && (!layers.contains(l.row().layer()) || !l.identity().sameContent(identity)));
        TrackTableFormat.Line line = new TrackTableFormat.Line(row, identity, 0);
        int at = indexOf(row.name(), row.layer());
        if (at < 0) {
            int last = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).row().name().equals(row.name())) {
                    last = i;
                }
            }
            lines.add(last >= 0 ? last + 1 : lines.size(), line);
        } else {
            lines.set(at, line);
        }
        // Every layer of the checkpoint carries the identity last seen (the same content: only its time may differ).
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).row().name().equals(row.name())) {
                lines.set(i, new TrackTableFormat.Line(lines.get(i).row(), identity, 0));
            }
        }
        save();
    }

    /**
     * Records new identities for rows whose files were found to hold the same content (only their time changed),
     * so that later looks compare against them; one write for all.
     */
    void refresh(Map<String, CheckpointIdentity> identities) throws IOException {
        if (identities.isEmpty()) {
            return;
        }
        for (int i = 0; i < lines.size(); i++) {
            CheckpointIdentity now = identities.get(lines.get(i).row().name());
            if (now != null) {
                lines.set(i, new TrackTableFormat.Line(lines.get(i).row(), now, 0));
            }
        }
        save();
    }

    /** The files beside the table that belong to it (its sidecar), none when there is no file. */
    Set<Path> companions() {
        return file == null ? Set.of() : Set.of(TrackSidecar.of(file));
    }

    /** Releases the table's lock and removes the lock file. */
    @Override
    public void close() throws IOException {
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }

    private int indexOf(String checkpoint, String layer) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).row().name().equals(checkpoint) && lines.get(i).row().layer().equals(layer)) {
                return i;
            }
        }
        return -1;
    }

    private void save() throws IOException {
        if (file == null) {
            return;
        }
        if (!sidecarCurrent) {
            // Rows of other parameters may still be on disk (a table started afresh): they go before the sidecar
            // changes, so no moment pairs them with these parameters.
            if (Files.exists(file)) {
                io.dse4j.internal.io.AtomicWrite.replace(file, (TrackTableFormat.header() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            TrackSidecar.write(file, parameters, TrackTableFormat.COLUMNS);
            sidecarCurrent = true;
        }
        io.dse4j.internal.io.AtomicWrite.replace(file, TrackTableFormat.text(lines).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Deletes what a run killed while replacing the table or its sidecar left: the temporary files beside them that
     * {@link io.dse4j.internal.io.AtomicWrite} names {@code .NAME.*.part}. The table itself is whole either way.
     */
    private static void removeLeftovers(Path file) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        String prefix = "." + file.getFileName() + ".";
        if (folder == null || !Files.isDirectory(folder)) {
            return;
        }
        try (var siblings = Files.newDirectoryStream(folder, p -> p.getFileName().toString().startsWith(prefix)
                && io.dse4j.internal.io.AtomicWrite.isTemporary(p))) {
            for (Path leftover : siblings) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    private static String differences(Map<String, String> recorded, Map<String, String> now) {
        List<String> out = new ArrayList<>();
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(recorded.keySet());
        keys.addAll(now.keySet());
        for (String k : keys) {
            String a = recorded.getOrDefault(k, "(none)");
            String b = now.getOrDefault(k, "(none)");
            if (!a.equals(b)) {
                out.add(k + " " + a + " there, " + b + " now");
            }
        }
        return String.join("; ", out);
    }
}
