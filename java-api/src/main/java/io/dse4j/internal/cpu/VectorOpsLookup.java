package io.dse4j.internal.cpu;

import java.lang.System.Logger.Level;

/**
 * Chooses the {@link VectorOps} implementations once per JVM, walking the preconditions for the Vector API and
 * logging one line that says which implementation is used and, when it is the scalar one, why and which flag
 * would change it.
 */
final class VectorOpsLookup {

    /** Set to {@code false} to force the scalar loops even when the Vector API is available. */
    static final String PROPERTY = "dse4j.vector";

    static final boolean SIMD = simdUsable();
    static final VectorOps<double[]> F64 = SIMD ? PanamaOps.INSTANCE : ScalarOps.INSTANCE;
    static final VectorOps<float[]> F32 = SIMD ? PanamaFloatOps.INSTANCE : ScalarFloatOps.INSTANCE;

    private VectorOpsLookup() {
    }

    private static boolean simdUsable() {
        System.Logger log = System.getLogger("io.dse4j");
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"))) {
            log.log(Level.DEBUG, "dse4j CPU kernels: scalar Java loops (-D" + PROPERTY + "=false)");
            return false;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            log.log(Level.DEBUG, "dse4j CPU kernels: scalar Java loops; start the JVM with "
                    + "--add-modules jdk.incubator.vector for SIMD kernels (about 3x faster eigenvalues)");
            return false;
        }
        try {
            // Only now may the Vector API classes be touched: the module is known to be resolved.
            if (PanamaOps.lanes() < 4) {
                log.log(Level.DEBUG, "dse4j CPU kernels: scalar Java loops; the Vector API offers only "
                        + PanamaOps.lanes() + " double lanes on this CPU");
                return false;
            }
            log.log(Level.DEBUG, "dse4j CPU kernels: " + PanamaOps.INSTANCE.describe());
            return true;
        } catch (LinkageError e) {
            log.log(Level.DEBUG, "dse4j CPU kernels: scalar Java loops; the Vector API failed to load: " + e);
            return false;
        }
    }
}
