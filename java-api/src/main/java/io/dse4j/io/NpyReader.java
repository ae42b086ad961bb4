package io.dse4j.io;

import io.dse4j.spi.Bytes;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Reads the NumPy {@code .npy} format, versions 1.0, 2.0 and 3.0 (numpy.lib.format): the magic string, a version,
 * a header length (2 bytes in 1.0, 4 in 2.0/3.0), the header ({@link NpyHeader}), then the raw elements in C or
 * Fortran order.
 *
 * <p>Only the rows asked for are decoded, and all positions are {@code long}: from a memory-mapped file each chosen
 * row's elements are read where they lie ({@link #gather(MemorySegment, NpyHeader, int[], String)}); from a stream
 * (a {@code .npz} member through its inflater) the elements go by once and only the chosen rows are kept
 * ({@link #gather(InputStream, NpyHeader, int[], String)}). Either way the memory used is that of the rows returned,
 * whatever the array's size.
 *
 * <p>An array is seen as a matrix of {@code shape[0]} rows and the product of the other extents as columns (a 1-D
 * array is a column, more dimensions are flattened in C order, as the reference flattens images).
 */
final class NpyReader {

    /** The most elements one Java array holds (the JDK's own limit for array allocation). */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final int CHUNK = 1 << 16;

    private NpyReader() {
    }

    /** Reads the magic, version and header; leaves {@code in} at the first data byte. */
    static NpyHeader readHeader(InputStream in, String name) throws IOException {
        byte[] magic = new byte[NpyHeader.MAGIC.length + 2];
        if (readFully(in, magic, magic.length) < magic.length
                || !Arrays.equals(magic, 0, NpyHeader.MAGIC.length, NpyHeader.MAGIC, 0, NpyHeader.MAGIC.length)) {
            throw new MatrixFileException(name + ": not a .npy file (it does not start with the \\x93NUMPY magic)");
        }
        int major = magic[6] & 0xff;
        int minor = magic[7] & 0xff;
        int lengthBytes;
        if (major == 1) {
            lengthBytes = 2;
        } else if (major == 2 || major == 3) {
            lengthBytes = 4;
        } else {
            throw new MatrixFileException(name + ": .npy format version " + major + "." + minor
                    + " is not supported (1.0, 2.0 and 3.0 are)");
        }
        byte[] length = new byte[lengthBytes];
        if (readFully(in, length, lengthBytes) < lengthBytes) {
            throw new MatrixFileException(name + ": truncated .npy header");
        }
        long headerLength = 0;
        for (int i = lengthBytes - 1; i >= 0; i--) {
            headerLength = (headerLength << 8) | (length[i] & 0xff);   // little-endian
        }
        if (headerLength > NpyHeader.MAX_HEADER_BYTES) {
            throw new MatrixFileException(name + ": corrupt .npy header (claims " + headerLength
                    + " bytes; at most " + NpyHeader.MAX_HEADER_BYTES + " are accepted)");
        }
        byte[] header = new byte[(int) headerLength];
        if (readFully(in, header, header.length) < header.length) {
            throw new MatrixFileException(name + ": truncated .npy header");
        }
        return NpyHeader.parse(header, major, magic.length + lengthBytes + headerLength, name);
    }

    /** The number of rows the array has as a matrix: the first extent (1 for a scalar). */
    static long rows(NpyHeader h) {
        return h.shape().length == 0 ? 1 : h.shape()[0];
    }

    /** The number of columns the array has as a matrix: the product of the extents after the first (1 if none). */
    static long cols(NpyHeader h) {
        long cols = 1;
        for (int k = 1; k < h.shape().length; k++) {
            cols = Math.multiplyExact(cols, h.shape()[k]);   // cannot overflow: the header checked the product
        }
        return cols;
    }

    /**
     * The chosen rows of a memory-mapped array, row-major.
     *
     * @param data the data bytes (from the first element on), exactly as many as the header promises
     * @param rows row indices, any order, repeats allowed; null for every row
     */
    static double[] gather(MemorySegment data, NpyHeader h, int[] rows, String name) throws MatrixFileException {
        long n = rows(h);
        int cols = checkedColumns(h, name);
        double[] out = output(h, rows, cols, name);
        int k = rows == null ? (int) n : rows.length;
        int size = h.dtype().size();
        NpyDtype dtype = h.dtype();
        if (storedInCOrder(h)) {
            for (int p = 0; p < k; p++) {
                long base = (rows == null ? p : rows[p]) * (long) cols;
                dtype.decode(data, base * size, out, p * cols, cols);
            }
        } else {
            FortranColumns columns = new FortranColumns(Arrays.copyOfRange(h.shape(), 1, h.shape().length));
            for (long m = 0; m < cols; m++, columns.next()) {
                int c = (int) columns.current();
                long columnStart = m * n;
                for (int p = 0; p < k; p++) {
                    out[p * cols + c] = dtype.decode(data, (columnStart + (rows == null ? p : rows[p])) * size);
                }
            }
        }
        return out;
    }

    /**
     * The chosen rows of an array whose data bytes arrive as a stream, row-major. The whole stream is read — its
     * length must be exactly what the header promises, neither less nor more — but only the chosen rows are kept.
     *
     * @param in   positioned at the first data byte
     * @param rows row indices, any order, repeats allowed; null for every row
     */
    static double[] gather(InputStream in, NpyHeader h, int[] rows, String name) throws IOException {
        long n = rows(h);
        int cols = checkedColumns(h, name);
        double[] out = output(h, rows, cols, name);
        int k = rows == null ? (int) n : rows.length;
        NpyDtype dtype = h.dtype();
        int size = dtype.size();
        Cursor cursor = new Cursor(in, h.dataBytes(name), name, h);
        boolean cOrder = storedInCOrder(h);
        long[] trailing = Arrays.copyOfRange(h.shape(), Math.min(1, h.shape().length), h.shape().length);
        FortranColumns columns = cOrder ? null : new FortranColumns(trailing);
        if (rows == null) {
            if (cOrder) {
                for (int e = 0; e < out.length; e++) {
                    out[e] = dtype.decode(cursor.segment(), cursor.take(size));
                }
            } else {
                for (long m = 0; m < cols; m++, columns.next()) {
                    int c = (int) columns.current();
                    for (int i = 0; i < k; i++) {
                        out[i * cols + c] = dtype.decode(cursor.segment(), cursor.take(size));
                    }
                }
            }
            cursor.expectEnd();
            return out;
        }
        // The chosen rows in increasing order, each packed with its output position (a row chosen twice is there
        // twice): row in the high 32 bits, position in the low.
        long[] chosen = new long[k];
        for (int p = 0; p < k; p++) {
            chosen[p] = ((long) rows[p] << 32) | p;
        }
        Arrays.sort(chosen);
        if (cOrder) {
            // Row after row; a row nobody chose is skipped whole.
            long rowBytes = (long) cols * size;
            int q = 0;
            for (long i = 0; i < n; i++) {
                int first = q;
                while (q < k && (chosen[q] >>> 32) == i) {
                    q++;
                }
                if (q == first) {
                    cursor.skip(rowBytes);
                    continue;
                }
                for (int c = 0; c < cols; c++) {
                    double v = dtype.decode(cursor.segment(), cursor.take(size));
                    for (int r = first; r < q; r++) {
                        out[(int) chosen[r] * cols + c] = v;
                    }
                }
            }
        } else {
            // Column after column (the trailing extents in Fortran order, the first fastest), every row in each.
            for (long m = 0; m < cols; m++, columns.next()) {
                int c = (int) columns.current();
                int q = 0;
                for (long i = 0; i < n; i++) {
                    if (q < k && (chosen[q] >>> 32) == i) {
                        double v = dtype.decode(cursor.segment(), cursor.take(size));
                        while (q < k && (chosen[q] >>> 32) == i) {
                            out[(int) chosen[q++] * cols + c] = v;
                        }
                    } else {
                        cursor.skip(size);
                    }
                }
            }
        }
        cursor.expectEnd();
        return out;
    }

    /**
     * The C-order column of each Fortran-order column in turn. In Fortran order the trailing extents vary first-
     * fastest, in C order last-fastest; a mixed-radix counter over the trailing extents (first digit fastest) steps
     * from one Fortran column to the next and carries the C-order index along, O(1) amortised per step — converting
     * each column afresh would cost O(dimensions) per column.
     */
    static final class FortranColumns {
        private final long[] extent;
        private final long[] cStride;
        private final long[] digit;
        private long c;

        FortranColumns(long[] trailing) {
            extent = trailing;
            cStride = new long[trailing.length];
            digit = new long[trailing.length];
            long stride = 1;
            for (int j = trailing.length - 1; j >= 0; j--) {
                cStride[j] = stride;
                stride *= trailing[j];
            }
        }

        /** The C-order column of the current Fortran-order column (0 at first). */
        long current() {
            return c;
        }

        /** Moves to the next Fortran-order column. */
        void next() {
            for (int j = 0; j < extent.length; j++) {
                digit[j]++;
                c += cStride[j];
                if (digit[j] < extent[j]) {
                    return;
                }
                c -= extent[j] * cStride[j];
                digit[j] = 0;
            }
        }
    }

    private static int checkedColumns(NpyHeader h, String name) throws MatrixFileException {
        long cols = cols(h);
        if (cols > MAX_ARRAY) {
            throw new MatrixFileException(name + ": shape " + h.shapeText() + " has " + cols
                    + " columns per row; at most " + MAX_ARRAY + " are supported");
        }
        return (int) cols;
    }

    /** Whether rows lie one after another (C order; a 1-D array is the same in both orders). */
    private static boolean storedInCOrder(NpyHeader h) {
        return !h.fortran() || h.shape().length < 2;
    }

    /**
     * The row-major output for the chosen rows (every row when null), refused with the figures when it cannot be
     * one Java array or cannot fit the heap.
     */
    private static double[] output(NpyHeader h, int[] rows, int cols, String name) throws MatrixFileException {
        long n = rows(h);
        if (rows == null && n > Integer.MAX_VALUE) {
            throw new MatrixFileException(name + ": " + n + " rows; at most " + Integer.MAX_VALUE
                    + " are supported");
        }
        int k = rows == null ? (int) n : rows.length;
        long values = (long) k * cols;
        if (values > MAX_ARRAY) {
            throw new MatrixFileException(name + ": " + k + " rows × " + cols + " columns = " + values
                    + " values are more than one Java array holds (" + MAX_ARRAY + "); use fewer rows (the"
                    + " entropy measures read only maxN rows of a larger file: lower --max-n)");
        }
        long bytes = values * Double.BYTES;
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap) {
            throw new MatrixFileException(name + ": " + k + " rows × " + cols + " columns need "
                    + Bytes.format(bytes) + " as doubles, more than the whole Java heap (" + Bytes.format(heap)
                    + "); raise -Xmx (DSE4J_JAVA_OPTS for the command line) or use fewer rows");
        }
        return new double[(int) values];
    }

    static int readFully(InputStream in, byte[] buffer, int length) throws IOException {
        int total = 0;
        while (total < length) {
            int got = in.read(buffer, total, length - total);
            if (got < 0) {
                break;
            }
            total += got;
        }
        return total;
    }

    /**
     * Elements of a data stream, a chunk at a time. It holds the count of bytes taken so far against the header's
     * promise: a stream that ends early is truncated, one with bytes left after the last element holds more than
     * the header declares — both errors naming the source (a compressed member may inflate to anything).
     */
    private static final class Cursor {
        private final InputStream in;
        private final byte[] buffer = new byte[CHUNK];
        private final MemorySegment segment = MemorySegment.ofArray(buffer);
        private final long expected;
        private final String name;
        private final NpyHeader header;
        private int pos;
        private int limit;
        private long delivered;   // bytes read from the stream into the buffer, in all

        Cursor(InputStream in, long expected, String name, NpyHeader header) {
            this.in = in;
            this.expected = expected;
            this.name = name;
            this.header = header;
        }

        MemorySegment segment() {
            return segment;
        }

        /** The buffer offset of the next {@code size} bytes, which are then consumed. */
        long take(int size) throws IOException {
            if (limit - pos < size) {
                refill(size);
            }
            long at = pos;
            pos += size;
            return at;
        }

        void skip(long bytes) throws IOException {
            while (bytes > 0) {
                if (pos == limit) {
                    refill(1);
                }
                int step = (int) Math.min(bytes, limit - pos);
                pos += step;
                bytes -= step;
            }
        }

        /** Moves the unread bytes to the front and reads until at least {@code need} bytes are there. */
        private void refill(int need) throws IOException {
            int kept = limit - pos;
            System.arraycopy(buffer, pos, buffer, 0, kept);
            pos = 0;
            limit = kept;
            long wanted = Math.min(buffer.length - kept, expected - delivered);
            while (limit < need) {
                int got = wanted <= 0 ? -1 : in.read(buffer, limit, (int) Math.min(wanted, buffer.length - limit));
                if (got < 0) {
                    throw new MatrixFileException(name + ": truncated: the header promises " + expected
                            + " data bytes of shape " + header.shapeText() + ", the data ends after " + delivered);
                }
                limit += got;
                delivered += got;
                wanted -= got;
            }
        }

        /** Checks that nothing follows the last element. */
        void expectEnd() throws IOException {
            if (pos != limit || delivered != expected || in.read() != -1) {
                throw new MatrixFileException(name + ": holds more data than its header declares (" + expected
                        + " data bytes of shape " + header.shapeText() + ")");
            }
        }
    }
}
