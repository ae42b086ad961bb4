package io.dse4j.internal.gpu;

import io.dse4j.Precision;
import io.dse4j.bindings.cublas.cublas_v2_h;
import io.dse4j.bindings.cusolver.cusolverDn_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntSupplier;

/**
 * The type of the N×N matrix's elements on the device — the working precision as the GPU libraries name it: its
 * bytes, the {@code cudaDataType} that cuSOLVER's 64-bit API takes ({@code CUDA_R_64F}, {@code CUDA_R_32F}), the
 * cuBLAS syrk of that type, and the suffix of dse4j's kernel entry points ({@code dse4j_k_<kernel>_f64}). Whatever
 * the element, what lies beside the matrix stays double: squared norms, degrees, the points' original coordinates,
 * the reductions' partial sums.
 */
enum DeviceElement {

    F64(Double.BYTES, "f64", 760.0, cusolverDn_h::CUDA_R_64F, "cublasDsyrk_v2", cublas_v2_h::cublasDsyrk_v2) {
        @Override
        MemorySegment host(Arena arena, double[] values) {
            return arena.allocateFrom(ValueLayout.JAVA_DOUBLE, values);
        }

        @Override
        double[] read(MemorySegment host) {
            return host.toArray(ValueLayout.JAVA_DOUBLE);
        }
    },

    F32(Float.BYTES, "f32", 110.0, cusolverDn_h::CUDA_R_32F, "cublasSsyrk_v2", cublas_v2_h::cublasSsyrk_v2) {
        @Override
        MemorySegment host(Arena arena, double[] values) {
            MemorySegment segment = arena.allocate(ValueLayout.JAVA_FLOAT, values.length);
            for (int i = 0; i < values.length; i++) {
                segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) values[i]);
            }
            return segment;
        }

        @Override
        double[] read(MemorySegment host) {
            float[] floats = host.toArray(ValueLayout.JAVA_FLOAT);
            double[] out = new double[floats.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = floats[i];
            }
            return out;
        }
    };

    /** A cuBLAS syrk of one element type, as the bindings declare it; returns its status. */
    @FunctionalInterface
    interface Syrk {
        int call(MemorySegment handle, int uplo, int trans, int n, int k, MemorySegment alpha, MemorySegment a, int lda,
                 MemorySegment beta, MemorySegment c, int ldc);
    }

    private final long bytes;
    private final String suffix;
    private final double underflowExponent;
    private final IntSupplier dataType;
    private final String syrkName;
    private final Syrk syrk;

    DeviceElement(long bytes, String suffix, double underflowExponent, IntSupplier dataType, String syrkName,
                  Syrk syrk) {
        this.bytes = bytes;
        this.suffix = suffix;
        this.underflowExponent = underflowExponent;
        this.dataType = dataType;
        this.syrkName = syrkName;
        this.syrk = syrk;
    }

    /** The element of the matrix in this working precision. */
    static DeviceElement of(Precision precision) {
        return precision == Precision.F32 ? F32 : F64;
    }

    /** Bytes per element. */
    long bytes() {
        return bytes;
    }

    /** The suffix of dse4j's kernel entry points for this element: {@code dse4j_k_gaussian_f32}. */
    String suffix() {
        return suffix;
    }

    /**
     * The x beyond which exp(−x) is 0 once stored: in double below e^−745.1, in float below 2^−149 = e^−103.3 (760
     * and 110, with a margin), as the CPU path uses.
     */
    double underflowExponent() {
        return underflowExponent;
    }

    /** The {@code cudaDataType} of this element ({@code CUDA_R_64F}, {@code CUDA_R_32F}). */
    int dataType() {
        return dataType.getAsInt();
    }

    /** The name of {@link #syrk}'s cuBLAS function, as a failure reports it. */
    String syrkName() {
        return syrkName;
    }

    /** cuBLAS's syrk of this element ({@code cublasDsyrk_v2}, {@code cublasSsyrk_v2}); returns its status. */
    Syrk syrk() {
        return syrk;
    }

    /** The values as a native segment of this element type (rounded to it), ready to upload. */
    abstract MemorySegment host(Arena arena, double[] values);

    /** A host segment of this element type, widened to double. */
    abstract double[] read(MemorySegment host);

    /** A host scalar of this element type: syrk's alpha and beta are of the matrix's type. */
    MemorySegment scalar(Arena arena, double value) {
        return host(arena, new double[] {value});
    }

    /** The first {@code count} elements of {@code buffer}, downloaded and widened to double. */
    double[] download(Arena arena, DeviceBuffer buffer, long count) {
        MemorySegment host = arena.allocate(bytes * count, bytes);
        buffer.download(host);
        return read(host);
    }
}
