package io.dse4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The compression method of each member of a zip archive, read from its central directory (PKWARE's APPNOTE.TXT,
 * §4.3.12 and §4.3.16, with the ZIP64 end records of §4.3.14–15). Java's {@link java.util.zip.ZipFile} refuses a
 * whole archive that has one member it cannot inflate, with "invalid CEN header (bad compression method: 12)"; this
 * finds those members so that the message can name them and their method. Used only after ZipFile has refused.
 */
final class ZipMethods {

    /** A member Java's zip reader cannot read: its name and the method's number and name. */
    record Unsupported(String member, int method) {
        String methodName() {
            return switch (method) {
                case 9 -> "Deflate64";
                case 12 -> "bzip2";
                case 14 -> "LZMA";
                case 93 -> "Zstandard";
                case 95 -> "xz";
                case 98 -> "PPMd";
                case 99 -> "AES encryption";
                default -> "method " + method;
            };
        }
    }

    private static final int END = 0x06054b50;
    private static final int END64_LOCATOR = 0x07064b50;
    private static final int END64 = 0x06064b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int END_SIZE = 22;
    /** The most central-directory bytes read for the message: far more than any .npz has. */
    private static final long MAX_DIRECTORY = 64L << 20;

    private ZipMethods() {
    }

    /**
     * The members whose method is neither stored (0) nor deflated (8), in the directory's order; empty when there are
     * none or the directory cannot be read (the caller then reports the archive as corrupt).
     */
    static List<Unsupported> unsupported(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            // The end record is the last 22 bytes, or sits before a comment of at most 65535 bytes.
            int tailLength = (int) Math.min(size, END_SIZE + 0xFFFF);
            ByteBuffer tail = read(channel, size - tailLength, tailLength);
            int end = -1;
            for (int i = tailLength - END_SIZE; i >= 0; i--) {
                if (tail.getInt(i) == END) {
                    end = i;
                    break;
                }
            }
            if (end < 0) {
                return List.of();
            }
            long directorySize = Integer.toUnsignedLong(tail.getInt(end + 12));
            long directoryOffset = Integer.toUnsignedLong(tail.getInt(end + 16));
            if (directoryOffset == 0xFFFFFFFFL || directorySize == 0xFFFFFFFFL) {
                // ZIP64: the locator just before the end record gives the ZIP64 end record, which has the 8-byte
                // sizes (Python's zipfile writes it for archives above 2 GiB).
                long locator = size - tailLength + end - 20;
                if (locator < 0 || read(channel, locator, 20).getInt(0) != END64_LOCATOR) {
                    return List.of();
                }
                long end64 = read(channel, locator, 20).getLong(8);
                if (end64 < 0 || end64 + 56 > size) {
                    return List.of();
                }
                ByteBuffer record = read(channel, end64, 56);
                if (record.getInt(0) != END64) {
                    return List.of();
                }
                directorySize = record.getLong(40);
                directoryOffset = record.getLong(48);
            }
            if (directorySize < 0 || directorySize > MAX_DIRECTORY || directoryOffset < 0
                    || directoryOffset + directorySize > size) {
                return List.of();
            }
            ByteBuffer directory = read(channel, directoryOffset, (int) directorySize);
            List<Unsupported> found = new ArrayList<>();
            int at = 0;
            while (at + 46 <= directorySize && directory.getInt(at) == CENTRAL) {
                int method = Short.toUnsignedInt(directory.getShort(at + 10));
                int nameLength = Short.toUnsignedInt(directory.getShort(at + 28));
                int extraLength = Short.toUnsignedInt(directory.getShort(at + 30));
                int commentLength = Short.toUnsignedInt(directory.getShort(at + 32));
                if (at + 46 + nameLength > directorySize) {
                    break;
                }
                if (method != 0 && method != 8) {
                    byte[] name = new byte[nameLength];
                    directory.get(at + 46, name);
                    found.add(new Unsupported(new String(name, StandardCharsets.UTF_8), method));
                }
                at += 46 + nameLength + extraLength + commentLength;
            }
            return found;
        } catch (IOException | RuntimeException e) {
            return List.of();   // only a message depends on it; the archive is then reported as corrupt
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new java.io.EOFException();
            }
        }
        return buffer.flip();
    }
}
