package io.dse4j.internal.gpu;

import io.dse4j.bindings.cudart.cuda_runtime_api_h;

import java.io.File;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The one place that loads the CUDA libraries, once per JVM and before any binding class is used, turning every
 * failure into a reason for the probe. Order:
 * <ol>
 *   <li>the paths in {@code -Ddse4j.cuda.libraries} or {@code DSE4J_CUDA_LIBRARIES} (separated by ':'), loaded as
 *       given — this is how tests load the CUDA stand-in, which then announces itself;</li>
 *   <li>otherwise the driver's library libcuda.so.1 (the system's search) and its CUDA version
 *       ({@code cuDriverGetVersion}), then one coherent {@link CudaFamily} — the newest the driver supports and that
 *       is installed completely, looked for by {@link CudaLibrarySearch} (CUDA_HOME, the linker's folders, the
 *       toolkit's folders, NVIDIA's Python wheels), never a mix of majors.</li>
 * </ol>
 * Then the device count: a non-zero status of cudaGetDeviceCount (35: no driver, 100: no device) or zero devices
 * make the GPU unusable, with the status name as the reason. Then the kernels' image ({@link KernelImages}: the
 * jar's fatbin on CUDA 13 drivers, a cubin compiled by the family's NVRTC on CUDA 12 ones), which the driver API
 * loads and launches — nothing of dse4j links a CUDA runtime; last, {@link KernelCheck} loads it and runs one kernel
 * on the device and checks its result, so "usable" is never claimed for a GPU whose kernels cannot run. Besides the
 * reasons, an unusable result carries a summary of a few words for the one log line of {@code auto} ("found the CUDA runtime 13.0 but no usable NVIDIA
 * driver"). Under {@code auto}, {@link DriverPresence} is asked first, without native code.
 */
final class CudaLibraries {

    static final String PROPERTY = "dse4j.cuda.libraries";
    static final String ENVIRONMENT = "DSE4J_CUDA_LIBRARIES";

    /** Every symbol the GPU backend calls; all must resolve before the backend is declared usable. */
    private static final List<String> SYMBOLS = List.of("cudaGetDeviceCount", "cudaSetDevice", "cudaMemGetInfo",
            "cudaMalloc", "cudaFree", "cudaMemcpy", "cudaStreamCreate", "cudaStreamDestroy", "cudaStreamSynchronize",
            "cudaGetErrorName", "cudaRuntimeGetVersion", "cudaDriverGetVersion", "cublasCreate_v2",
            "cublasDestroy_v2", "cublasSetStream_v2", "cublasDsyrk_v2", "cublasSsyrk_v2", "cusolverDnCreate",
            "cusolverDnDestroy", "cusolverDnSetStream", "cusolverDnCreateParams", "cusolverDnDestroyParams",
            "cusolverDnXsyevd_bufferSize", "cusolverDnXsyevd", "cuInit", "cuDriverGetVersion", "cuDeviceGet",
            "cuDeviceGetName", "cuDeviceGetAttribute", "cuDevicePrimaryCtxRetain", "cuDevicePrimaryCtxRelease_v2",
            "cuCtxGetCurrent", "cuCtxSetCurrent", "cuModuleLoadData", "cuModuleGetFunction", "cuModuleUnload",
            "cuLaunchKernel", "cuGetErrorName");

    /**
     * @param usable      whether the backend can run
     * @param standIn     whether the loaded "CUDA" is dse4j's host-side stand-in for tests
     * @param reasons     why not, when not usable
     * @param summary     when not usable, what was found and what is missing, in a few words
     * @param description the runtime, driver and device count, for reports
     * @param images      the images of dse4j's kernels for each device, when usable: the probe loaded and ran
     *                    device 0's; another device's is prepared and checked when a backend first opens there
     */
    record Availability(boolean usable, boolean standIn, List<String> reasons, String summary, String description,
                        DeviceKernelImages images) {

        /** The image of dse4j's kernels that the probe loaded and ran on device 0, or null when not usable. */
        KernelImage kernels() {
            return images == null ? null : images.first();
        }
    }

    private static Availability availability;

    private CudaLibraries() {
    }

    static synchronized Availability availability() {
        if (availability == null) {
            try {
                availability = load();
            } catch (Throwable unexpected) {
                // Whatever happens while loading native code becomes a reason, never an initialisation error.
                availability = new Availability(false, false, List.of("loading CUDA failed: " + unexpected),
                        "loading CUDA failed", "", null);
            }
        }
        return availability;
    }

    /** The value of {@value #PROPERTY}, else of {@value #ENVIRONMENT}, or null when neither is set. */
    static String explicitPaths() {
        String explicit = System.getProperty(PROPERTY);
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getenv(ENVIRONMENT);
        }
        return explicit == null || explicit.isBlank() ? null : explicit;
    }

    /** Why this platform has no GPU backend, or null on linux-x86_64. */
    static String unsupportedPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "the GPU backend is built for linux-x86_64; this is " + os + "-" + arch;
        }
        return null;
    }

    private static Availability load() {
        List<String> reasons = new ArrayList<>();
        String platform = unsupportedPlatform();
        if (platform != null) {
            return unusable("no GPU backend for this platform", List.of(platform));
        }
        String explicit = explicitPaths();
        boolean standIn = false;
        List<String> missing = new ArrayList<>();
        String driverProblem = null;
        CudaFamily.Choice family = null;
        if (explicit != null) {
            for (String path : explicit.split(File.pathSeparator)) {
                if (!path.isBlank()) {
                    addIfPresent(reasons, SharedLibraries.loadPath(Path.of(path.trim())));
                }
            }
            standIn = SymbolLookup.loaderLookup().find("dse4j_standin_version").isPresent();
        } else {
            // The driver first: its CUDA version decides which family of libraries may be used at all.
            int driverVersion = 0;
            String driverLibrary = SharedLibraries.loadSoname("libcuda.so.1");
            if (driverLibrary != null) {
                reasons.add("no NVIDIA driver: " + driverLibrary);
                driverProblem = "no NVIDIA driver (libcuda.so.1)";
            } else {
                driverVersion = driverVersion(reasons);
            }
            CudaFamily.Choice choice = CudaFamily.choose(driverVersion, CudaLibrarySearch.ofThisProcess());
            if (choice.family() == null) {
                reasons.add(choice.reason());
                missing.add("a complete CUDA 13 or 12 family");
            } else {
                family = choice;
                choice.family().required().forEach((what, soname) -> {
                    String failure = SharedLibraries.loadPath(Path.of(choice.libraries().get(soname)));
                    if (failure != null) {
                        reasons.add(what + " could not be loaded: " + failure);
                        missing.add(what);
                    }
                });
            }
        }
        // Go on after a failed load: the device check below adds its own reason (no driver, no device), so one
        // message says everything that would have to change.
        SymbolLookup loaded = SymbolLookup.loaderLookup();
        if (loaded.find("cudaGetDeviceCount").isEmpty()) {
            if (reasons.isEmpty()) {
                reasons.add("symbol cudaGetDeviceCount not found in the loaded libraries");
            }
            return unusable(driverProblem != null ? driverProblem
                    : missing.contains("a complete CUDA 13 or 12 family") ? "no complete set of CUDA 13 or 12 libraries"
                    : "the CUDA runtime could not be loaded", reasons);
        }
        int devices = 0;
        String runtimeDescription = "";
        String runtimeVersion = "";
        String deviceProblem = null;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            int status = cuda_runtime_api_h.cudaGetDeviceCount(count);
            if (status != 0) {
                String hint = status == 35 ? " — no CUDA driver, or one older than the runtime"
                        : status == 100 ? " — no CUDA device" : "";
                reasons.add("cudaGetDeviceCount: " + CudaStatus.runtimeName(status) + " (" + status + ")" + hint);
                deviceProblem = status == 35 ? "no usable NVIDIA driver" : status == 100 ? "no CUDA device"
                        : "cudaGetDeviceCount failed (" + CudaStatus.runtimeName(status) + ")";
            } else {
                devices = count.get(ValueLayout.JAVA_INT, 0);
                if (devices == 0) {
                    reasons.add("cudaGetDeviceCount: no CUDA device");
                    deviceProblem = "no CUDA device";
                }
            }
            if (loaded.find("cudaRuntimeGetVersion").isPresent() && loaded.find("cudaDriverGetVersion").isPresent()) {
                MemorySegment version = arena.allocate(ValueLayout.JAVA_INT);
                int runtime = cuda_runtime_api_h.cudaRuntimeGetVersion(version) == 0
                        ? version.get(ValueLayout.JAVA_INT, 0) : 0;
                int driver = cuda_runtime_api_h.cudaDriverGetVersion(version) == 0
                        ? version.get(ValueLayout.JAVA_INT, 0) : 0;
                runtimeDescription = "runtime " + versionText(runtime) + ", driver " + versionText(driver) + ", ";
                runtimeVersion = runtime > 0 ? " " + versionText(runtime) : "";
            }
        }
        boolean symbolsMissing = false;
        if (reasons.isEmpty()) {
            for (String symbol : SYMBOLS) {
                if (loaded.find(symbol).isEmpty()) {
                    reasons.add("symbol " + symbol + " not found in the loaded libraries");
                    symbolsMissing = true;
                }
            }
        }
        if (!reasons.isEmpty()) {
            return unusable(summary(runtimeVersion, missing, deviceProblem, symbolsMissing), reasons);
        }
        KernelImages.Mode mode;
        try {
            mode = KernelImages.mode();
        } catch (IllegalArgumentException e) {
            return unusable("found CUDA" + runtimeVersion + " and a device, but " + e.getMessage(),
                    List.of(e.getMessage()));
        }
        String noImage = "found CUDA" + runtimeVersion + " and a device, but no image of dse4j's kernels for it";
        KernelCache cache;
        try {
            cache = KernelCache.ofThisProcess();
        } catch (java.nio.file.InvalidPathException e) {
            return unusable(noImage,
                    List.of("the kernel cache folder (-D" + KernelCache.PROPERTY + " or XDG_CACHE_HOME) is not a path: "
                            + e.getMessage()));
        }
        Optional<Integer> driver = DriverApi.version();
        Optional<String> architecture = DriverApi.architecture();
        if (driver.isEmpty() || architecture.isEmpty()) {
            return unusable(noImage,
                    List.of("the CUDA driver did not give its version or device 0's compute capability"
                            + " (cuDriverGetVersion, cuDeviceGetAttribute)"));
        }
        KernelImageSource source = new KernelImageSource(standIn, family, driver.get(), cache);
        KernelImages.Prepared image = source.prepare(mode, architecture.get());
        if (image.image() == null) {
            return unusable(noImage,
                    List.of(image.reason()));
        }
        KernelImages.Checked checked = KernelImages.firstThatRuns(mode, image,
                () -> source.prepare(KernelImages.Mode.NVRTC, architecture.get()), KernelCheck::run);
        String kernelProblem = checked.problem();
        image = checked.image();
        if (kernelProblem != null) {
            return unusable("found CUDA" + runtimeVersion + " and a device, but dse4j's kernels do not run on it",
                    List.of(kernelProblem));
        }
        DeviceKernelImages images = new DeviceKernelImages(mode, image.image(), architecture.get(),
                other -> source.prepare(KernelImages.Mode.NVRTC, other), DriverApi::architecture);
        String description = (standIn ? "CUDA stand-in (host memory, for tests), " : "CUDA ")
                + (family != null ? family.family().major() + " family " + family.libraries().values() + ", " : "")
                + runtimeDescription + devices + " device" + (devices == 1 ? "" : "s")
                + DriverApi.firstDevice().map(device -> ", the first " + device).orElse("")
                + "; kernels: " + image.image().description();
        return new Availability(true, standIn, List.of(), "", description, images);
    }

    /**
     * Where the kernels' images come from ({@link KernelImages}), for any architecture: NVRTC, where it is needed,
     * is the chosen family's (or, for the stand-in, the loaded libraries' own).
     */
    private record KernelImageSource(boolean standIn, CudaFamily.Choice family, int driverVersion, KernelCache cache) {

        KernelImages.Prepared prepare(KernelImages.Mode mode, String architecture) {
            return KernelImages.prepare(mode, driverVersion, architecture, this::nvrtc, cache);
        }

        private Nvrtc nvrtc() {
            if (standIn || family == null) {
                if (SymbolLookup.loaderLookup().find("nvrtcVersion").isEmpty()) {
                    throw new IllegalStateException("no NVRTC among the loaded libraries");
                }
                return Nvrtc.of(SymbolLookup.loaderLookup());
            }
            String soname = family.family().nvrtc();
            String path = family.libraries().get(soname);
            if (path == null) {
                int major = family.family().major();
                throw new IllegalStateException("NVRTC " + major + " (" + soname + ") was not found beside the CUDA "
                        + major + " libraries (pip install nvidia-cuda-nvrtc-cu" + major + ", or the CUDA " + major
                        + " toolkit's NVRTC)");
            }
            return Nvrtc.load(Path.of(path));
        }
    }

    /**
     * What was found and what is missing, in a few words: "found the CUDA runtime 13.0 but not cuBLAS or
     * cuSOLVER, and no usable NVIDIA driver".
     */
    static String summary(String runtimeVersion, List<String> missing, String deviceProblem, boolean symbolsMissing) {
        StringBuilder s = new StringBuilder("found the CUDA runtime").append(runtimeVersion);
        String joiner = " but ";
        if (!missing.isEmpty()) {
            s.append(joiner).append("not ").append(String.join(" or ", missing));
            joiner = ", and ";
        }
        if (deviceProblem != null) {
            s.append(joiner).append(deviceProblem);
            joiner = ", and ";
        }
        if (symbolsMissing) {
            s.append(joiner).append("not every function the GPU backend calls");
        }
        return s.toString();
    }

    /** The driver's CUDA version from {@code cuDriverGetVersion} (libcuda.so.1, loaded), or 0 with a reason. */
    private static int driverVersion(List<String> reasons) {
        Optional<Integer> version = DriverApi.version();
        if (version.isEmpty()) {
            reasons.add("cuDriverGetVersion of libcuda.so.1 is missing or failed");
        }
        return version.orElse(0);
    }

    private static String versionText(int version) {
        return (version / 1000) + "." + (version % 1000) / 10;
    }

    private static Availability unusable(String summary, List<String> reasons) {
        return new Availability(false, false, List.copyOf(reasons), summary, "", null);
    }

    private static void addIfPresent(List<String> reasons, String reason) {
        if (reason != null) {
            reasons.add(reason);
        }
    }
}
