package io.dse4j.internal.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The few CUDA driver API calls (libcuda.so.1, once loaded) that the loader asks before anything runs: the driver's
 * CUDA version, and the first device's name and compute capability for the report. Bound by hand — four functions
 * with plain int and char* arguments — until the driver-API launch path brings bindings generated from cuda.h.
 */
final class DriverApi {

    /** CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR and _MINOR (cuda.h). */
    private static final int COMPUTE_CAPABILITY_MAJOR = 75;
    private static final int COMPUTE_CAPABILITY_MINOR = 76;

    private DriverApi() {
    }

    private static Optional<MethodHandle> function(String name, FunctionDescriptor descriptor) {
        return SymbolLookup.loaderLookup().find(name).map(s -> Linker.nativeLinker().downcallHandle(s, descriptor));
    }

    /** cuDriverGetVersion: 13000 for CUDA 13.0; empty when the call is missing or fails. */
    static Optional<Integer> version() {
        try (Arena arena = Arena.ofConfined()) {
            Optional<MethodHandle> call = function("cuDriverGetVersion",
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            if (call.isEmpty()) {
                return Optional.empty();
            }
            MemorySegment version = arena.allocate(ValueLayout.JAVA_INT);
            int status = (int) call.get().invokeExact(version);
            return status == 0 ? Optional.of(version.get(ValueLayout.JAVA_INT, 0)) : Optional.empty();
        } catch (Throwable e) {
            return Optional.empty();
        }
    }

    /** "NVIDIA H200 (sm_90)" for device 0 (cuInit, cuDeviceGet, cuDeviceGetName, cuDeviceGetAttribute); or empty. */
    static Optional<String> firstDevice() {
        FunctionDescriptor intInt = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
        FunctionDescriptor get = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
        FunctionDescriptor name = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT);
        FunctionDescriptor attribute = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
        Optional<MethodHandle> init = function("cuInit", intInt);
        Optional<MethodHandle> deviceGet = function("cuDeviceGet", get);
        Optional<MethodHandle> deviceName = function("cuDeviceGetName", name);
        Optional<MethodHandle> deviceAttribute = function("cuDeviceGetAttribute", attribute);
        if (init.isEmpty() || deviceGet.isEmpty() || deviceName.isEmpty() || deviceAttribute.isEmpty()) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            if ((int) init.get().invokeExact(0) != 0) {
                return Optional.empty();
            }
            MemorySegment device = arena.allocate(ValueLayout.JAVA_INT);
            if ((int) deviceGet.get().invokeExact(device, 0) != 0) {
                return Optional.empty();
            }
            int ordinal = device.get(ValueLayout.JAVA_INT, 0);
            MemorySegment text = arena.allocate(256);
            MemorySegment major = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment minor = arena.allocate(ValueLayout.JAVA_INT);
            if ((int) deviceName.get().invokeExact(text, 256, ordinal) != 0
                    || (int) deviceAttribute.get().invokeExact(major, COMPUTE_CAPABILITY_MAJOR, ordinal) != 0
                    || (int) deviceAttribute.get().invokeExact(minor, COMPUTE_CAPABILITY_MINOR, ordinal) != 0) {
                return Optional.empty();
            }
            return Optional.of(text.getString(0) + " (sm_" + major.get(ValueLayout.JAVA_INT, 0)
                    + minor.get(ValueLayout.JAVA_INT, 0) + ")");
        } catch (Throwable e) {
            return Optional.empty();
        }
    }
}
