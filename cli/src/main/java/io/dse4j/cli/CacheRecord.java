package io.dse4j.cli;

import io.dse4j.DiffusionSpectralEntropy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the eigenvalues of {@code entropy} and {@code spectrum} are computed from, as an eigenvalue cache records it
 * ({@link EigenvalueCache#save(java.nio.file.Path, io.dse4j.Spectrum, Map)}): every option that changes them, and the
 * digest of the rows used. Both commands build it here, so a cache that {@code spectrum --out} wrote is checked by
 * {@code entropy} field by field. The diffusion time t is not in it: one spectrum serves every t.
 */
final class CacheRecord {

    private CacheRecord() {
    }

    /**
     * @param measure dse, ase-gaussian, ase-anisotropic or ase-knn
     * @param method  how DSE's eigenvalues are obtained (exact or the Chebyshev approximation; ignored for ASE)
     * @param knn     ase-knn's neighbours (ignored for the others)
     */
    static Map<String, String> of(EntropyMeasure measure, DiffusionSpectralEntropy.Method method, int knn,
                                  KernelOptions kernel, ComputeOptions compute, SamplingOptions sampling,
                                  UsedRows rows) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("measure", measure.label());
        if (measure == EntropyMeasure.DSE) {
            m.put("method", method.label());
        }
        if (measure == EntropyMeasure.ASE_KNN) {
            // The binary k-NN adjacency: no σ or kernel, and its general eigensolver always works in double.
            m.put("knn", Integer.toString(knn));
        } else {
            m.put("kernel", kernel.kernel().canonical());
            m.put("alpha", Double.toString(kernel.alpha()));
            m.put("sigma", kernel.bandwidth().label());
            m.put("precision", compute.precision().label());
        }
        m.put("n", Integer.toString(rows.matrix().rows()));
        m.put("d", Integer.toString(rows.matrix().cols()));
        m.put("max_n", Integer.toString(sampling.maxN()));
        m.put("seed", Long.toString(sampling.seed()));
        m.put("rows_sha256", rows.digest());
        return m;
    }
}
