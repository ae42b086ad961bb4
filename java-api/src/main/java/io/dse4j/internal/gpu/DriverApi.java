package io.dse4j.internal.gpu;

import io.dse4j.bindings.driver.cuda_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Optional;

/**
 * What the loader asks the CUDA driver (libcuda.so.1, once loaded) before anything runs: its CUDA version, which
 * decides the library family and the kernel image, and each device's name and architecture (a machine may mix GPUs
 * of several architectures, and an NVRTC cubin runs only on its own). Each answer is empty where the driver is
 * missing or the call fails: these questions never throw.
 */
final class DriverApi {

    private static final List<String> SYMBOLS = List.of("cuInit", "cuDriverGetVersion", "cuDeviceGet",
            "cuDeviceGetName", "cuDeviceGetAttribute");

    private DriverApi() {
    }

    private static boolean present() {
        SymbolLookup loaded = SymbolLookup.loaderLookup();
        return SYMBOLS.stream().allMatch(symbol -> loaded.find(symbol).isPresent());
    }

    /** cuDriverGetVersion: 13000 for CUDA 13.0. */
    static Optional<Integer> version() {
        if (!present()) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(ValueLayout.JAVA_INT);
            return cuda_h.cuDriverGetVersion(version) == 0 ? Optional.of(version.get(ValueLayout.JAVA_INT, 0))
                    : Optional.empty();
        }
    }

    /** Device 0's architecture, "sm_90" (cuInit, cuDeviceGet, its compute capability). */
    static Optional<String> architecture() {
        return architecture(0);
    }

    /** The architecture of device {@code ordinal}, "sm_86". */
    static Optional<String> architecture(int ordinal) {
        return device(ordinal).map(Device::architecture);
    }

    /** "NVIDIA H200 (sm_90)" for device 0. */
    static Optional<String> firstDevice() {
        return device(0).map(d -> d.name() + " (" + d.architecture() + ")");
    }

    private record Device(String name, String architecture) {
    }

    private static Optional<Device> device(int ordinal) {
        if (!present()) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment device = arena.allocate(ValueLayout.JAVA_INT);
            if (cuda_h.cuInit(0) != 0 || cuda_h.cuDeviceGet(device, ordinal) != 0) {
                return Optional.empty();
            }
            int handle = device.get(ValueLayout.JAVA_INT, 0);
            MemorySegment text = arena.allocate(256);
            MemorySegment major = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment minor = arena.allocate(ValueLayout.JAVA_INT);
            if (cuda_h.cuDeviceGetName(text, 256, handle) != 0
                    || cuda_h.cuDeviceGetAttribute(major, cuda_h.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR(),
                            handle) != 0
                    || cuda_h.cuDeviceGetAttribute(minor, cuda_h.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR(),
                            handle) != 0) {
                return Optional.empty();
            }
            return Optional.of(new Device(text.getString(0),
                    "sm_" + major.get(ValueLayout.JAVA_INT, 0) + minor.get(ValueLayout.JAVA_INT, 0)));
        }
    }
}
