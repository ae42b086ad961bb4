package io.dse4j.io;

import io.dse4j.Spectrum;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The reference's eigenvalue cache: a {@code .npz} with the eigenvalues under the key {@code eigvals}; or, for the
 * eigenvalues {@code dse4j spectrum --out} saves, a {@code .npy} holding them alone. The reference writes float16 by
 * default; any supported dtype is read (and widened to double); dse4j writes float64, largest first.
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
        NpyArray array = MatrixFiles.readArray(file, isNpy(file) ? null : KEY);
        if (array.size() == 0) {
            throw new MatrixFileException(file + ": the eigenvalue cache is empty");
        }
        return Optional.of(Spectrum.of(array.values()));
    }

    /** Saves the spectrum's eigenvalues (float64, descending): a {@code .npy} of them, else under {@code eigvals}. */
    public static void save(Path file, Spectrum spectrum) throws IOException {
        double[] values = spectrum.eigenvalues();
        if (isNpy(file)) {
            NpyWriter.writeDoubles(file, values, values.length);
        } else {
            NpyWriter.writeNpz(file, KEY, values);
        }
    }

    private static boolean isNpy(Path file) {
        return file.getFileName() != null
                && file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".npy");
    }
}
