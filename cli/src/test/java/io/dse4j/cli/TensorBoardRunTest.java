package io.dse4j.cli;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;

import io.dse4j.cli.TensorBoardRun.Added;
import io.dse4j.cli.TensorBoardRun.Point;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TensorBoardRun}'s files read back as TensorBoard reads them, by a decoder of this test's own: the TFRecord
 * framing checked here (length, both masked CRC-32Cs recomputed), each record parsed with protobuf's
 * {@link DynamicMessage} against a schema assembled below from TensorBoard's event.proto and summary.proto (field
 * numbers, types, oneofs), not the writer's generated classes. Then resuming: no point written twice, a last record
 * cut short taken as a killed writer's, a corrupt record refused naming the file and its offset.
 */
class TensorBoardRunTest {

    @TempDir
    Path dir;

    // ---- TensorBoard's schema, assembled by hand (tensorboard/compat/proto/event.proto, summary.proto) ----

    static final Descriptor EVENT;
    static final Descriptor SUMMARY;
    static final Descriptor VALUE;

    static {
        DescriptorProto value = DescriptorProto.newBuilder().setName("Value")
                .addField(field("tag", 1, Type.TYPE_STRING))
                .addField(field("node_name", 7, Type.TYPE_STRING))
                .addField(field("simple_value", 2, Type.TYPE_FLOAT).setOneofIndex(0))
                .addField(field("obsolete_old_style_histogram", 3, Type.TYPE_BYTES).setOneofIndex(0))
                .addOneofDecl(OneofDescriptorProto.newBuilder().setName("value"))
                .build();
        DescriptorProto summary = DescriptorProto.newBuilder().setName("Summary")
                .addNestedType(value)
                .addField(field("value", 1, Type.TYPE_MESSAGE).setLabel(Label.LABEL_REPEATED)
                        .setTypeName(".tensorboard.Summary.Value"))
                .build();
        DescriptorProto event = DescriptorProto.newBuilder().setName("Event")
                .addField(field("wall_time", 1, Type.TYPE_DOUBLE))
                .addField(field("step", 2, Type.TYPE_INT64))
                .addField(field("file_version", 3, Type.TYPE_STRING).setOneofIndex(0))
                .addField(field("graph_def", 4, Type.TYPE_BYTES).setOneofIndex(0))
                .addField(field("summary", 5, Type.TYPE_MESSAGE).setOneofIndex(0)
                        .setTypeName(".tensorboard.Summary"))
                .addField(field("meta_graph_def", 9, Type.TYPE_BYTES).setOneofIndex(0))
                .addOneofDecl(OneofDescriptorProto.newBuilder().setName("what"))
                .build();
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("tensorboard_event_test.proto")
                .setPackage("tensorboard").setSyntax("proto3")
                .addMessageType(event).addMessageType(summary).build();
        try {
            FileDescriptor fd = FileDescriptor.buildFrom(file, new FileDescriptor[0]);
            EVENT = fd.findMessageTypeByName("Event");
            SUMMARY = fd.findMessageTypeByName("Summary");
            VALUE = SUMMARY.findNestedTypeByName("Value");
        } catch (DescriptorValidationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static FieldDescriptorProto.Builder field(String name, int number, Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(Label.LABEL_OPTIONAL);
    }

    private static Object get(DynamicMessage m, String field) {
        return m.getField(m.getDescriptorForType().findFieldByName(field));
    }

    private static boolean has(DynamicMessage m, String field) {
        return m.hasField(m.getDescriptorForType().findFieldByName(field));
    }

    /** A point as read back: every field TensorBoard's scalar dashboard uses. */
    record Read(String tag, long step, double wallTime, float value) {
    }

    // ---- TFRecord framing, this test's own ----

    /** TFRecord's mask, written here as a rotation (the writer shifts and ors). */
    private static int mask(int crc) {
        return Integer.rotateRight(crc, 15) + 0xa282ead8;
    }

    private static int crc32c(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /** The records of a file, every length and CRC checked; fails the test on any mismatch or stray byte. */
    static List<byte[]> records(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> out = new ArrayList<>();
        while (b.hasRemaining()) {
            int at = b.position();
            assertTrue(b.remaining() >= 12, file + ": header cut short at " + at);
            long length = b.getLong();
            assertEquals(mask(crc32c(all, at, 8)), b.getInt(), file + ": length CRC at " + at);
            assertTrue(length >= 0 && length + 4 <= b.remaining(), file + ": length " + length + " at " + at);
            byte[] data = new byte[(int) length];
            b.get(data);
            assertEquals(mask(crc32c(data, 0, data.length)), b.getInt(), file + ": data CRC at " + at);
            out.add(data);
        }
        return out;
    }

    static List<DynamicMessage> events(Path file) throws IOException {
        List<DynamicMessage> out = new ArrayList<>();
        for (byte[] r : records(file)) {
            DynamicMessage e = DynamicMessage.parseFrom(EVENT, r);
            assertTrue(e.getUnknownFields().asMap().isEmpty(), "fields outside TensorBoard's Event: " + e);
            out.add(e);
        }
        return out;
    }

    /** The points of a file, after checking its first event is the file's version. */
    static List<Read> points(Path file) throws IOException {
        List<DynamicMessage> events = events(file);
        DynamicMessage first = events.getFirst();
        assertEquals("brain.Event:2", get(first, "file_version"));
        assertEquals(0L, get(first, "step"));
        assertFalse(has(first, "summary"));
        List<Read> out = new ArrayList<>();
        for (DynamicMessage e : events.subList(1, events.size())) {
            assertTrue(has(e, "summary"), "not a summary: " + e);
            DynamicMessage summary = (DynamicMessage) get(e, "summary");
            assertTrue(summary.getUnknownFields().asMap().isEmpty());
            @SuppressWarnings("unchecked")
            List<DynamicMessage> values = (List<DynamicMessage>) get(summary, "value");
            for (DynamicMessage v : values) {
                assertTrue(v.getUnknownFields().asMap().isEmpty());
                assertTrue(has(v, "simple_value"), "no simple_value: " + v);
                out.add(new Read((String) get(v, "tag"), (Long) get(e, "step"), (Double) get(e, "wall_time"),
                        (Float) get(v, "simple_value")));
            }
        }
        return out;
    }

    List<Path> eventFiles(Path run) throws IOException {
        try (Stream<Path> s = Files.list(run)) {
            return s.sorted().toList();
        }
    }

    List<Read> allPoints(Path run) throws IOException {
        List<Read> all = new ArrayList<>();
        for (Path f : eventFiles(run)) {
            all.addAll(points(f));
        }
        return all;
    }

    /** A record framed by this test, for files of "another writer". */
    static byte[] frame(byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(data.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(data.length).putInt(mask(crc32c(b.array(), 0, 8))).put(data)
                .putInt(mask(crc32c(data, 0, data.length)));
        return b.array();
    }

    static byte[] scalarEvent(String tag, long step, float value) {
        DynamicMessage v = DynamicMessage.newBuilder(VALUE).setField(VALUE.findFieldByName("tag"), tag)
                .setField(VALUE.findFieldByName("simple_value"), value).build();
        DynamicMessage s = DynamicMessage.newBuilder(SUMMARY).addRepeatedField(SUMMARY.findFieldByName("value"), v)
                .build();
        return DynamicMessage.newBuilder(EVENT).setField(EVENT.findFieldByName("wall_time"), 1.7e9)
                .setField(EVENT.findFieldByName("step"), step).setField(EVENT.findFieldByName("summary"), s).build()
                .toByteArray();
    }

    static Instant at(long second, int millis) {
        return Instant.ofEpochSecond(second, millis * 1_000_000L);
    }

    // ---- the checksum ----

    @Test
    void maskedCrc32cOfKnownInputs() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        // The CRC-32C check value (RFC 3720 B.4; the catalogue's "check" for CRC-32/ISCSI) ...
        assertEquals(0xE3069283, crc32c(check, 0, check.length));
        // ... rotated right 15 bits by hand: 0x2507C60D; + 0xA282EAD8 = 0xC78AB0E5 (mod 2^32).
        assertEquals(0xC78AB0E5, TensorBoardRun.maskedCrc32c(check, 0, check.length));
        // A record of a real TensorFlow event file, Event{file_version: "CRC test, one two"}, and its stored CRC
        // (TensorBoard's masked_crc.rs quotes it).
        byte[] record = "\u001a\u0011CRC test, one two".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x5794d08a, TensorBoardRun.maskedCrc32c(record, 0, record.length));
        // 32 zero bytes: CRC-32C 0x8A9136AA (RFC 3720 B.4), masked.
        assertEquals(mask(0x8A9136AA), TensorBoardRun.maskedCrc32c(new byte[32], 0, 32));
    }

    // ---- writing ----

    @Test
    void everyPointReadsBackAsTensorBoardSchemaHasIt() throws IOException {
        Path run = dir.resolve("runs/table");    // created with its parent
        long before = Instant.now().getEpochSecond();
        List<Read> expected = new ArrayList<>();
        try (TensorBoardRun tb = TensorBoardRun.open(run)) {
            assertNull(tb.file());
            for (int step = 0; step < 4; step++) {
                for (String tag : List.of("dse/conv1", "dsmi_y/conv1", "dsmi_x/fc.2")) {
                    double value = 0.1 * step + tag.length();
                    Instant wall = at(1_700_000_000L + step, 250);
                    assertEquals(Added.WRITTEN, tb.add(tag, step * 100L, wall, value));
                    expected.add(new Read(tag, step * 100L, 1_700_000_000.25 + step, (float) value));
                }
            }
            assertTrue(tb.file().getFileName().toString()
                    .matches("events\\.out\\.tfevents\\.\\d{10}\\.[A-Za-z0-9._-]+"), tb.file().toString());
        }
        long after = Instant.now().getEpochSecond();
        List<Path> files = eventFiles(run);
        assertEquals(1, files.size(), files.toString());
        assertEquals(expected, points(files.getFirst()));
        double created = (Double) get(events(files.getFirst()).getFirst(), "wall_time");
        assertTrue(created >= before && created <= after + 1, created + " not in [" + before + ", " + after + "]");
        long named = Long.parseLong(files.getFirst().getFileName().toString().split("\\.")[3]);
        assertTrue(named >= before && named <= after, named + " not in [" + before + ", " + after + "]");
    }

    @Test
    void eachPointIsInTheFileWhenAddReturns() throws IOException {
        Path run = dir.resolve("run");
        try (TensorBoardRun tb = TensorBoardRun.open(run)) {
            tb.add("dse/a", 1, at(1_700_000_000L, 0), 2.5);
            assertEquals(List.of(new Read("dse/a", 1, 1.7e9, 2.5f)), points(tb.file()));
            tb.add("dse/a", 2, at(1_700_000_001L, 500), -0.0);
            assertEquals(List.of(new Read("dse/a", 1, 1.7e9, 2.5f), new Read("dse/a", 2, 1_700_000_001.5, -0.0f)),
                    points(tb.file()));
        }
    }

    @Test
    void aRunWithNothingAddedLeavesNoFile() throws IOException {
        Path run = dir.resolve("run");
        try (TensorBoardRun tb = TensorBoardRun.open(run)) {
            assertTrue(tb.points().isEmpty());
            assertTrue(tb.notes().isEmpty());
        }
        assertTrue(Files.isDirectory(run));
        assertEquals(List.of(), eventFiles(run));
    }

    @Test
    void closeIsIdempotentAndAddAfterItRefused() throws IOException {
        TensorBoardRun tb = TensorBoardRun.open(dir);
        tb.add("dse/a", 0, Instant.now(), 1);
        tb.close();
        tb.close();
        assertThrows(IllegalStateException.class, () -> tb.add("dse/a", 1, Instant.now(), 1));
        assertEquals(1, allPoints(dir).size());
    }

    @Test
    void tagsOutsideTensorBoardsCharactersRefusedOrReplaced() throws IOException {
        try (TensorBoardRun tb = TensorBoardRun.open(dir)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> tb.add("dse/layer 1", 0, Instant.now(), 1));
            assertTrue(e.getMessage().contains("' ' (U+0020)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> tb.add("", 0, Instant.now(), 1));
            assertThrows(IllegalArgumentException.class, () -> tb.add("dse/a", -1, Instant.now(), 1));
            assertEquals("dse/encoder.layers_0_.attn-out_x", TensorBoardRun.tag("dse", "encoder.layers[0].attn-out:x"));
            assertEquals("dsmi_y/größe_2", TensorBoardRun.tag("dsmi_y", "größe 2"));
            assertEquals(Added.WRITTEN, tb.add(TensorBoardRun.tag("dsmi_y", "größe 2"), 0, Instant.now(), 1));
            assertEquals(Added.WRITTEN, tb.add("dse/a_b-c.d/e", 0, Instant.now(), 1));
        }
        assertEquals(List.of("dsmi_y/größe_2", "dse/a_b-c.d/e"), allPoints(dir).stream().map(Read::tag).toList());
    }

    // ---- resuming ----

    @Test
    void resumingAddsOnlyWhatIsNew() throws IOException {
        Path run = dir.resolve("run");
        try (TensorBoardRun tb = TensorBoardRun.open(run)) {
            for (long step = 0; step < 3; step++) {
                tb.add("dse/a", step, at(1_700_000_000L + step, 0), step);
                tb.add("dse/b", step, at(1_700_000_000L + step, 0), 10 + step);
            }
            assertEquals(Added.ALREADY_THERE, tb.add("dse/a", 2, Instant.now(), 99));
        }
        try (TensorBoardRun tb = TensorBoardRun.open(run)) {
            assertEquals(6, tb.points().size());
            assertTrue(tb.contains("dse/a", 2));
            assertFalse(tb.contains("dse/a", 3));
            assertEquals(2, tb.lastStep("dse/b"));
            assertEquals(-1, tb.lastStep("dse/c"));
            for (long step = 0; step < 5; step++) {
                Added expected = step < 3 ? Added.ALREADY_THERE : Added.WRITTEN;
                assertEquals(expected, tb.add("dse/a", step, at(1_700_000_010L, 0), 100 + step));
                assertEquals(expected, tb.add("dse/b", step, at(1_700_000_010L, 0), 200 + step));
            }
            assertEquals(Added.WRITTEN, tb.add("dse/c", 1, at(1_700_000_010L, 0), 7));
            assertEquals(Added.ALREADY_THERE, tb.add("dse/c", 1, at(1_700_000_010L, 0), 8));
        }
        // Reopened in the same second: a second file, its name sorting after the first (TensorBoard's read order).
        List<Path> files = eventFiles(run);
        assertEquals(2, files.size(), files.toString());
        List<Read> read = allPoints(run);
        Set<Point> distinct = new HashSet<>();
        for (Read r : read) {
            assertTrue(distinct.add(new Point(r.tag(), r.step())), "written twice: " + r);
        }
        assertEquals(11, read.size());
        assertEquals(List.of(new Read("dse/a", 3, 1_700_000_010.0, 103), new Read("dse/b", 3, 1_700_000_010.0, 203),
                new Read("dse/a", 4, 1_700_000_010.0, 104), new Read("dse/b", 4, 1_700_000_010.0, 204),
                new Read("dse/c", 1, 1_700_000_010.0, 7)), points(files.get(1)));
        assertEquals(10f, read.get(1).value());    // the first run's value of (dse/b, 0) kept
    }

    @Test
    void aStepBelowTheTagsLastIsNotWritten() throws IOException {
        try (TensorBoardRun tb = TensorBoardRun.open(dir)) {
            tb.add("dse/a", 5, Instant.now(), 1);
            tb.add("dse/a", 7, Instant.now(), 1);
            assertEquals(Added.OUT_OF_ORDER, tb.add("dse/a", 6, Instant.now(), 1));
            assertEquals(Added.WRITTEN, tb.add("dse/b", 6, Instant.now(), 1));
        }
        try (TensorBoardRun tb = TensorBoardRun.open(dir)) {
            assertEquals(Added.OUT_OF_ORDER, tb.add("dse/a", 0, Instant.now(), 1));
        }
        assertEquals(List.of(5L, 7L, 6L), allPoints(dir).stream().map(Read::step).toList());
    }

    @Test
    void anotherWritersFileIsReadWithTensorBoardsPreemption() throws IOException {
        // Steps 1, 2, 3, then 2 again (a job restarted from step 1's checkpoint): TensorBoard shows 1 and the new 2.
        try (var out = Files.newOutputStream(dir.resolve("events.out.tfevents.1600000000.elsewhere"))) {
            out.write(frame(DynamicMessage.newBuilder(EVENT)
                    .setField(EVENT.findFieldByName("file_version"), "brain.Event:2").build().toByteArray()));
            for (long step : new long[] {1, 2, 3, 2}) {
                out.write(frame(scalarEvent("loss", step, step)));
            }
        }
        try (TensorBoardRun tb = TensorBoardRun.open(dir)) {
            assertEquals(List.of(new Point("loss", 1), new Point("loss", 2)), tb.points());
            assertEquals(Added.WRITTEN, tb.add("loss", 3, Instant.now(), 3));
            assertTrue(tb.file().getFileName().toString().compareTo("events.out.tfevents.1600000000.elsewhere") > 0);
        }
    }

    /** Writes dse/a at steps 0 to 3 into {@code run}; returns the event file. */
    private static Path fourPoints(Path run) throws IOException {
        try (TensorBoardRun tb = TensorBoardRun.open(run)) {
            for (long step = 0; step < 4; step++) {
                tb.add("dse/a", step, at(1_700_000_000L, 0), step);
            }
            return tb.file();
        }
    }

    @Test
    void aLastRecordCutShortIsLeftAndItsPointWrittenAgain() throws IOException {
        Path run = dir.resolve("run");
        Path first = fourPoints(run);
        long size = Files.size(first);
        long lastRecord = size - records(first).getLast().length - 16;
        for (long cut : new long[] {size - 6, lastRecord + 5}) {    // in its data; in its header
            try (FileChannel c = FileChannel.open(first, StandardOpenOption.WRITE)) {
                c.truncate(cut);
            }
            try (TensorBoardRun tb = TensorBoardRun.open(run)) {
                assertEquals(1, tb.notes().size(), tb.notes().toString());
                assertTrue(tb.notes().getFirst().startsWith(first + ": the last record, at byte " + lastRecord
                        + ", is cut short"), tb.notes().getFirst());
                assertTrue(tb.contains("dse/a", 2));
                assertFalse(tb.contains("dse/a", 3));
            }
        }
        byte[] left = Files.readAllBytes(first);
        try (TensorBoardRun tb = TensorBoardRun.open(run)) {
            assertEquals(Added.WRITTEN, tb.add("dse/a", 3, at(1_700_000_001L, 0), 3));
            assertEquals(Added.WRITTEN, tb.add("dse/a", 4, at(1_700_000_001L, 0), 4));
        }
        assertArrayEquals(left, Files.readAllBytes(first));
        List<Path> files = eventFiles(run);
        assertEquals(2, files.size());
        assertEquals(List.of(3L, 4L), points(files.get(1)).stream().map(Read::step).toList());
    }

    @Test
    void aCorruptRecordInTheMiddleIsRefusedNamingFileAndOffset() throws IOException {
        Path run = dir.resolve("run");
        Path file = fourPoints(run);
        byte[] good = Files.readAllBytes(file);
        List<byte[]> records = records(file);
        long second = records.get(0).length + 16L;            // the first point's record
        long third = second + records.get(1).length + 16L;

        byte[] bad = good.clone();
        bad[(int) second + 12 + 3] ^= 0x10;                   // a bit of its data
        Files.write(file, bad);
        IOException e = assertThrows(IOException.class, () -> TensorBoardRun.open(run));
        assertTrue(e.getMessage().startsWith(file + ": corrupt record at byte " + second + ": the data's CRC"),
                e.getMessage());

        bad = good.clone();
        bad[(int) third + 9] ^= 0x01;                         // its length's CRC
        Files.write(file, bad);
        e = assertThrows(IOException.class, () -> TensorBoardRun.open(run));
        assertTrue(e.getMessage().startsWith(file + ": corrupt record at byte " + third + ": the length's CRC"),
                e.getMessage());
    }

    @Test
    void aRecordThatIsNoEventIsRefused() throws IOException {
        Files.write(dir.resolve("events.out.tfevents.1600000000.x"), frame(new byte[] {(byte) 0xff, 0x01}));
        IOException e = assertThrows(IOException.class, () -> TensorBoardRun.open(dir));
        assertTrue(e.getMessage().contains("events.out.tfevents.1600000000.x: record at byte 0 is not a TensorBoard "
                + "Event"), e.getMessage());
    }

    @Test
    void aFolderThatCannotBeMadeIsNamed() throws IOException {
        Path notAFolder = Files.createFile(dir.resolve("file"));
        IOException e = assertThrows(IOException.class, () -> TensorBoardRun.open(notAFolder.resolve("run")));
        assertTrue(e.getMessage().contains(notAFolder.toString()), e.getMessage());
    }
}
