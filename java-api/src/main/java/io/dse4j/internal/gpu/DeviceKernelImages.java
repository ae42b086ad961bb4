package io.dse4j.internal.gpu;

import io.dse4j.ComputationException;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The image of dse4j's kernels for each device of the machine, checked on that device before a backend opens there.
 *
 * <p>The probe chose and checked an image on device 0. That image does not serve every device: an NVRTC cubin holds
 * machine code for one architecture, and runs only on a GPU of the same major compute capability and an equal or
 * higher minor one (CUDA C++ Programming Guide, "Binary Compatibility"), so on a machine with mixed GPUs (an sm_90
 * and an sm_86, or an sm_86 and an sm_80) another device would refuse it with CUDA_ERROR_NO_BINARY_FOR_GPU; and even
 * nvcc's fatbin, which carries machine code for every architecture of the build and PTX, may find a device newer
 * than the build whose driver cannot compile that PTX. So each device gets:
 * <ul>
 *   <li>the probe's image when it is the fatbin, or a cubin compiled for this device's very architecture;</li>
 *   <li>otherwise the device source compiled for its architecture (from the {@link KernelCache} when it holds it),
 *       once per architecture;</li>
 *   <li>and under {@code auto}, a fatbin that does not run there is replaced by a compilation, as on device 0
 *       ({@link KernelImages#firstThatRuns}).</li>
 * </ul>
 * Each device's image is checked by running a kernel there ({@link KernelCheck}) the first time a backend opens on
 * it; what ran is kept, so a device is checked once per JVM. Thread-safe: backends of different devices may open
 * concurrently.
 */
final class DeviceKernelImages {

    private final KernelImages.Mode mode;
    private final KernelImage first;
    private final Function<String, KernelImages.Prepared> compile;
    private final IntFunction<Optional<String>> architectureOf;
    private final Map<Integer, KernelImage> checked = new HashMap<>();
    private final Map<String, KernelImages.Prepared> compiled = new HashMap<>();

    /**
     * @param mode           the mode the probe ran under
     * @param first          the image the probe checked on device 0
     * @param architecture0  device 0's architecture, "sm_90"
     * @param compile        the device source compiled for an architecture (NVRTC and the cache), or why not
     * @param architectureOf a device's architecture, or empty when the driver does not say
     */
    DeviceKernelImages(KernelImages.Mode mode, KernelImage first, String architecture0,
                       Function<String, KernelImages.Prepared> compile, IntFunction<Optional<String>> architectureOf) {
        this.mode = mode;
        this.first = first;
        this.compile = compile;
        this.architectureOf = architectureOf;
        checked.put(0, first);
        if (!first.fatbin()) {
            compiled.put(architecture0, new KernelImages.Prepared(first, null, false));
        }
    }

    /**
     * {@code image}, checked on device 0, for every device where it runs, and no compiler: for tests that build an
     * availability by hand.
     */
    static DeviceKernelImages only(KernelImage image) {
        return new DeviceKernelImages(KernelImages.Mode.FATBIN, image, "",
                architecture -> new KernelImages.Prepared(image, null, false), DriverApi::architecture);
    }

    /** The image the probe checked on device 0. */
    KernelImage first() {
        return first;
    }

    /**
     * The image that runs on device {@code device} (the ordinal already checked against the device count), compiled
     * and checked there the first time.
     *
     * @throws ComputationException naming the device and its architecture, with what each attempt found, when no
     *                              image runs there
     */
    synchronized KernelImage forDevice(int device) {
        KernelImage known = checked.get(device);
        if (known != null) {
            return known;
        }
        Optional<String> architecture = architectureOf.apply(device);
        if (architecture.isEmpty()) {
            throw new ComputationException("dse4j's kernels cannot be prepared for CUDA device " + device + ": the"
                    + " driver did not give its compute capability (cuDeviceGetAttribute)");
        }
        KernelImages.Prepared candidate = first.fatbin()
                ? new KernelImages.Prepared(first, null, false)
                : compiledFor(architecture.get());
        String problem;
        if (candidate.image() == null) {
            problem = candidate.reason();
        } else {
            KernelImages.Checked tried = KernelImages.firstThatRuns(mode, candidate,
                    () -> compiledFor(architecture.get()), image -> KernelCheck.run(image, device));
            if (tried.problem() == null) {
                checked.put(device, tried.image().image());
                return tried.image().image();
            }
            problem = tried.problem();
        }
        throw new ComputationException("dse4j's kernels do not run on CUDA device " + device + " ("
                + architecture.get() + "): " + problem);
    }

    /** The source compiled for {@code architecture}, once per architecture (a failure is kept too: it would recur). */
    private KernelImages.Prepared compiledFor(String architecture) {
        return compiled.computeIfAbsent(architecture, compile);
    }
}
