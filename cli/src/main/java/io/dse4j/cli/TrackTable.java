package io.dse4j.cli;

import io.dse4j.Tracker;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table of {@code dse4j track}: a CSV file whose first line records the parameters that made its numbers
 * ({@code # dse4j track: sigma=10.0 t=1.0 …}), then a header and one row per checkpoint.
 *
 * <p>Every change is written whole to a temporary file in the same folder, forced to disk and renamed over the
 * table ({@link io.dse4j.io.AtomicWrite}), so the table on disk is always a complete earlier or later version —
 * never half a row, whatever kills the process; a temporary file left by a kill is removed by the next run. A rerun reads it back and skips the checkpoints it holds; a table made with other parameters is refused
 * (its numbers would not be comparable) unless the caller starts it afresh.
 */
final class TrackTable implements AutoCloseable {

    static final String MARK = "# dse4j track: ";
    static final List<String> COLUMNS = List.of("checkpoint", "order", "n", "d", "dse", "dsmi_y", "dsmi_y_sd",
            "dsmi_x", "dsmi_x_sd", "seconds", "backend");
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

    private final Path file;
    private final Map<String, String> parameters;
    private final List<Tracker.Row> rows = new ArrayList<>();

    /** The lock that keeps a second writer off this table while the run lasts (null without a file). */
    private java.nio.channels.FileChannel lockChannel;

    private TrackTable(Path file, Map<String, String> parameters) {
        this.file = file;
        this.parameters = parameters;
    }

    /**
     * Takes the table's lock file ({@code .NAME.lock} beside it) for this run; another run already holding it — a
     * {@code --follow} still watching, say — makes this one refuse, rather than both replacing the file in turn and
     * each losing the other's rows.
     */
    private void lock() throws IOException {
        Path lockFile = file.toAbsolutePath().resolveSibling("." + file.getFileName() + ".lock");
        java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock held;
        try {
            held = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException inThisProcess) {
            held = null;
        }
        if (held == null) {
            channel.close();
            throw new UsageException("--out " + file + " is being written by another dse4j track run (it holds "
                    + lockFile + "); wait for it to end, or give another --out");
        }
        lockChannel = channel;
    }

    /** Releases the table's lock. */
    @Override
    public void close() throws IOException {
        if (lockChannel != null) {
            lockChannel.close();     // releases the lock
            lockChannel = null;
        }
    }

    /**
     * The table at {@code file}: the rows it holds when it exists and was made with {@code parameters}, else empty
     * (and then written at the first {@link #append}).
     *
     * @param force start afresh when the file was made with other parameters, instead of refusing
     */
    static TrackTable open(Path file, Map<String, String> parameters, boolean force) throws IOException {
        TrackTable table = new TrackTable(file, parameters);
        if (file == null) {
            return table;
        }
        table.lock();
        try {
            return load(table, file, force);
        } catch (IOException | RuntimeException e) {
            table.close();
            throw e;
        }
    }

    private static TrackTable load(TrackTable table, Path file, boolean force) throws IOException {
        Map<String, String> parameters = table.parameters;
        removeLeftovers(file);
        if (!Files.exists(file)) {
            return table;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            if (force) {
                return table;
            }
            throw new UsageException("--out " + file + " exists and is not a dse4j track table (not UTF-8 text); "
                    + "give another file, or --force to replace it");
        }
        if (lines.isEmpty() || !lines.get(0).startsWith(MARK)) {
            if (force) {
                return table;
            }
            throw new UsageException("--out " + file + " exists and is not a dse4j track table (its first line is "
                    + "not '" + MARK.strip() + " …'); give another file, or --force to replace it");
        }
        Map<String, String> recorded = parseParameters(lines.get(0).substring(MARK.length()));
        if (!recorded.equals(parameters)) {
            if (force) {
                return table;
            }
            throw new UsageException("--out " + file + " was made with other parameters (" + differences(recorded,
                    parameters) + "); its rows would not compare with new ones: give another --out, or --force to "
                    + "start it afresh");
        }
        String body = String.join("\n", lines.subList(1, lines.size()));
        try (Reader reader = new java.io.StringReader(body)) {
            for (CSVRecord record : FORMAT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
                table.rows.add(row(record, file));
            }
        } catch (UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            throw new UsageException("--out " + file + ": not a readable track table (" + e.getMessage() + "); "
                    + "give another file, or --force to start it afresh");
        }
        return table;
    }

    List<Tracker.Row> rows() {
        return List.copyOf(rows);
    }

    boolean has(String checkpoint) {
        return rows.stream().anyMatch(r -> r.name().equals(checkpoint));
    }

    /** Adds a row and, when the table has a file, replaces the file by the table with it. */
    void append(Tracker.Row row) throws IOException {
        rows.add(row);
        if (file != null) {
            io.dse4j.io.AtomicWrite.replace(file, text().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The whole table as CSV text. */
    String text() {
        StringWriter out = new StringWriter();
        out.append(MARK);
        List<String> pairs = new ArrayList<>();
        // Values are URL-encoded, so that a file name with spaces stays one value of the line.
        parameters.forEach((k, v) -> pairs.add(k + "=" + java.net.URLEncoder.encode(v, StandardCharsets.UTF_8)));
        out.append(String.join(" ", pairs)).append('\n');
        try (CSVPrinter printer = new CSVPrinter(out, FORMAT)) {
            printer.printRecord(COLUMNS);
            for (Tracker.Row r : rows) {
                printer.printRecord(r.name(), number(r.order()), r.n(), r.d(), number(r.dse()),
                        number(r.dsmiLabels()), number(r.dsmiLabelsSd()), number(r.dsmiInputs()),
                        number(r.dsmiInputsSd()), String.format(Locale.ROOT, "%.3f", r.seconds()), r.backend());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);     // a StringWriter does not fail
        }
        return out.toString();
    }

    /**
     * Deletes what a run killed while replacing the table left: the temporary files beside it that
     * {@link io.dse4j.io.AtomicWrite} names {@code .NAME.*.part}. The table itself is whole either way.
     */
    private static void removeLeftovers(Path file) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        String prefix = "." + file.getFileName() + ".";
        if (folder == null || !Files.isDirectory(folder)) {
            return;
        }
        try (var siblings = Files.newDirectoryStream(folder, p -> p.getFileName().toString().startsWith(prefix)
                && p.getFileName().toString().endsWith(".part"))) {
            for (Path leftover : siblings) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    /** Doubles in the shortest form that reads back to the same bits; NaN (not computed) as an empty cell. */
    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static double parse(String cell) {
        return cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
    }

    private static Tracker.Row row(CSVRecord r, Path file) {
        try {
            return new Tracker.Row(r.get("checkpoint"), parse(r.get("order")), Integer.parseInt(r.get("n")),
                    Integer.parseInt(r.get("d")), parse(r.get("dse")), parse(r.get("dsmi_y")),
                    parse(r.get("dsmi_y_sd")), parse(r.get("dsmi_x")), parse(r.get("dsmi_x_sd")),
                    parse(r.get("seconds")), r.get("backend"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--out " + file + ": row " + r.getRecordNumber() + " is not a track row ("
                    + e.getMessage() + "); give another file, or --force to start it afresh");
        }
    }

    private static Map<String, String> parseParameters(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : line.strip().split(" +")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                m.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1),
                        StandardCharsets.UTF_8));
            }
        }
        return m;
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
