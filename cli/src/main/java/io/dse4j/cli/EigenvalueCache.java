package io.dse4j.cli;

import io.dse4j.Matrix;
import io.dse4j.Spectrum;
import io.dse4j.internal.io.AtomicWrite;
import io.dse4j.internal.io.NpyEncoding;
import io.dse4j.io.MatrixFileException;
import io.dse4j.io.MatrixFiles;
import io.dse4j.io.NpyArray;
import io.dse4j.io.NpyWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The reference's eigenvalue cache: a {@code .npz} with the eigenvalues under the key {@code eigvals}; or, for the
 * eigenvalues {@code dse4j spectrum --out} saves, a {@code .npy} holding them alone. The reference writes float16 by
 * default; any floating-point dtype is read (and widened to double); dse4j writes float64, largest first.
 *
 * <p><b>The record.</b> A cache says nothing of where its eigenvalues came from, so a cache made for one σ, kernel
 * or data set would silently answer for another of the same N. A {@code .npz} cache dse4j writes with a record
 * ({@link #save(Path, Spectrum, Map)}) therefore holds a second member, {@value #RECORD_KEY}: UTF-8 text, one
 * {@code key=value} line per field (the measure, kernel, σ, precision, N, maxN, seed and a {@link #digest} of the
 * rows used, as the caller chose them), stored as a 1-D uint8 array so that {@code numpy.load} still reads
 * {@code eigvals} as before ({@code bytes(np.load(f)['dse4j_provenance']).decode()} shows it). A reader compares it
 * with what it is about to compute ({@link #differences}); a file without one — the reference's own — can still be
 * read ({@link Contents#record()} is then null), but cannot be checked.
 *
 * <p>Whatever its origin, a cache whose eigenvalues are not a non-empty 1-D array of finite floating-point numbers,
 * not all zero, is refused as malformed: a 5 × 8 array is not 40 eigenvalues, and all zeros is no kernel's spectrum.
 */
final class EigenvalueCache {

    static final String KEY = "eigvals";
    /** The member of a {@code .npz} cache that records what its eigenvalues were computed from. */
    static final String RECORD_KEY = "dse4j_provenance";
    /**
     * The field {@link #save(Path, Spectrum, Map)} adds to every record: the dse4j version that wrote it. It is for
     * people; {@link #differences} does not compare it (another version's eigenvalues differ only by rounding).
     */
    static final String WRITTEN_BY = "written_by";

    /** A record's keys: lower-case words, so that a line splits at its first '=' without doubt. */
    private static final java.util.regex.Pattern FIELD = java.util.regex.Pattern.compile("[a-z][a-z0-9_]*");

    private EigenvalueCache() {
    }

    /**
     * What a cache file holds.
     *
     * @param spectrum the eigenvalues
     * @param record   what they were computed from, in the order written; null when the file carries no record (the
     *                 reference's caches, a {@code .npy})
     */
    record Contents(Spectrum spectrum, Map<String, String> record) {
        public Contents {
            record = record == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(record));
        }
    }

    /** The cached spectrum, or empty when the file does not exist; the record, if any, is not looked at. */
    static Optional<Spectrum> load(Path file) throws IOException {
        return read(file).map(Contents::spectrum);
    }

    /**
     * The cached eigenvalues and their record, or empty when the file does not exist.
     *
     * @throws MatrixFileException when the eigenvalues or the record are malformed, naming the file and what is wrong
     */
    static Optional<Contents> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        NpyArray array = MatrixFiles.readArray(file, isNpy(file) ? null : KEY);
        String name = isNpy(file) ? file.toString() : file + "[" + KEY + "]";
        Spectrum spectrum = Spectrum.of(checkedEigenvalues(array, name));
        Map<String, String> record = isNpy(file) || !hasMember(file, RECORD_KEY) ? null : readRecord(file);
        if (record != null && record.containsKey("n") && !record.get("n").equals(Integer.toString(spectrum.size()))) {
            throw new MatrixFileException(file + ": its record says n = " + record.get("n") + " but it holds "
                    + spectrum.size() + " eigenvalues; the file is damaged: delete it");
        }
        return Optional.of(new Contents(spectrum, record));
    }

    /** Saves the spectrum's eigenvalues (float64, descending): a {@code .npy} of them, else under {@code eigvals}. */
    static void save(Path file, Spectrum spectrum) throws IOException {
        double[] values = spectrum.eigenvalues();
        if (isNpy(file)) {
            NpyWriter.writeDoubles(file, values, values.length);
        } else {
            NpyWriter.writeNpz(file, KEY, values);
        }
    }

    /**
     * Saves the eigenvalues (float64, descending, under {@code eigvals}) with the record of what they were computed
     * from (under {@value #RECORD_KEY}, with {@value #WRITTEN_BY} added), as one {@code .npz} written whole or not at
     * all.
     *
     * @param record field names (lower-case words) and values (one line each, no line break)
     * @throws IllegalArgumentException when the file is not a {@code .npz} (a {@code .npy} holds one array only) or
     *                                  a field cannot be written as a line
     */
    static void save(Path file, Spectrum spectrum, Map<String, String> record) throws IOException {
        if (isNpy(file) || !file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz")) {
            throw new IllegalArgumentException(file + ": a cache with a record must be a .npz (a .npy holds one "
                    + "array only)");
        }
        StringBuilder text = new StringBuilder();
        Map<String, String> fields = new LinkedHashMap<>(record);
        fields.put(WRITTEN_BY, "dse4j " + io.dse4j.Version.string());
        fields.forEach((key, value) -> {
            if (!FIELD.matcher(key).matches() || value == null || value.indexOf('\n') >= 0
                    || value.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("record field '" + key + "' = '" + value + "' cannot be written "
                        + "as one key=value line");
            }
            text.append(key).append('=').append(value).append('\n');
        });
        double[] values = spectrum.eigenvalues();
        ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            data.putDouble(v);
        }
        byte[] eigenvalues = NpyEncoding.npy("<f8", new long[] {values.length}, data.array());
        byte[] utf8 = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] recordNpy = NpyEncoding.npy("|u1", new long[] {utf8.length}, utf8);
        AtomicWrite.replace(file, out -> {
            try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(out)) {
                zip.putNextEntry(new java.util.zip.ZipEntry(KEY + ".npy"));
                zip.write(eigenvalues);
                zip.closeEntry();
                zip.putNextEntry(new java.util.zip.ZipEntry(RECORD_KEY + ".npy"));
                zip.write(recordNpy);
                zip.closeEntry();
            }
        });
    }

    /**
     * How a cache's record differs from what the caller is about to compute, one entry per field, in the form
     * {@code sigma: 10.0 in the cache, 3.0 now}: every field of either map but {@value #WRITTEN_BY}, a field
     * missing on one side shown as {@code (none)}. Empty when they agree.
     */
    static List<String> differences(Map<String, String> recorded, Map<String, String> expected) {
        Set<String> fields = new LinkedHashSet<>(expected.keySet());
        fields.addAll(recorded.keySet());
        fields.remove(WRITTEN_BY);
        List<String> out = new ArrayList<>();
        for (String field : fields) {
            String there = recorded.getOrDefault(field, "(none)");
            String now = expected.getOrDefault(field, "(none)");
            if (!there.equals(now)) {
                out.add(field + ": " + there + " in the cache, " + now + " now");
            }
        }
        return out;
    }

    /**
     * The SHA-256 of points, as lower-case hex: of N and D (int64, little-endian), then every value as an IEEE-754
     * double (little-endian), row by row — the rows in the order given, so the digest of the rows a computation used
     * (after any subsampling) identifies exactly the data its eigenvalues came from. A float32 matrix is digested
     * as the doubles its values widen to.
     */
    static String digest(Matrix rows) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        ByteBuffer bytes = ByteBuffer.allocate(8 * Math.max(2, rows.cols())).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(rows.rows()).putLong(rows.cols());
        sha.update(bytes.array(), 0, 16);
        for (int i = 0; i < rows.rows(); i++) {
            bytes.clear();
            for (double v : rows.row(i)) {
                bytes.putDouble(v);
            }
            sha.update(bytes.array(), 0, bytes.position());
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    /** The eigenvalues of a cache's array, refused when they cannot be a kernel's spectrum. */
    private static double[] checkedEigenvalues(NpyArray array, String name) throws MatrixFileException {
        long[] shape = array.shape();
        if (shape.length != 1) {
            throw new MatrixFileException(name + ": the eigenvalue cache holds an array of shape "
                    + java.util.Arrays.toString(shape).replace('[', '(').replace(']', ')')
                    + "; eigenvalues are one dimension, (N,): this is not an eigenvalue cache");
        }
        if (array.size() == 0) {
            throw new MatrixFileException(name + ": the eigenvalue cache is empty");
        }
        if (array.isIntegral()) {
            throw new MatrixFileException(name + ": the eigenvalue cache holds integers (dtype " + array.dtype()
                    + "); eigenvalues are stored as floating-point numbers: this is not an eigenvalue cache");
        }
        double[] values = array.values();
        boolean allZero = true;
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new MatrixFileException(name + ": eigenvalue " + i + " (0-based) is " + values[i]
                        + "; every eigenvalue must be finite");
            }
            allZero &= values[i] == 0;
        }
        if (allZero) {
            // A kernel's largest eigenvalue is 1 (its diagonal is positive), so all zeros is no spectrum; read as
            // one, it gives DSE = log₂ N.
            throw new MatrixFileException(name + ": every one of its " + values.length + " eigenvalues is 0, which "
                    + "is no kernel's spectrum (the largest is 1): the file is damaged or was never filled");
        }
        return values;     // NpyArray.values() is a copy already
    }

    private static boolean hasMember(Path file, String key) throws IOException {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            return zip.getEntry(key + ".npy") != null;
        } catch (java.util.zip.ZipException e) {
            throw new MatrixFileException(file + ": corrupt .npz archive: " + e.getMessage(), e);
        }
    }

    /** The record member: a 1-D uint8 array of UTF-8 {@code key=value} lines, each key once. */
    private static Map<String, String> readRecord(Path file) throws IOException {
        NpyArray array = MatrixFiles.readArray(file, RECORD_KEY);
        String name = file + "[" + RECORD_KEY + "]";
        if (array.shape().length != 1 || !array.dtype().equals("u1")) {
            throw new MatrixFileException(name + ": the record must be a 1-D uint8 array (UTF-8 text), got dtype "
                    + array.dtype() + " of shape " + java.util.Arrays.toString(array.shape())
                    + ": the file is damaged");
        }
        double[] values = array.values();
        byte[] utf8 = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            utf8[i] = (byte) values[i];
        }
        String text;
        try {
            text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new MatrixFileException(name + ": the record is not UTF-8 text: the file is damaged");
        }
        Map<String, String> record = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty() && i == lines.length - 1) {
                break;     // the last line's newline
            }
            int eq = line.indexOf('=');
            if (eq < 0 || !FIELD.matcher(line.substring(0, eq)).matches()) {
                throw new MatrixFileException(name + ": line " + (i + 1) + " of the record is not key=value ('"
                        + line + "'): the file is damaged");
            }
            if (record.put(line.substring(0, eq), line.substring(eq + 1)) != null) {
                throw new MatrixFileException(name + ": the record gives '" + line.substring(0, eq)
                        + "' twice: the file is damaged");
            }
        }
        return record;
    }

    private static boolean isNpy(Path file) {
        return file.getFileName() != null
                && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
    }
}
