package io.dse4j.io;

import io.dse4j.Matrix;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads matrices of points from files, chosen by extension: {@code .npy} (NumPy), {@code .npz} (a zip of
 * {@code .npy} members, one chosen by key), {@code .safetensors} (Hugging Face's tensors, one chosen by name) and
 * {@code .csv}/{@code .tsv}/{@code .txt} (delimited text).
 *
 * <p>{@link #open(Path, String)} reads and checks only the header, giving a {@link MatrixFile} from which all rows
 * or chosen rows are read; {@link #read(Path, String)} reads every row at once. Every problem with a file — missing,
 * truncated, a header that lies about the data's size, an archive member that inflates to more or less than its
 * header declares, an array too large for what is asked — is a {@link MatrixFileException} naming the file.
 */
public final class MatrixFiles {

    /** The formats, for messages. */
    public static final String SUPPORTED = ".npy, .npz, .safetensors, .csv (also .tsv and .txt)";

    private MatrixFiles() {
    }

    /** Reads a matrix of points; for a {@code .npz} the archive must hold exactly one array. */
    public static Matrix read(Path file) throws IOException {
        return open(file, null).read();
    }

    /** Reads a matrix of points; {@code npzKey} picks the member of a {@code .npz} (null: the only one). */
    public static Matrix read(Path file, String npzKey) throws IOException {
        return open(file, npzKey).read();
    }

    /**
     * Opens a file of points: reads and checks its header (for text, the whole file), not its data.
     *
     * @param npzKey the member of a {@code .npz} (null: the only one); must be null for other formats
     */
    public static MatrixFile open(Path file, String npzKey) throws IOException {
        return open(file, npzKey, true);
    }

    /**
     * Reads the points of a whole {@code .npy} file held in memory (a Spark {@code binaryFile} row's content), with
     * the checks a file gets: the magic, the header, and a length that is exactly what the header promises.
     *
     * @param name what messages call it (the file's path)
     */
    public static Matrix readNpy(byte[] content, String name) throws IOException {
        if (content == null) {
            throw new MatrixFileException(name + ": no content");
        }
        NpyHeader header = NpyReader.readHeader(new java.io.ByteArrayInputStream(content), name);
        checkLength(header, content.length, name);
        return opened(name, header, new MatrixFile.InBytes(content), true).read();
    }

    /** Reads an array with its shape and dtype (labels, eigenvalue caches, …), scalars included. */
    public static NpyArray readArray(Path file, String npzKey) throws IOException {
        return open(file, npzKey, false).readArray();
    }

    /**
     * The names of the arrays a file holds, as {@link #open(Path, String)} takes them as keys: a {@code .npz}'s
     * {@code .npy} members without ".npy" (as numpy lists them), in the archive's order; a {@code .safetensors}
     * file's tensors, in its header's order. Empty for the formats of one array ({@code .npy}, text).
     */
    public static List<String> keys(Path file) throws IOException {
        String name = file.toString();
        String lower = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new MatrixFileException(name + (Files.exists(file) ? ": not a readable file" : ": no such file"));
        }
        if (lower.endsWith(".safetensors")) {
            return SafetensorsHeader.read(file, name).stream().map(SafetensorsHeader.Tensor::name).toList();
        }
        if (!lower.endsWith(".npz")) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                if (!entry.isDirectory() && entry.getName().endsWith(".npy")) {
                    keys.add(entry.getName().substring(0, entry.getName().length() - 4));
                }
            }
        } catch (ZipException e) {
            throw new MatrixFileException(name + ": corrupt .npz archive: " + e.getMessage(), e);
        }
        return keys;
    }

    private static MatrixFile open(Path file, String npzKey, boolean asMatrix) throws IOException {
        String name = file.toString();
        String lower = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.exists(file)) {
            throw new MatrixFileException(name + ": no such file");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new MatrixFileException(name + ": not a readable file");
        }
        if (npzKey != null && !lower.endsWith(".npz") && !lower.endsWith(".safetensors")) {
            throw new MatrixFileException(name + ": an array key was given but the file is not a .npz or "
                    + ".safetensors");
        }
        try {
            if (lower.endsWith(".npy")) {
                return opened(name, openNpy(file, name), new MatrixFile.MappedNpy(file), asMatrix);
            }
            if (lower.endsWith(".npz")) {
                return openNpz(file, name, npzKey, asMatrix);
            }
            if (lower.endsWith(".safetensors")) {
                return openSafetensors(file, name, npzKey, asMatrix);
            }
            if (lower.endsWith(".csv") || lower.endsWith(".tsv") || lower.endsWith(".txt")) {
                NpyArray text;
                try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    text = CsvReader.read(reader, name);
                } catch (MalformedInputException e) {
                    throw new MatrixFileException(name + ": not UTF-8 text", e);
                }
                long[] shape = text.shape();
                NpyHeader header = new NpyHeader(new NpyDtype("f8", 8, java.nio.ByteOrder.LITTLE_ENDIAN), false,
                        shape, 0, text.size());
                return opened(name, header, new MatrixFile.InMemory(text.rawValues(), (int) shape[1]), asMatrix);
            }
        } catch (NoSuchFileException e) {
            throw new MatrixFileException(name + ": no such file", e);
        }
        throw new MatrixFileException(name + ": unsupported file type; supported formats: " + SUPPORTED);
    }

    private static MatrixFile opened(String name, NpyHeader header, MatrixFile.Source source, boolean asMatrix)
            throws MatrixFileException {
        return asMatrix ? MatrixFile.asMatrix(name, header, source) : MatrixFile.asArray(name, header, source);
    }

    /** The header of a {@code .npy} file, with the file's length checked against it. */
    private static NpyHeader openNpy(Path file, String name) throws IOException {
        NpyHeader header;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            header = NpyReader.readHeader(in, name);
        }
        checkLength(header, Files.size(file), name);
        return header;
    }

    /** A {@code .npy} of {@code length} bytes must hold exactly the data its header promises. */
    private static void checkLength(NpyHeader header, long length, String name) throws MatrixFileException {
        long dataBytes = header.dataBytes(name);
        long actual = length - header.dataOffset();
        if (actual != dataBytes) {
            throw new MatrixFileException(name + ": the header promises " + header.elements() + " "
                    + header.dtype().code() + " values (" + dataBytes + " bytes) of shape " + header.shapeText()
                    + ", but the file holds " + actual + " data bytes" + (actual < dataBytes ? " (truncated)" : ""));
        }
    }

    /**
     * The member of a {@code .npz} that {@code key} names, as numpy's {@code np.load(f)[key]} resolves it: the member
     * of that exact name first, else {@code key + ".npy"}. Without a key, the archive's only {@code .npy} member; an
     * archive that also holds a member named as that array without {@code .npy} ({@code x} beside {@code x.npy}),
     * which numpy lists as a second {@code x}, is refused naming both.
     */
    private static MatrixFile openNpz(Path file, String name, String key, boolean asMatrix) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<String> keys = new ArrayList<>();          // the .npy members, ".npy" removed, as numpy lists them
            Set<String> members = new HashSet<>();          // every file member's name
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                if (!members.add(entry.getName()) && entry.getName().endsWith(".npy")) {
                    // ZipFile would silently read one of them; which one the writer meant is unknowable.
                    throw new MatrixFileException(name + ": the .npz archive holds two members named '"
                            + entry.getName() + "'");
                }
                if (entry.getName().endsWith(".npy")) {
                    keys.add(entry.getName().substring(0, entry.getName().length() - 4));
                }
            }
            String chosen = key;
            String entryName;
            if (keys.isEmpty() && (chosen == null || !members.contains(chosen))) {
                throw new MatrixFileException(name + ": the .npz archive holds no .npy arrays");
            }
            if (chosen == null) {
                if (keys.size() != 1) {
                    throw new MatrixFileException(name + ": the .npz archive holds " + keys.size()
                            + " arrays " + listed(keys) + "; choose one with --key NAME (API: MatrixFiles.open(file,"
                            + " key))");
                }
                chosen = keys.get(0);
                if (members.contains(chosen)) {
                    throw new MatrixFileException(name + ": the .npz archive holds both '" + chosen + "' and '"
                            + chosen + ".npy', which numpy lists as two arrays named '" + chosen + "'; choose one "
                            + "with --key " + chosen + " (the member '" + chosen + "', which numpy's np.load(f)['"
                            + chosen + "'] reads) or --key " + chosen + ".npy");
                }
                entryName = chosen + ".npy";
            } else if (members.contains(chosen)) {
                entryName = chosen;
            } else if (members.contains(chosen + ".npy")) {
                entryName = chosen + ".npy";
            } else {
                throw new MatrixFileException(name + ": the .npz archive has no array '" + chosen
                        + "'; it holds " + listed(keys));
            }
            String member = name + "[" + chosen + "]";
            ZipEntry entry = zip.getEntry(entryName);
            NpyHeader header;
            try (InputStream in = new BufferedInputStream(zip.getInputStream(entry))) {
                header = NpyReader.readHeader(in, member);
            } catch (java.io.EOFException e) {
                // The inflater's "unexpected end of ZLIB input stream": compressed data cut short.
                throw new MatrixFileException(member + ": corrupt .npz member: " + e.getMessage(), e);
            }
            long declared = header.dataOffset() + header.dataBytes(member);
            if (entry.getSize() >= 0 && entry.getSize() != declared) {
                throw new MatrixFileException(member + ": the archive's directory says the member holds "
                        + entry.getSize() + " bytes, but its .npy header describes " + declared + " (shape "
                        + header.shapeText() + ")" + (entry.getSize() < declared ? " (truncated)" : ""));
            }
            return opened(member, header, new MatrixFile.NpzMember(file, entry.getName()), asMatrix);
        } catch (ZipException e) {
            List<ZipMethods.Unsupported> unreadable = ZipMethods.unsupported(file);
            if (!unreadable.isEmpty()) {
                StringBuilder which = new StringBuilder();
                for (ZipMethods.Unsupported u : unreadable) {
                    which.append(which.isEmpty() ? "" : ", ").append('\'').append(u.member()).append("' (")
                            .append(u.methodName()).append(')');
                }
                throw new MatrixFileException(name + ": the .npz archive has " + (unreadable.size() == 1
                        ? "a member" : unreadable.size() + " members") + " compressed with a method dse4j does not "
                        + "read: " + which + "; Java's zip reader takes stored and deflated members only (as "
                        + "np.savez and np.savez_compressed write them). Re-save it with numpy: "
                        + "np.savez_compressed('out.npz', **np.load('" + name + "'))", e);
            }
            throw new MatrixFileException(name + ": corrupt .npz archive: " + e.getMessage(), e);
        }
    }

    /** The tensor {@code key} names (or the only one), its bytes mapped when read. */
    private static MatrixFile openSafetensors(Path file, String name, String key, boolean asMatrix)
            throws IOException {
        List<SafetensorsHeader.Tensor> tensors = SafetensorsHeader.read(file, name);
        List<String> names = tensors.stream().map(SafetensorsHeader.Tensor::name).toList();
        SafetensorsHeader.Tensor chosen;
        if (key == null) {
            if (tensors.size() != 1) {
                throw new MatrixFileException(name + ": the .safetensors file holds " + tensors.size()
                        + " tensors " + listed(names) + "; choose one with --key NAME (API: MatrixFiles.open(file,"
                        + " key))");
            }
            chosen = tensors.get(0);
        } else {
            chosen = tensors.stream().filter(t -> t.name().equals(key)).findFirst().orElseThrow(
                    () -> new MatrixFileException(name + ": the .safetensors file has no tensor '" + key
                            + "'; it holds "
                            + listed(names)));
        }
        String member = name + "[" + chosen.name() + "]";
        NpyHeader header = new NpyHeader(chosen.dtype(), false, chosen.shape(), chosen.begin(), chosen.elements());
        return opened(member, header, new MatrixFile.MappedRegion(file, Files.size(file)), asMatrix);
    }

    /** The member names for a message: the first twenty, then how many more (an archive may hold thousands). */
    private static String listed(List<String> keys) {
        return keys.size() <= 20 ? keys.toString()
                : keys.subList(0, 20).toString().replace("]", ", … and " + (keys.size() - 20) + " more]");
    }
}
