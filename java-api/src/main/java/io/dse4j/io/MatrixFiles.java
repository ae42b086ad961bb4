package io.dse4j.io;

import io.dse4j.Matrix;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads matrices of points from files, chosen by extension: {@code .npy} (NumPy), {@code .npz} (a zip of
 * {@code .npy} members, one chosen by key) and {@code .csv}/{@code .tsv}/{@code .txt} (delimited text).
 */
public final class MatrixFiles {

    /** The formats, for messages. */
    public static final String SUPPORTED = ".npy, .npz, .csv (also .tsv and .txt)";

    private MatrixFiles() {
    }

    /** Reads a matrix of points; for a {@code .npz} the archive must hold exactly one array. */
    public static Matrix read(Path file) throws IOException {
        return readArray(file, null).toMatrix();
    }

    /** Reads a matrix of points; {@code npzKey} picks the member of a {@code .npz} (null: the only one). */
    public static Matrix read(Path file, String npzKey) throws IOException {
        return readArray(file, npzKey).toMatrix();
    }

    /** Reads an array with its shape and dtype (labels, eigenvalue caches, …). */
    public static NpyArray readArray(Path file, String npzKey) throws IOException {
        String name = file.toString();
        String lower = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.exists(file)) {
            throw new MatrixFileException(name + ": no such file");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new MatrixFileException(name + ": not a readable file");
        }
        if (npzKey != null && !lower.endsWith(".npz")) {
            throw new MatrixFileException(name + ": an array key was given but the file is not a .npz");
        }
        try {
            if (lower.endsWith(".npy")) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                    return NpyReader.read(in, name, Files.size(file));
                }
            }
            if (lower.endsWith(".npz")) {
                return readNpz(file, name, npzKey);
            }
            if (lower.endsWith(".csv") || lower.endsWith(".tsv") || lower.endsWith(".txt")) {
                try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    return CsvReader.read(reader, name);
                } catch (java.nio.charset.MalformedInputException e) {
                    throw new MatrixFileException(name + ": not UTF-8 text", e);
                }
            }
        } catch (NoSuchFileException e) {
            throw new MatrixFileException(name + ": no such file", e);
        } catch (java.io.EOFException e) {
            throw new MatrixFileException(name + ": truncated file", e);
        }
        throw new MatrixFileException(name + ": unsupported file type; supported formats: " + SUPPORTED);
    }

    private static NpyArray readNpz(Path file, String name, String key) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<String> keys = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String entry = e.nextElement().getName();
                if (entry.endsWith(".npy")) {
                    keys.add(entry.substring(0, entry.length() - 4));
                }
            }
            if (keys.isEmpty()) {
                throw new MatrixFileException(name + ": the .npz archive holds no .npy arrays");
            }
            String chosen = key;
            if (chosen == null) {
                if (keys.size() != 1) {
                    throw new MatrixFileException(name + ": the .npz archive holds " + keys.size()
                            + " arrays " + keys + "; choose one with a key");
                }
                chosen = keys.get(0);
            } else if (!keys.contains(chosen)) {
                throw new MatrixFileException(name + ": the .npz archive has no array '" + chosen
                        + "'; it holds " + keys);
            }
            ZipEntry entry = zip.getEntry(chosen + ".npy");
            try (InputStream in = new BufferedInputStream(zip.getInputStream(entry))) {
                return NpyReader.read(in, name + "[" + chosen + "]", entry.getSize());
            }
        } catch (ZipException e) {
            throw new MatrixFileException(name + ": corrupt .npz archive: " + e.getMessage(), e);
        }
    }
}
