/**
 * Not API: the GPU backend — loading CUDA ({@code CudaLibraries}), the probe ({@code GpuBackends}), the pipeline of
 * cuBLAS, dse4j's device kernels and cuSOLVER ({@code GpuBackend} and its parts: {@code DeviceContext},
 * {@code DeviceMemoryPlan}, {@code KernelAssembly}, {@code DeviceEigensolvers}, {@code SubsetSpectra};
 * {@code DeviceKernels}) — the only package that uses the generated bindings.
 */
package io.dse4j.internal.gpu;
