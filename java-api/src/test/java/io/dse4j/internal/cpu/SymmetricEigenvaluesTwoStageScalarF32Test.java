package io.dse4j.internal.cpu;

/** The contract on the two-stage reduction in single precision, plain-Java loops, one thread, bandwidth 5. */
class SymmetricEigenvaluesTwoStageScalarF32Test extends SymmetricEigenvaluesContract {

    @Override
    VectorOps<?> ops() {
        return ScalarFloatOps.INSTANCE;
    }

    @Override
    int threads() {
        return 1;
    }

    @Override
    int twoStageFrom() {
        return 1;
    }

    @Override
    int band() {
        return 5;
    }
}
