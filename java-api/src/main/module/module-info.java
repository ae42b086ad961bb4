/**
 * dse4j: Diffusion Spectral Entropy (DSE) of point clouds, as defined by Liao, Liu et al. (arXiv 2312.04823),
 * computed by a pure-Java backend or a GPU backend behind one interface.
 *
 * <p>Only {@code io.dse4j} (the measures, their options and results) and {@code io.dse4j.io} (matrix files)
 * are public; the backend interface and both implementations are internal.
 */
module io.dse4j {
    exports io.dse4j;
    exports io.dse4j.io;

    // The generated CUDA bindings, used only by the GPU backend (which loads the libraries before touching them).
    requires io.dse4j.bindings;

    // The GPU backend's probe, found by io.dse4j.spi.GpuProbe.ofThisBuild() through ServiceLoader so that the SPI
    // names no implementation (on the class path: META-INF/services/io.dse4j.spi.GpuProbe).
    uses io.dse4j.spi.GpuProbe;
    provides io.dse4j.spi.GpuProbe with io.dse4j.internal.gpu.ThisBuildGpuProbe;

    // Optional: SIMD kernels when the JVM runs with --add-modules jdk.incubator.vector (checked at run time).
    requires static jdk.incubator.vector;
}
