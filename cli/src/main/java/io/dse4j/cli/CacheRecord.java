package io.dse4j.cli;

import io.dse4j.AdjacencySpectralEntropy;
import io.dse4j.DiffusionSpectralEntropy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the eigenvalues of {@code entropy} and {@code spectrum} are computed from, as an eigenvalue cache records it
 * ({@link io.dse4j.io.EigenvalueCache#save(java.nio.file.Path, io.dse4j.Spectrum, Map)}): every option that changes
 * them, and the digest of the rows used. Both commands build it here, so a cache that {@code spectrum --out} wrote is
 * checked by {@code entropy} field by field. The diffusion time t is not in it: one spectrum serves every t.
 */
final class CacheRecord {

    private CacheRecord() {
    }

    /**
     * @param measure dse, ase-gaussian, ase-anisotropic or ase-knn
     * @param method  how DSE's eigenvalues are obtained (exact or the Chebyshev approximation; ignored for ASE)
     */
    static Map<String, String> of(Options o, String measure, DiffusionSpectralEntropy.Method method, UsedRows rows) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("measure", measure);
        if (measure.equals("dse")) {
            m.put("method", method.label());
        }
        if (measure.equals("ase-knn")) {
            // The binary k-NN adjacency: no σ or kernel, and its general eigensolver always works in double.
            m.put("knn", Integer.toString(o.intValue("--knn", AdjacencySpectralEntropy.DEFAULT_KNN, 1,
                    Integer.MAX_VALUE)));
        } else {
            m.put("kernel", KernelOptions.canonical(o));
            m.put("alpha", Double.toString(o.number("--alpha", 0)));
            m.put("sigma", o.bandwidth("--sigma", io.dse4j.MeasureOptions.DEFAULT_SIGMA).label());
            m.put("precision", io.dse4j.Precision.parse(o.string("--precision", "f64")).label());
        }
        m.put("n", Integer.toString(rows.matrix().rows()));
        m.put("d", Integer.toString(rows.matrix().cols()));
        m.put("max_n", Integer.toString(o.intValue("--max-n", io.dse4j.MeasureOptions.DEFAULT_MAX_N, 2,
                Integer.MAX_VALUE)));
        m.put("seed", Long.toString(o.integer("--seed", io.dse4j.MeasureOptions.DEFAULT_SEED)));
        m.put("rows_sha256", rows.digest());
        return m;
    }
}
