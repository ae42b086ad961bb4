package io.dse4j.internal.cpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The contract with the Vector API kernels on three threads (more threads than this machine's cores, so that the
 * work splitting is exercised). The test JVM runs with --add-modules jdk.incubator.vector; the guard below fails
 * if the Vector API was not picked, so this class cannot silently test the scalar loops twice.
 */
class SymmetricEigenvaluesVectorTest extends SymmetricEigenvaluesContract {

    @Override
    VectorOps<?> ops() {
        return PanamaOps.INSTANCE;
    }

    @Override
    int threads() {
        return 3;
    }

    @Test
    void theVectorApiIsChosenWhenTheModuleIsPresent() {
        assertSame(PanamaOps.INSTANCE, VectorOps.f64());
        assertSame(PanamaFloatOps.INSTANCE, VectorOps.f32());
    }
}
