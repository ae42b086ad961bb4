package io.dse4j.cli;

import io.dse4j.Tracker;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The text of {@code track}'s table: RFC 4180 CSV whose first line is the header ({@link #COLUMNS}), then one row
 * per checkpoint and layer (the layer empty for a checkpoint of one array) — its measures, then the identity of the
 * checkpoint's file they were computed from ({@link CheckpointIdentity}: {@code file_size}, {@code file_mtime} as an
 * ISO-8601 instant, {@code file_sha256}).
 *
 * <p>Reading is strict, since a table is read back to decide what not to compute again: every cell must be what
 * this class writes (a finite number where a number belongs, empty only for a DSMI not asked for), each checkpoint
 * and layer once; anything else is refused naming the file and the line — a hand-edited {@code NaN}, a line cut off,
 * a duplicated row. A table of the format before layers ({@link #COLUMNS_BEFORE_LAYERS}) is read as rows without a
 * layer, and written back in the current one.
 */
final class TrackTableFormat {

    static final List<String> COLUMNS = List.of("checkpoint", "layer", "order", "n", "d", "dse", "dsmi_y",
            "dsmi_y_sd", "dsmi_x", "dsmi_x_sd", "rankme", "vne", "count_above", "seconds", "backend", "file_size",
            "file_mtime", "file_sha256");
    /** The columns of dse4j's tables before layers: {@link #COLUMNS} without the layer and the measures beside DSE. */
    static final List<String> COLUMNS_BEFORE_LAYERS = COLUMNS.stream()
            .filter(c -> !List.of("layer", "rankme", "vne", "count_above").contains(c)).toList();
    /** The first line of the tables of earlier dse4j versions, which kept their parameters there. */
    static final String OLD_MARK = "# dse4j track: ";

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();
    /** A number as Double.toString or a whole number writes it (no NaN, no infinity, no hex, no spaces). */
    private static final Pattern NUMBER = Pattern.compile("-?(\\d+(\\.\\d+)?)([eE]-?\\d+)?");
    private static final Pattern WHOLE = Pattern.compile("\\d{1,18}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** One row of the table and where it was read (0 for a row not read from a file). */
    record Line(Tracker.Row row, CheckpointIdentity identity, long number) {
    }

    private TrackTableFormat() {
    }

    /** The header line, as the first line of every table. */
    static String header() {
        return String.join(",", COLUMNS);
    }

    /** Whether {@code line} is the header of a table this class reads: the current one or the one before layers. */
    static boolean isHeader(String line) {
        return line.equals(header()) || line.equals(String.join(",", COLUMNS_BEFORE_LAYERS));
    }

    /** The whole table as CSV text. */
    static String text(List<Line> lines) {
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, FORMAT)) {
            printer.printRecord(COLUMNS);
            for (Line line : lines) {
                Tracker.Row r = line.row();
                CheckpointIdentity id = line.identity();
                printer.printRecord(r.name(), r.layer(), number(r.order()), r.n(), r.d(), number(r.dse()),
                        number(r.dsmiLabels()), number(r.dsmiLabelsSd()), number(r.dsmiInputs()),
                        number(r.dsmiInputsSd()), number(r.rankMe()), number(r.vonNeumannEntropy()),
                        number(r.countAbove()),
                        String.format(Locale.ROOT, "%.3f", r.seconds()), r.backend(),
                        id.size(), id.modified().toString(), id.sha256());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);     // a StringWriter does not fail
        }
        return out.toString();
    }

    /**
     * The rows of a table's text whose first line is the header (checked by the caller).
     *
     * @param file the table, for messages
     * @throws UsageException naming the file and line of the first row that is not one this class writes
     */
    static List<Line> parse(String text, java.nio.file.Path file) {
        List<Line> lines = new ArrayList<>();
        Map<List<String>, Long> seen = new HashMap<>();
        try (CSVParser parser = CSVParser.parse(new StringReader(text), FORMAT)) {
            Iterator<CSVRecord> records = parser.iterator();
            boolean layered = records.next().size() == COLUMNS.size();     // the header, checked by the caller
            while (true) {
                // A record starts on the line after the line breaks read so far (a quoted cell may hold a break).
                long number = parser.getCurrentLineNumber() + 1;
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        break;
                    }
                    record = records.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    throw bad(file, number, "is not valid CSV: a quoted cell is not closed, or text follows its "
                            + "closing quote (was the line cut off?)");
                }
                Line line = line(record, layered, file, number);
                Long before = seen.putIfAbsent(List.of(line.row().name(), line.row().layer()), number);
                if (before != null) {
                    throw bad(file, number, "is a second row for checkpoint " + line.row().label() + " (line "
                            + before + " is the first); each checkpoint" + (line.row().layer().isEmpty() ? ""
                                    : " and layer") + " has one row");
                }
                lines.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);     // a StringReader does not fail
        }
        return lines;
    }

    private static Line line(CSVRecord record, boolean layered, java.nio.file.Path file, long number) {
        List<String> columns = layered ? COLUMNS : COLUMNS_BEFORE_LAYERS;
        if (record.size() != columns.size()) {
            throw bad(file, number, record.size() < columns.size()
                    ? "is cut off: it has " + record.size() + " of the " + columns.size() + " cells (it ends after '"
                            + columns.get(record.size() - 1) + "')"
                    : "has " + record.size() + " cells, more than the " + columns.size() + " of the header");
        }
        // Cells by the current columns' positions: a table before layers has no layer, rankme and vne cells.
        List<String> cells = new ArrayList<>(record.toList());
        if (!layered) {
            cells.add(1, "");
            cells.add(10, "");
            cells.add(11, "");
            cells.add(12, "");
        }
        String name = cells.get(0);
        if (name.isEmpty()) {
            throw bad(file, number, "names no checkpoint");
        }
        Tracker.Row row = new Tracker.Row(name, cells.get(1), finite(cells, 2, file, number),
                (int) whole(cells, 3, 2, file, number), (int) whole(cells, 4, 1, file, number),
                finite(cells, 5, file, number), optional(cells, 6, file, number), spread(cells, 7, file, number),
                optional(cells, 8, file, number), spread(cells, 9, file, number), spread(cells, 10, file, number),
                spread(cells, 11, file, number), spread(cells, 12, file, number), spread(cells, 13, file, number),
                cells.get(14));
        if (!Double.isNaN(row.countAbove()) && row.countAbove() != Math.rint(row.countAbove())) {
            throw bad(file, number, "has count_above " + cells.get(12) + ", which must be a whole number (or empty)");
        }
        if (Double.isNaN(row.seconds())) {
            throw bad(file, number, "has no seconds");
        }
        if (row.backend().isEmpty()) {
            throw bad(file, number, "names no backend");
        }
        Instant modified;
        try {
            modified = Instant.parse(cells.get(16));
        } catch (DateTimeParseException e) {
            throw bad(file, number, "has file_mtime '" + cells.get(16) + "', not an ISO-8601 instant such as "
                    + "2025-01-31T12:00:00.123456789Z");
        }
        if (!SHA256.matcher(cells.get(17)).matches()) {
            throw bad(file, number, "has file_sha256 '" + cells.get(17) + "', not 64 lower-case hex digits");
        }
        return new Line(row, new CheckpointIdentity(whole(cells, 15, 0, file, number), modified, cells.get(17)),
                number);
    }

    private static double finite(List<String> r, int column, java.nio.file.Path file, long number) {
        String cell = r.get(column);
        if (!NUMBER.matcher(cell).matches()) {
            throw bad(file, number, "has " + COLUMNS.get(column) + " '" + cell + "', which must be a finite number");
        }
        return Double.parseDouble(cell);
    }

    /** A DSMI: empty when it was not asked for, else a finite number. */
    private static double optional(List<String> r, int column, java.nio.file.Path file, long number) {
        String cell = r.get(column);
        if (cell.isEmpty()) {
            return Double.NaN;
        }
        if (!NUMBER.matcher(cell).matches()) {
            throw bad(file, number, "has " + COLUMNS.get(column) + " '" + cell + "', which must be a finite number "
                    + "(or empty, when it was not computed)");
        }
        return Double.parseDouble(cell);
    }

    /** A spread or a time: empty or a finite number ≥ 0. */
    private static double spread(List<String> r, int column, java.nio.file.Path file, long number) {
        double v = optional(r, column, file, number);
        if (v < 0) {
            throw bad(file, number, "has " + COLUMNS.get(column) + " " + r.get(column) + ", which cannot be "
                    + "negative");
        }
        return v;
    }

    private static long whole(List<String> r, int column, long least, java.nio.file.Path file, long number) {
        String cell = r.get(column);
        if (!WHOLE.matcher(cell).matches() || Long.parseLong(cell) < least
                || (column != 15 && Long.parseLong(cell) > Integer.MAX_VALUE)) {
            throw bad(file, number, "has " + COLUMNS.get(column) + " '" + cell + "', which must be a whole number ≥ "
                    + least);
        }
        return Long.parseLong(cell);
    }

    /** Doubles in the shortest form that reads back to the same bits; NaN (not computed) as an empty cell. */
    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    static UsageException bad(java.nio.file.Path file, long number, String what) {
        return new UsageException("--out " + file + ": line " + number + " " + what + "; correct or delete the "
                + "line, or give --force to start the table afresh");
    }
}
