package io.dse4j.internal.gpu;

/**
 * A module image of dse4j's kernels, as {@code cuModuleLoadData} takes it: nvcc's fatbin (machine code for every
 * supported architecture and PTX) or a cubin that NVRTC compiled for this GPU.
 *
 * @param bytes       the image
 * @param description where it came from, for the backend's report: "fatbin built by nvcc (sm_75–sm_120, compute_75
 *                    PTX)" or "cubin for sm_86 compiled by NVRTC 12.4 (from the cache …)"
 * @param fatbin      whether it is nvcc's fatbin (else a cubin NVRTC compiled for this GPU)
 */
record KernelImage(byte[] bytes, String description, boolean fatbin) {
}
