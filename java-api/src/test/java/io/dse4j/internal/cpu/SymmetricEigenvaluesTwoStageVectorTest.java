package io.dse4j.internal.cpu;

/**
 * The contract on the two-stage reduction (band, then bulge chasing) at every size, with the Vector API kernels on
 * three threads and a bandwidth of 8: the contract's sizes then fall below, on and around multiples of the band and
 * of the micro-kernel's blocks.
 */
class SymmetricEigenvaluesTwoStageVectorTest extends SymmetricEigenvaluesContract {

    @Override
    VectorOps<?> ops() {
        return PanamaOps.INSTANCE;
    }

    @Override
    int threads() {
        return 3;
    }

    @Override
    int twoStageFrom() {
        return 1;
    }

    @Override
    int band() {
        return 8;
    }
}
