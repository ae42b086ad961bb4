package io.dse4j.cli;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.DseResult;
import io.dse4j.Matrix;

import java.io.IOException;

/**
 * The rows a spectral measure uses of an input — all, or beyond maxN the seeded subsample that
 * {@link DiffusionSpectralEntropy#subsampleRows} names, in that order — read once, with their digest
 * ({@link EigenvalueCache#digest}). Computing on {@link #matrix()} gives the bits the measure gives on the whole
 * input (it would take these very rows), and since the digest and the computation see the same copy, a cache's
 * record names exactly the data its eigenvalues came from, even when the file changes meanwhile.
 *
 * @param matrix    the rows used, in the measure's order
 * @param inputRows the input's row count before subsampling
 * @param digest    the SHA-256 of {@code matrix}
 */
record UsedRows(Matrix matrix, int inputRows, String digest) {

    static UsedRows of(PointsOptions.Input x, int maxN, long seed) throws IOException {
        int n = x.rows();
        int[] rows = n > maxN ? DiffusionSpectralEntropy.subsampleRows(n, maxN, seed) : null;
        Matrix used;
        if (x.file() != null) {
            used = rows == null ? x.file().read() : x.file().readRows(rows);
        } else {
            used = rows == null ? x.matrix() : select(x.matrix(), rows);
        }
        return new UsedRows(used, n, EigenvalueCache.digest(used));
    }

    /** The input as the command's code takes it: these rows in memory, under the input's name. */
    PointsOptions.Input asInput(String source) {
        return new PointsOptions.Input(source, null, matrix);
    }

    /** A result computed on {@link #matrix()}, reporting the input's row count as a run on the whole input would. */
    DseResult asComputedOnInput(DseResult r) {
        return r.withInputRows(inputRows);
    }

    private static Matrix select(Matrix x, int[] rows) {
        double[] values = new double[Math.multiplyExact(rows.length, x.cols())];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(x.row(rows[i]), 0, values, i * x.cols(), x.cols());
        }
        return Matrix.ofRowMajor(values, rows.length, x.cols());
    }
}
