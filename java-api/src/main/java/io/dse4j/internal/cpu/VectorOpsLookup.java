package io.dse4j.internal.cpu;

import java.lang.System.Logger.Level;

/**
 * Chooses the {@link VectorOps} implementations: once per JVM whether the Vector API can be used (walking its
 * preconditions and logging one line that says which implementation is used and, when it is the scalar one, why and
 * which flag would change it), then per problem by its size.
 *
 * <p>Why by size: a fresh JVM runs Vector API code interpreted or C1-compiled, where every vector is a heap object,
 * until C2 has compiled it — tens of milliseconds of compiler time per kernel, on the same cores the computation
 * uses. Below {@link #SIMD_FROM_N} the plain loops are as fast once warm (the one-stage reduction is bound by memory,
 * not arithmetic, at these sizes) and compile far sooner, so a one-shot N = 1000 run is ~0.3 s faster with them;
 * from 2000 on SIMD wins even cold, and from 3000, where the two-stage reduction's matrix–matrix kernels dominate,
 * it is worth ~3x. Measured in
 * benchmarks/RESULTS.md (2026-12-01, "one-shot runs"). The choice depends on N alone, so a given input always takes
 * the same loops and gives the same bits.
 */
final class VectorOpsLookup {

    /**
     * {@code auto} (default): the Vector API from {@link #SIMD_FROM_N} points on, when it is usable; {@code true}: at
     * every size, when usable; {@code false}: the scalar loops always.
     */
    static final String PROPERTY = "dse4j.vector";

    /** Problems with at least this many points use the Vector API kernels (under {@code auto}). */
    static final int SIMD_FROM_N = 2000;

    static final boolean SIMD = simdUsable();
    /** Under {@code -Ddse4j.vector=true}: SIMD whatever the size. */
    static final boolean SIMD_AT_EVERY_SIZE = SIMD && "true".equalsIgnoreCase(System.getProperty(PROPERTY, "auto"));
    static final VectorOps<double[]> F64 = SIMD ? PanamaOps.INSTANCE : ScalarOps.INSTANCE;
    static final VectorOps<float[]> F32 = SIMD ? PanamaFloatOps.INSTANCE : ScalarFloatOps.INSTANCE;

    private VectorOpsLookup() {
    }

    /** Whether a problem of {@code n} points runs on the Vector API kernels. */
    static boolean simdFor(int n) {
        return SIMD && (SIMD_AT_EVERY_SIZE || n >= SIMD_FROM_N);
    }

    /** The f64 loops for a problem of {@code n} points. */
    static VectorOps<double[]> f64For(int n) {
        return simdFor(n) ? F64 : ScalarOps.INSTANCE;
    }

    /** The f32 loops for a problem of {@code n} points. */
    static VectorOps<float[]> f32For(int n) {
        return simdFor(n) ? F32 : ScalarFloatOps.INSTANCE;
    }

    /** How the loops are chosen, for the backend's description. */
    static String describe() {
        if (!SIMD) {
            return ScalarOps.INSTANCE.describe();
        }
        return F64.describe() + (SIMD_AT_EVERY_SIZE ? "" : " from N = " + SIMD_FROM_N + ", scalar Java loops below");
    }

    private static boolean simdUsable() {
        System.Logger log = System.getLogger("io.dse4j");
        String mode = System.getProperty(PROPERTY, "auto");
        if (!mode.equalsIgnoreCase("auto") && !mode.equalsIgnoreCase("true") && !mode.equalsIgnoreCase("false")) {
            log.log(Level.WARNING, "-D" + PROPERTY + "=" + mode + " is not auto, true or false; using auto");
        }
        if ("false".equalsIgnoreCase(mode)) {
            log.log(Level.DEBUG, "CPU kernels: scalar Java loops (-D" + PROPERTY + "=false)");
            return false;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            log.log(Level.DEBUG, "CPU kernels: scalar Java loops; start the JVM with "
                    + "--add-modules jdk.incubator.vector for SIMD kernels (about 3x faster eigenvalues)");
            return false;
        }
        try {
            // Only now may the Vector API classes be touched: the module is known to be resolved.
            if (PanamaOps.lanes() < 4) {
                log.log(Level.DEBUG, "CPU kernels: scalar Java loops; the Vector API offers only "
                        + PanamaOps.lanes() + " double lanes on this CPU");
                return false;
            }
            log.log(Level.DEBUG, "CPU kernels: " + PanamaOps.INSTANCE.describe());
            return true;
        } catch (LinkageError e) {
            log.log(Level.DEBUG, "CPU kernels: scalar Java loops; the Vector API failed to load: " + e);
            return false;
        }
    }
}
