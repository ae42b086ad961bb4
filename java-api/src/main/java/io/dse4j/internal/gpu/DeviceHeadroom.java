package io.dse4j.internal.gpu;

/**
 * Device memory the GPU backend leaves free beyond what it allocates itself (its buffers and the workspace cuSOLVER
 * asks for), so that a problem planned against {@code cudaMemGetInfo}'s free bytes does not fail half-way. What the
 * free bytes do not yet show when the plan is made, and takes device memory during the computation:
 * <ul>
 *   <li>kernel images loaded on first launch (lazy module loading, the default since CUDA 12.2) — cuBLAS's syrk,
 *       cuSOLVER's eigensolver kernels, dse4j's: a few MiB to tens of MiB;</li>
 *   <li>cuBLAS's workspace, allocated by each handle on first use — the backend's and the one cuSOLVER keeps for
 *       itself (NVIDIA recommends 32 MiB on Hopper and later, 4 MiB before) — and cuSOLVER's own small internal
 *       buffers beyond the documented workspace;</li>
 *   <li>rounding: the driver rounds each large allocation up to its page size (2 MiB), for each of the up to ten
 *       buffers of a computation;</li>
 *   <li>the local-memory (stack) reservation, which the driver enlarges when a kernel needs more per thread than any
 *       before it, for every thread the GPU can hold at once (SMs × threads per SM): tens to hundreds of MiB, more
 *       on a bigger GPU — as is the memory other processes on a shared GPU may take meanwhile.</li>
 * </ul>
 * Hence a fixed part for the first three (together of the order of 100 MiB on Hopper; doubled, as none of it
 * is documented as a bound) and a fraction of the device for what grows with it. {@link #DEFAULT}: 256 MiB + 2% of the total —
 * 0.6 GiB of a 16 GiB T4, 1.9 GiB of an 80 GiB H100, 3.0 GiB of an H200. An estimate from NVIDIA's documentation,
 * not yet measured on a GPU; a problem it refuses runs on the CPU under {@code auto}.
 *
 * @param fixedBytes      bytes kept free whatever the device
 * @param fractionOfTotal share of the device's total memory kept free in addition, in [0, 1)
 */
record DeviceHeadroom(long fixedBytes, double fractionOfTotal) {

    static final DeviceHeadroom DEFAULT = new DeviceHeadroom(256L << 20, 0.02);

    DeviceHeadroom {
        if (fixedBytes < 0 || !(fractionOfTotal >= 0 && fractionOfTotal < 1)) {
            throw new IllegalArgumentException("headroom of " + fixedBytes + " bytes + " + fractionOfTotal);
        }
    }

    /** The bytes to keep free on a device of {@code totalBytes}. */
    long bytes(long totalBytes) {
        return fixedBytes + (long) (fractionOfTotal * Math.max(0, totalBytes));
    }
}
