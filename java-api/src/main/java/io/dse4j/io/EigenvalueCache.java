package io.dse4j.io;

import io.dse4j.Spectrum;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The reference's eigenvalue cache: a {@code .npz} with the eigenvalues under the key {@code eigvals}. The
 * reference writes float16 by default; any supported dtype is read (and widened to double); dse4j writes float64.
 */
public final class EigenvalueCache {

    public static final String KEY = "eigvals";

    private EigenvalueCache() {
    }

    /** The cached spectrum, or empty when the file does not exist. */
    public static Optional<Spectrum> load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        NpyArray array = MatrixFiles.readArray(file, KEY);
        if (array.size() == 0) {
            throw new MatrixFileException(file + ": the eigenvalue cache is empty");
        }
        return Optional.of(Spectrum.of(array.values()));
    }

    /** Saves the spectrum's eigenvalues (float64, descending) under {@code eigvals}; atomic. */
    public static void save(Path file, Spectrum spectrum) throws IOException {
        NpyWriter.writeNpz(file, KEY, spectrum.eigenvalues());
    }
}
