package io.dse4j.internal.cpu;

/** The contract in single precision with the plain-Java loops on one thread. */
class SymmetricEigenvaluesScalarF32Test extends SymmetricEigenvaluesContract {

    @Override
    VectorOps<?> ops() {
        return ScalarFloatOps.INSTANCE;
    }

    @Override
    int threads() {
        return 1;
    }
}
