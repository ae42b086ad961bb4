package io.dse4j.internal.cpu;

/** The contract in single precision with the Vector API kernels on two threads. */
class SymmetricEigenvaluesVectorF32Test extends SymmetricEigenvaluesContract {

    @Override
    VectorOps<?> ops() {
        return PanamaFloatOps.INSTANCE;
    }

    @Override
    int threads() {
        return 2;
    }
}
