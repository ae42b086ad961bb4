package io.dse4j.cli;

import com.google.protobuf.InvalidProtocolBufferException;

import io.dse4j.cli.tensorboard.Event;
import io.dse4j.cli.tensorboard.Summary;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * One TensorBoard run: a folder of event files ({@code events.out.tfevents.SECONDS.HOST}) holding scalar time series
 * ({@code dse/LAYER}, {@code dsmi_y/LAYER}, ...), written a point at a time so that a running TensorBoard shows each
 * as it comes, and resumed without writing a point twice.
 *
 * <p><b>Format.</b> An event file is a TFRecord stream: per record the data's length (uint64, little-endian), the
 * masked CRC-32C of those 8 bytes, the data, the masked CRC-32C of the data ({@link #maskedCrc32c}). Each record is
 * a serialized {@code Event} (src/main/proto/dse4j/tensorboard_event.proto, TensorBoard's field numbers, compiled by
 * protoc in the build): the first holds the wall time and {@code file_version = "brain.Event:2"}, each point after
 * it the wall time, the step and a {@code Summary} of one {@code Value{tag, simple_value}}.
 *
 * <p><b>What TensorBoard shows.</b> TensorBoard reads a run's event files in the order of their names, and a point
 * at step s of a tag <em>preempts</em> (drops from view) the points of that tag at steps ≥ s read before it: that is
 * how it hides what a restarted training job had logged past its checkpoint. So a tag's steps must only grow:
 * {@link #add} writes a point only above the tag's last step ({@link Added#OUT_OF_ORDER} otherwise), and
 * {@link #points()} is what TensorBoard shows of the files that were there, preemption applied.
 *
 * <p><b>Resuming.</b> {@link #open} reads every event file of the folder ({@code tfevents} in the name, as
 * TensorBoard picks them) and checks both CRCs of every record; a file whose record does not check out, or whose
 * record is no {@code Event}, is refused with an {@link IOException} naming the file and the record's offset. A
 * last record cut short (fewer bytes than its length says, or than a header: what a writer killed mid-write leaves)
 * is not an error: the file is left as it is (TensorBoard too stops reading a file there), its point does not count
 * as written, so adding it again writes it into the new file; {@link #notes()} says where each was found. New points
 * go to a new file whose name sorts after every event file there (existing files are never written to), created by
 * the first point actually written: a resumed run with nothing new to add leaves the folder as it was.
 *
 * <p><b>Tags.</b> TensorBoard itself takes any string; TensorFlow's summary writers keep letters, digits and
 * {@code _ - . /} and replace the rest with {@code _}. {@link #add} refuses a tag with other characters (or none),
 * and {@link #tag(String, String)} builds one from a measure and a layer name by that replacement.
 *
 * <p>One writer per folder: the caller holds the table's lock ({@link TableLock}) for it. Not thread-safe.
 */
final class TensorBoardRun implements AutoCloseable {

    /** The start of every event file's name; TensorBoard reads the files with {@value #INFIX} in their names. */
    static final String FILE_PREFIX = "events.out.tfevents.";
    static final String INFIX = "tfevents";
    /** The {@code file_version} of the first record of each file. */
    static final String FILE_VERSION = "brain.Event:2";

    /** A point of a scalar time series. */
    record Point(String tag, long step) {
    }

    /** What {@link #add} did. */
    enum Added {
        /** Written to the event file (and handed to the operating system: a reader sees it). */
        WRITTEN,
        /** Not written: the run has the point already (with whatever value it was written with). */
        ALREADY_THERE,
        /**
         * Not written: the tag has a point at a later step, which TensorBoard would drop from view on reading this
         * one. The way to have it is to write the run afresh (remove its event files) in step order.
         */
        OUT_OF_ORDER
    }

    private static final int HEADER_BYTES = 12;
    private static final int MASK_DELTA = 0xa282ead8;

    private final Path folder;
    /** The steps of each tag that TensorBoard shows: those of the files read, then those written. */
    private final Map<String, NavigableSet<Long>> steps;
    private final List<String> notes;
    private final String lastName;
    private Path file;
    private FileChannel channel;
    private boolean closed;
    private boolean failed;

    private TensorBoardRun(Path folder, Map<String, NavigableSet<Long>> steps, List<String> notes, String lastName) {
        this.folder = folder;
        this.steps = steps;
        this.notes = notes;
        this.lastName = lastName;
    }

    /**
     * Opens the run in {@code folder} (created with its parents when missing) and reads the points of the event files
     * it holds.
     *
     * @throws IOException naming the file, when one cannot be read or holds a corrupt record (and its offset)
     */
    static TensorBoardRun open(Path folder) throws IOException {
        Files.createDirectories(folder);
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(folder)) {
            for (Path p : all) {
                if (p.getFileName().toString().contains(INFIX) && Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        }
        files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        Map<String, NavigableSet<Long>> steps = new HashMap<>();
        List<String> notes = new ArrayList<>();
        for (Path p : files) {
            String cutShort = readEvents(p, event -> {
                if (event.hasSummary()) {
                    for (Summary.Value v : event.getSummary().getValueList()) {
                        if (v.hasSimpleValue()) {
                            NavigableSet<Long> s = steps.computeIfAbsent(v.getTag(), t -> new TreeSet<>());
                            s.tailSet(event.getStep(), true).clear();   // TensorBoard's preemption
                            s.add(event.getStep());
                        }
                    }
                }
            });
            if (cutShort != null) {
                notes.add(cutShort);
            }
        }
        String last = files.isEmpty() ? null : files.getLast().getFileName().toString();
        return new TensorBoardRun(folder, steps, notes, last);
    }

    /** The run's folder. */
    Path folder() {
        return folder;
    }

    /** The event file this writer writes, or null before its first point is written. */
    Path file() {
        return file;
    }

    /**
     * What {@link #open} found worth a line in the log: each file whose last record was cut short (left as it is;
     * its point was not counted). Empty when there was none.
     */
    List<String> notes() {
        return Collections.unmodifiableList(notes);
    }

    /** Whether the run shows the point: read by {@link #open} or written since. */
    boolean contains(String tag, long step) {
        NavigableSet<Long> s = steps.get(tag);
        return s != null && s.contains(step);
    }

    /** The tag's last step, or -1 when it has no point: {@link #add} writes only above it. */
    long lastStep(String tag) {
        NavigableSet<Long> s = steps.get(tag);
        return s == null || s.isEmpty() ? -1 : s.last();
    }

    /** Every point the run shows, read or written (a copy). */
    List<Point> points() {
        List<Point> all = new ArrayList<>();
        steps.forEach((tag, s) -> s.forEach(step -> all.add(new Point(tag, step))));
        all.sort((a, b) -> a.tag().equals(b.tag()) ? Long.compare(a.step(), b.step()) : a.tag().compareTo(b.tag()));
        return all;
    }

    /**
     * Adds a point unless the run has it or a later one of its tag (see {@link Added}); a point written is in the
     * file when this returns (handed to the operating system, not forced to disk).
     *
     * @param tag such as {@code dse/LAYER}: letters, digits and {@code _ - . /} ({@link #tag(String, String)})
     * @param step the checkpoint's step, ≥ 0
     * @param wallTime when it was measured (seconds and fractions in the file)
     * @param value stored as a float, as TensorBoard's {@code simple_value} is (beyond float's range: ±infinity)
     * @throws IllegalArgumentException for a tag TensorBoard's writers would not make, or a negative step
     * @throws IOException naming the file, when it cannot be created or written; the writer then writes no more
     */
    Added add(String tag, long step, Instant wallTime, double value) throws IOException {
        checkTag(tag);
        if (step < 0) {
            throw new IllegalArgumentException("TensorBoard step " + step + " of " + tag + ": steps are >= 0");
        }
        if (closed) {
            throw new IllegalStateException("TensorBoard run " + folder + " is closed");
        }
        if (failed) {
            throw new IOException(file + ": an earlier write failed; this run writes no more");
        }
        if (contains(tag, step)) {
            return Added.ALREADY_THERE;
        }
        if (step < lastStep(tag)) {
            return Added.OUT_OF_ORDER;
        }
        Event event = Event.newBuilder().setWallTime(seconds(wallTime)).setStep(step)
                .setSummary(Summary.newBuilder()
                        .addValue(Summary.Value.newBuilder().setTag(tag).setSimpleValue((float) value)))
                .build();
        if (channel == null) {
            create(Instant.now());
        }
        write(event);
        steps.computeIfAbsent(tag, t -> new TreeSet<>()).add(step);
        return Added.WRITTEN;
    }

    /**
     * A tag for a measure and a layer, {@code MEASURE/LAYER} ({@code dse/conv1}), with every character of the layer's
     * name other than letters, digits and {@code _ - . /} replaced by {@code _}, as TensorFlow's summary writers do
     * (so two names that differ only there share a tag).
     */
    static String tag(String measure, String layer) {
        StringBuilder b = new StringBuilder(measure.length() + 1 + layer.length()).append(measure).append('/');
        layer.codePoints().forEach(c -> b.appendCodePoint(allowed(c) ? c : '_'));
        return b.toString();
    }

    /** Closes the event file (when one was created). Idempotent. */
    @Override
    public void close() throws IOException {
        closed = true;
        FileChannel open = channel;
        channel = null;
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        }
    }

    private static boolean allowed(int c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == '/';
    }

    private static void checkTag(String tag) {
        if (tag.isEmpty()) {
            throw new IllegalArgumentException("empty TensorBoard tag");
        }
        tag.codePoints().filter(c -> !allowed(c)).findFirst().ifPresent(c -> {
            throw new IllegalArgumentException("TensorBoard tag \"" + tag + "\" has the character '"
                    + Character.toString(c) + "' (U+" + String.format("%04X", c) + "): tags are made of letters, "
                    + "digits and _ - . /");
        });
    }

    private static double seconds(Instant t) {
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    /** Creates the event file and writes its first record. */
    private void create(Instant now) throws IOException {
        String name = FILE_PREFIX + now.getEpochSecond() + "." + hostName();
        if (lastName != null && name.compareTo(lastName) <= 0) {
            name = lastName + ".1";     // sorts right after it: TensorBoard reads the files in name order
        }
        Path p = folder.resolve(name);
        FileChannel c;
        try {
            c = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(p + ": created by another writer meanwhile; is a second run writing " + folder
                    + "?", e);
        } catch (IOException e) {
            throw new IOException(p + ": cannot create the event file (" + e + ")", e);
        }
        file = p;
        channel = c;
        write(Event.newBuilder().setWallTime(seconds(now)).setFileVersion(FILE_VERSION).build());
    }

    /** Writes one record; on failure closes the file, whose last record is then cut short as a killed writer's. */
    private void write(Event event) throws IOException {
        byte[] data = event.toByteArray();
        ByteBuffer record = ByteBuffer.allocate(HEADER_BYTES + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        record.putLong(data.length);
        record.putInt(maskedCrc32c(record.array(), 0, 8));
        record.put(data);
        record.putInt(maskedCrc32c(data, 0, data.length));
        record.flip();
        try {
            while (record.hasRemaining()) {
                channel.write(record);
            }
        } catch (IOException e) {
            failed = true;
            FileChannel open = channel;
            channel = null;
            try {
                open.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * TFRecord's checksum: the CRC-32C (Castagnoli) of the bytes, rotated right by 15 bits, plus 0xa282ead8 (so that
     * a CRC of data that holds CRCs is not itself trivially a CRC).
     */
    static int maskedCrc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }

    private interface EventSink {
        void accept(Event event);
    }

    /**
     * Reads the events of one file, checking both CRCs of each record.
     *
     * @return a note when the last record is cut short, else null
     * @throws IOException naming the file and the offset of a corrupt record
     */
    private static String readEvents(Path p, EventSink sink) throws IOException {
        try (FileChannel in = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = in.size();
            long offset = 0;
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            while (offset < size) {
                if (size - offset < HEADER_BYTES) {
                    return cutShort(p, offset, size, HEADER_BYTES);
                }
                header.clear();
                readFully(p, in, header, offset);
                long length = header.getLong(0);
                int stored = header.getInt(8);
                int computed = maskedCrc32c(header.array(), 0, 8);
                if (stored != computed) {
                    throw corrupt(p, offset, "the length's CRC", stored, computed);
                }
                if (length < 0 || length > Integer.MAX_VALUE - 4) {
                    throw new IOException(p + ": record at byte " + offset + " claims " + Long.toUnsignedString(length)
                            + " bytes; not a TensorBoard event file");
                }
                if (length > size - offset - HEADER_BYTES - 4) {
                    return cutShort(p, offset, size, HEADER_BYTES + length + 4);
                }
                ByteBuffer body = ByteBuffer.allocate((int) length + 4).order(ByteOrder.LITTLE_ENDIAN);
                readFully(p, in, body, offset + HEADER_BYTES);
                stored = body.getInt((int) length);
                computed = maskedCrc32c(body.array(), 0, (int) length);
                if (stored != computed) {
                    throw corrupt(p, offset, "the data's CRC", stored, computed);
                }
                Event event;
                try {
                    event = Event.parseFrom(ByteBuffer.wrap(body.array(), 0, (int) length));
                } catch (InvalidProtocolBufferException e) {
                    throw new IOException(p + ": record at byte " + offset + " is not a TensorBoard Event ("
                            + e.getMessage() + ")", e);
                }
                sink.accept(event);
                offset += HEADER_BYTES + length + 4;
            }
            return null;
        }
    }

    private static void readFully(Path p, FileChannel in, ByteBuffer into, long position) throws IOException {
        try {
            while (into.hasRemaining()) {
                int n = in.read(into, position);
                if (n < 0) {
                    throw new IOException("the file shrank while being read");
                }
                position += n;
            }
        } catch (IOException e) {
            throw new IOException(p + ": cannot read at byte " + position + " (" + e.getMessage() + ")", e);
        }
    }

    private static String cutShort(Path p, long offset, long size, long needed) {
        return p + ": the last record, at byte " + offset + ", is cut short (" + (size - offset) + " of " + needed
                + " bytes; a writer stopped while writing it): left as it is, its point not counted as written";
    }

    private static IOException corrupt(Path p, long offset, String what, int stored, int computed) {
        return new IOException(String.format("%s: corrupt record at byte %d: %s does not match (stored 0x%08x, "
                + "computed 0x%08x); TensorBoard stops reading the file there. Move the file away, or remove the "
                + "run's event files to write it afresh", p, offset, what, stored, computed));
    }

    /**
     * The machine's name for the file name, as TensorFlow's writers put it there: the kernel's host name where it can
     * be read without a network lookup, characters other than letters, digits, {@code - _ .} replaced by {@code _}.
     */
    private static String hostName() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            } catch (IOException | RuntimeException notLinux) {
                name = System.getenv("COMPUTERNAME");
            }
        }
        if (name == null || name.isBlank()) {
            try {
                name = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                name = "localhost";
            }
        }
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
