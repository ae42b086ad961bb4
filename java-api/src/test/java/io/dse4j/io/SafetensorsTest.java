package io.dse4j.io;

import io.dse4j.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code .safetensors}: every supported dtype reads back the values written (bf16 and f16 as their exact values),
 * a tensor is picked by name, only chosen rows are read, and each kind of malformed file is refused with a message
 * that says what is wrong.
 */
class SafetensorsTest {

    @TempDir
    Path dir;

    /** A file of the format: 8-byte length, JSON header (padded with spaces), then the data. */
    private Path write(String name, String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
        out.writeBytes(json);
        out.writeBytes(data);
        Path file = dir.resolve(name);
        Files.write(file, out.toByteArray());
        return file;
    }

    private static byte[] bytes(int size, java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        return b.array();
    }

    @Test
    void everyDtypeReadsBackTheValuesWritten() throws IOException {
        double[] values = {1.5, -2.0, 0.25, 3.0, -0.5, 8.0};
        record Case(String dtype, int size, java.util.function.BiConsumer<ByteBuffer, Double> put) {
        }
        Case[] cases = {
            new Case("F64", 8, (b, v) -> b.putDouble(v)),
            new Case("F32", 4, (b, v) -> b.putFloat(v.floatValue())),
            new Case("F16", 2, (b, v) -> b.putShort(Float.floatToFloat16(v.floatValue()))),
            new Case("BF16", 2, (b, v) -> b.putShort((short) (Float.floatToRawIntBits(v.floatValue()) >>> 16))),
            new Case("I64", 8, (b, v) -> b.putLong(Math.round(v * 4))),
            new Case("I32", 4, (b, v) -> b.putInt((int) Math.round(v * 4))),
            new Case("I16", 2, (b, v) -> b.putShort((short) Math.round(v * 4))),
            new Case("I8", 1, (b, v) -> b.put((byte) Math.round(v * 4))),
            new Case("U8", 1, (b, v) -> b.put((byte) Math.round(Math.abs(v) * 4))),
        };
        for (Case c : cases) {
            byte[] data = bytes(values.length * c.size(), b -> {
                for (double v : values) {
                    c.put().accept(b, v);
                }
            });
            Path file = write(c.dtype() + ".safetensors", "{\"__metadata__\":{\"format\":\"pt\"},\"z\":{\"dtype\":\""
                    + c.dtype() + "\",\"shape\":[3,2],\"data_offsets\":[0," + data.length + "]}}   ", data);
            Matrix m = MatrixFiles.read(file);
            assertEquals(3, m.rows(), c.dtype());
            assertEquals(2, m.cols(), c.dtype());
            for (int i = 0; i < 6; i++) {
                double expected = c.dtype().startsWith("F") || c.dtype().equals("BF16") ? values[i]
                        : c.dtype().equals("U8") ? Math.round(Math.abs(values[i]) * 4) : Math.round(values[i] * 4);
                assertEquals(expected, m.get(i / 2, i % 2), 0.0, c.dtype() + " element " + i);
            }
        }
    }

    @Test
    void aTensorIsChosenByNameAndOnlyItsChosenRowsAreRead() throws IOException {
        byte[] a = bytes(4 * 8, b -> {
            for (int i = 0; i < 4; i++) {
                b.putDouble(i);
            }
        });
        byte[] z = bytes(6 * 4, b -> {
            for (int i = 0; i < 6; i++) {
                b.putFloat(10 + i);
            }
        });
        byte[] data = new byte[a.length + z.length];
        System.arraycopy(a, 0, data, 0, a.length);
        System.arraycopy(z, 0, data, a.length, z.length);
        Path file = write("two.safetensors", "{\"a\":{\"dtype\":\"F64\",\"shape\":[4],\"data_offsets\":[0,32]},"
                + "\"layer.3\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[32,56]}}", data);
        MatrixFileException which = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(file));
        assertTrue(which.getMessage().contains("holds 2 tensors [a, layer.3]; choose one with --key NAME"),
                which.getMessage());
        MatrixFile layer = MatrixFiles.open(file, "layer.3");
        assertEquals(file + "[layer.3]", layer.name());
        Matrix rows = layer.readRows(new int[] {2, 0});
        assertEquals(14.0, rows.get(0, 0), 0.0);
        assertEquals(11.0, rows.get(1, 1), 0.0);
        assertEquals(4, MatrixFiles.read(file, "a").rows(), "a 1-D tensor is N × 1");
        MatrixFileException missing = assertThrows(MatrixFileException.class, () -> MatrixFiles.open(file, "b"));
        assertTrue(missing.getMessage().contains("has no tensor 'b'; it holds [a, layer.3]"), missing.getMessage());
    }

    @Test
    void aHeaderNestedBeyondTheLimitIsRefusedNotAStackOverflow() throws IOException {
        byte[] data = bytes(16, b -> b.putDouble(1).putDouble(2));
        String tensor = "\"x\":{\"dtype\":\"F64\",\"shape\":[2,1],\"data_offsets\":[0,16]}";
        // The header object is level 1, so metadata nested k deep makes k + 1 levels.
        java.util.function.IntFunction<String> nested = k -> "{\"__metadata__\":" + "[".repeat(k) + "]".repeat(k)
                + "," + tensor + "}";
        Path limit = write("limit.safetensors", nested.apply(SafetensorsHeader.MAX_DEPTH - 1), data);
        assertEquals(2, MatrixFiles.read(limit).rows(), "128 levels are read");
        Path deeper = write("deeper.safetensors", nested.apply(SafetensorsHeader.MAX_DEPTH), data);
        assertEquals(deeper + ": the .safetensors header nests arrays and objects more than 128 deep (at character "
                + (16 + 127) + "); a header needs three levels (the header, a tensor's object, its shape list): the "
                + "file is damaged or not a .safetensors file",
                assertThrows(MatrixFileException.class, () -> MatrixFiles.read(deeper)).getMessage());
        // 5000 levels overflowed the recursive parser's stack (StackOverflowError) before the limit.
        Path deep = write("deep.safetensors", "[".repeat(5000) + "]".repeat(5000), data);
        String message = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(deep)).getMessage();
        assertTrue(message.contains("nests arrays and objects more than 128 deep"), message);
    }

    @Test
    void malformedFilesAreRefusedWithWhatIsWrong() throws IOException {
        byte[] eight = new byte[8];
        String ok = "\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]";
        String[][] cases = {
            {"{\"x\":{" + ok + "}", "not valid JSON: the header ends early"},
            {"{\"x\":{" + ok + "},\"x\":{" + ok + "}}", "the key \"x\" appears twice"},
            {"{\"x\":{\"dtype\":\"F8_E4M3\",\"shape\":[8],\"data_offsets\":[0,8]}}", "dtype 'F8_E4M3', which dse4j "
                    + "does not read"},
            {"{\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}", "needs 2 × 8 bytes, but "
                    + "data_offsets [0, 8] hold 8"},
            {"{\"x\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,16]}}", "lie outside the 8 data bytes"},
            {"{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"y\":{\"dtype\":\"F32\",\"shape\":[1],"
                    + "\"data_offsets\":[4,8]}}", "tensors 'x' and 'y' overlap"},
            {"{\"x\":{\"dtype\":\"F64\",\"shape\":[-1],\"data_offsets\":[0,8]}}", "must hold non-negative integers"},
            {"{\"x\":{\"dtype\":\"F64\",\"shape\":[1]}}", "needs \"data_offsets\": [begin, end]"},
            {"[1, 2]", "not a JSON object"},
            {"{\"__metadata__\":{}}", "holds no tensors"},
        };
        for (String[] c : cases) {
            Path file = write("bad.safetensors", c[0], eight);
            MatrixFileException e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(file), c[0]);
            assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(c[1]),
                    c[1] + " ← " + e.getMessage());
        }
        Path tooLong = dir.resolve("long.safetensors");
        Files.write(tooLong, bytes(16, b -> b.putLong(1000).putLong(0)));
        MatrixFileException beyond = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(tooLong));
        assertTrue(beyond.getMessage().contains("header length is 1000 bytes, but the file holds only 8 bytes"),
                beyond.getMessage());
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2});
        assertTrue(assertThrows(MatrixFileException.class, () -> MatrixFiles.read(tiny)).getMessage()
                .contains("fewer than the 8-byte header length"));
        Path latin = write("latin.safetensors", "{}", new byte[0]);
        byte[] raw = Files.readAllBytes(latin);
        raw[8] = (byte) 0xff;
        Files.write(latin, raw);
        assertTrue(assertThrows(MatrixFileException.class, () -> MatrixFiles.read(latin)).getMessage()
                .contains("not UTF-8 text"));
    }
}
