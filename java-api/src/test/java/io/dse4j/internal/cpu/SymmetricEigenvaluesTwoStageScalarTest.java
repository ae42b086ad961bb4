package io.dse4j.internal.cpu;

/** The contract on the two-stage reduction, plain-Java loops, two threads, bandwidth 1 (stage 1 alone tridiagonalises). */
class SymmetricEigenvaluesTwoStageScalarTest extends SymmetricEigenvaluesContract {

    @Override
    VectorOps<?> ops() {
        return ScalarOps.INSTANCE;
    }

    @Override
    int threads() {
        return 2;
    }

    @Override
    int twoStageFrom() {
        return 1;
    }

    @Override
    int band() {
        return 1;
    }
}
