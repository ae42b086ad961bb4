package io.dse4j.internal.cpu;

/** The contract with the plain-Java loops on one thread. */
class SymmetricEigenvaluesScalarTest extends SymmetricEigenvaluesContract {

    @Override
    VectorOps<?> ops() {
        return ScalarOps.INSTANCE;
    }

    @Override
    int threads() {
        return 1;
    }
}
