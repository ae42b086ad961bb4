package io.dse4j.io;

import io.dse4j.InvalidInputException;
import io.dse4j.Matrix;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A file of points whose header has been read and checked but whose data has not: its shape is known, and rows are
 * read when asked for — all of them ({@link #read()}) or only chosen ones ({@link #readRows(int[])}), in memory
 * proportional to the rows returned whatever the file's size. A {@code .npy} is memory-mapped and each chosen row
 * read where it lies; a {@code .npz} member is streamed once through its inflater, keeping the chosen rows; a text
 * file is parsed whole when opened (its row count is not known before).
 *
 * <p>The measures take a {@code MatrixFile} directly ({@code DiffusionSpectralEntropy.compute(MatrixFile)} and the
 * like) and read only the rows they use: beyond maxN rows, the subsample is chosen from the row count first and
 * only those rows are read — the same rows, and so the same result, as computing on the whole matrix.
 *
 * <p>Obtained from {@link MatrixFiles#open(Path, String)}. It holds no open file between reads; the file must not
 * change while it is in use.
 */
public final class MatrixFile {

    private final String name;
    private final NpyHeader header;
    private final Source source;
    private final int rows;
    private final int cols;

    private MatrixFile(String name, NpyHeader header, Source source, int rows, int cols) {
        this.name = name;
        this.header = header;
        this.source = source;
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * A file's array as a matrix of points: refused when it is a scalar or has more rows or columns than an
     * {@code int} counts (the subsample's rows and every row's columns are indexed by {@code int}).
     */
    static MatrixFile asMatrix(String name, NpyHeader header, Source source) throws MatrixFileException {
        if (header.shape().length == 0) {
            throw new MatrixFileException(name + ": the array is a scalar (shape ()); a matrix of points needs at"
                    + " least one dimension");
        }
        long n = NpyReader.rows(header);
        long d = NpyReader.cols(header);
        if (n > Integer.MAX_VALUE) {
            throw new MatrixFileException(name + ": shape " + header.shapeText() + " has " + n + " rows; at most "
                    + Integer.MAX_VALUE + " are supported");
        }
        if (d > NpyReader.MAX_ARRAY) {
            throw new MatrixFileException(name + ": shape " + header.shapeText() + " has " + d
                    + " values per row; at most " + NpyReader.MAX_ARRAY + " are supported");
        }
        return new MatrixFile(name, header, source, (int) n, (int) d);
    }

    /** Any array, scalars included (for labels and caches read whole). */
    static MatrixFile asArray(String name, NpyHeader header, Source source) {
        return new MatrixFile(name, header, source, (int) Math.min(NpyReader.rows(header), Integer.MAX_VALUE),
                (int) Math.min(NpyReader.cols(header), Integer.MAX_VALUE));
    }

    /** The file (and {@code [key]} for a {@code .npz} member), as error messages name it. */
    public String name() {
        return name;
    }

    /** The array's shape as stored (a 1-D array is read as one column, more dimensions are flattened). */
    public long[] shape() {
        return header.shape().clone();
    }

    /** The NumPy type code without byte order ({@code f8}, {@code i4}, …; {@code f8} for text files). */
    public String dtype() {
        return header.dtype().code();
    }

    /** The number of rows (points), N. */
    public int rows() {
        return rows;
    }

    /** The number of columns (dimensions), D: the product of the extents after the first. */
    public int cols() {
        return cols;
    }

    /** Reads every row. */
    public Matrix read() throws IOException {
        return Matrix.ofRowMajor(source.values(header, null, name), rows, cols);
    }

    /**
     * Reads the given rows, in that order (repeats allowed), as a matrix of {@code rows.length} rows; the rest of
     * the file is not kept in memory.
     */
    public Matrix readRows(int[] chosen) throws IOException {
        if (chosen == null) {
            throw new InvalidInputException("rows", "must not be null");
        }
        for (int p = 0; p < chosen.length; p++) {
            if (chosen[p] < 0 || chosen[p] >= rows) {
                throw new InvalidInputException("rows", "index " + chosen[p] + " at position " + p
                        + " is outside the file's rows [0, " + rows + ") of " + name);
            }
        }
        return Matrix.ofRowMajor(source.values(header, chosen.clone(), name), chosen.length, cols);
    }

    /** Every value, with the shape and dtype. */
    NpyArray readArray() throws IOException {
        return new NpyArray(header.shape(), header.dtype().code(), source.values(header, null, name));
    }

    @Override
    public String toString() {
        return "MatrixFile[" + name + ", " + header.dtype().code() + " " + header.shapeText() + "]";
    }

    /** Where the data comes from. */
    interface Source {
        /** The chosen rows (all when null; indices already checked) row-major. */
        double[] values(NpyHeader header, int[] rows, String name) throws IOException;
    }

    /**
     * A {@code .npy} file, memory-mapped for each read. Its header is read again first and must describe the same
     * data as when the file was opened, and its length must still be the header's promise.
     */
    record MappedNpy(Path file) implements Source {
        @Override
        public double[] values(NpyHeader header, int[] rows, String name) throws IOException {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                 Arena arena = Arena.ofConfined()) {
                long bytes = header.dataBytes(name);
                NpyHeader now = NpyReader.readHeader(
                        new java.io.BufferedInputStream(java.nio.channels.Channels.newInputStream(channel)), name);
                if (!now.sameLayout(header) || channel.size() != header.dataOffset() + bytes) {
                    throw changed(name);
                }
                return gatherMapped(channel, header, rows, name, arena);
            } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
                throw new MatrixFileException(name + ": no such file (it was removed after it was opened)", e);
            }
        }
    }

    /** The chosen rows of the header's data, mapped from the open channel. */
    private static double[] gatherMapped(FileChannel channel, NpyHeader header, int[] rows, String name, Arena arena)
            throws IOException {
        MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, header.dataOffset(), header.dataBytes(name),
                arena);
        try {
            return NpyReader.gather(data, header, rows, name);
        } catch (InternalError fault) {
            // What the JVM throws when a mapped page vanishes: the file was cut short while being read.
            throw new MatrixFileException(name + ": the file was truncated while it was being read", fault);
        }
    }

    private static MatrixFileException changed(String name) {
        return new MatrixFileException(name + ": the file changed since it was opened; open it again");
    }

    /**
     * A member of a {@code .npz} archive, streamed through its inflater for each read. Its header must describe the
     * same data as when it was opened, and the CRC-32 of everything it inflates to must be the one the archive
     * records — Java's {@link ZipFile} does not check it, and a flipped byte would otherwise be a wrong number.
     */
    record NpzMember(Path file, String entry) implements Source {
        @Override
        public double[] values(NpyHeader header, int[] rows, String name) throws IOException {
            try (ZipFile zip = new ZipFile(file.toFile())) {
                ZipEntry member = zip.getEntry(entry);
                if (member == null) {
                    throw changed(name);
                }
                CRC32 crc = new CRC32();
                try (InputStream in = new CheckedInputStream(zip.getInputStream(member), crc)) {
                    if (!NpyReader.readHeader(in, name).sameLayout(header)) {
                        throw changed(name);
                    }
                    double[] values = NpyReader.gather(in, header, rows, name);
                    if (member.getCrc() != -1 && crc.getValue() != member.getCrc()) {
                        throw new MatrixFileException(name + ": corrupt .npz member: its data has CRC-32 "
                                + Long.toHexString(crc.getValue()) + " but the archive records "
                                + Long.toHexString(member.getCrc()));
                    }
                    return values;
                }
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                // The archive's or the inflater's own errors: a damaged archive, corrupt compressed data, or
                // compressed data that ends early.
                throw new MatrixFileException(name + ": corrupt .npz archive or member: " + e.getMessage(), e);
            } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
                throw new MatrixFileException(name + ": no such file (it was removed after it was opened)", e);
            }
        }
    }

    /**
     * A region of a file whose header lives elsewhere in it (a {@code .safetensors} tensor), memory-mapped for each
     * read; the file must still have the length it had when opened.
     */
    record MappedRegion(Path file, long length) implements Source {
        @Override
        public double[] values(NpyHeader header, int[] rows, String name) throws IOException {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                 Arena arena = Arena.ofConfined()) {
                if (channel.size() != length) {
                    throw changed(name);
                }
                return gatherMapped(channel, header, rows, name, arena);
            } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
                throw new MatrixFileException(name + ": no such file (it was removed after it was opened)", e);
            }
        }
    }

    /** Values parsed when the file was opened (delimited text). */
    /** A whole {@code .npy} file's bytes in memory (length already checked against the header). */
    record InBytes(byte[] content) implements Source {
        @Override
        public double[] values(NpyHeader header, int[] rows, String name) throws IOException {
            MemorySegment data = MemorySegment.ofArray(content).asSlice(header.dataOffset(), header.dataBytes(name));
            return NpyReader.gather(data, header, rows, name);
        }
    }

    record InMemory(double[] values, int cols) implements Source {
        @Override
        public double[] values(NpyHeader header, int[] rows, String name) {
            if (rows == null) {
                return values;   // a Matrix is a read-only view: sharing the parsed values is safe
            }
            double[] out = new double[Math.multiplyExact(rows.length, cols)];
            for (int p = 0; p < rows.length; p++) {
                System.arraycopy(values, rows[p] * cols, out, p * cols, cols);
            }
            return out;
        }
    }
}
