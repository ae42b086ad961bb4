package io.dse4j.internal.cpu;

/** The contract on the two-stage reduction in single precision with the Vector API, two threads, the default band. */
class SymmetricEigenvaluesTwoStageVectorF32Test extends SymmetricEigenvaluesContract {

    @Override
    VectorOps<?> ops() {
        return PanamaFloatOps.INSTANCE;
    }

    @Override
    int threads() {
        return 2;
    }

    @Override
    int twoStageFrom() {
        return 1;
    }
}
