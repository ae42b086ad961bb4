package io.dse4j.internal.gpu;

import io.dse4j.bindings.cudart.cuda_runtime_api_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A block of device memory from cudaMalloc, freed by {@link #close()} (idempotent). Always opened in
 * try-with-resources: the garbage collector does not see device memory.
 */
final class DeviceBuffer implements AutoCloseable {

    private final long bytes;
    private MemorySegment address;

    private DeviceBuffer(MemorySegment address, long bytes) {
        this.address = address;
        this.bytes = bytes;
    }

    static DeviceBuffer allocate(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            CudaStatus.runtime("cudaMalloc(" + bytes + " bytes)", cuda_runtime_api_h.cudaMalloc(out, bytes));
            return new DeviceBuffer(out.get(ValueLayout.ADDRESS, 0), bytes);
        }
    }

    MemorySegment address() {
        if (address == null) {
            throw new IllegalStateException("device buffer already freed");
        }
        return address;
    }

    long bytes() {
        return bytes;
    }

    /** Copies {@code host} (a native segment of at most {@link #bytes()}) to the start of this buffer. */
    void upload(MemorySegment host) {
        CudaStatus.runtime("cudaMemcpy(host to device)", cuda_runtime_api_h.cudaMemcpy(address(), host,
                host.byteSize(), cuda_runtime_api_h.cudaMemcpyHostToDevice()));
    }

    /** Copies the first {@code host.byteSize()} bytes of this buffer into {@code host}. */
    void download(MemorySegment host) {
        CudaStatus.runtime("cudaMemcpy(device to host)", cuda_runtime_api_h.cudaMemcpy(host, address(),
                host.byteSize(), cuda_runtime_api_h.cudaMemcpyDeviceToHost()));
    }

    @Override
    public void close() {
        if (address != null) {
            MemorySegment freeing = address;
            address = null;
            CudaStatus.runtime("cudaFree", cuda_runtime_api_h.cudaFree(freeing));
        }
    }
}
