package io.dse4j.internal.gpu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A coherent set of CUDA libraries: one CUDA major release's runtime, cuBLAS, cuSOLVER and NVRTC. Libraries of two
 * majors are never mixed (a cuBLAS 12 beside a runtime 13 shares no state with it and may not even load), and a
 * family is used only when the driver supports it: a driver runs runtimes of its own CUDA major and older ones, never
 * newer (R580+ is CUDA 13; R525–R575 are CUDA 12).
 *
 * @param major    the CUDA major release
 * @param runtime  the CUDA runtime's soname
 * @param cublas   cuBLAS's soname
 * @param cusolver cuSOLVER's soname (its major lags CUDA's: cuSOLVER 12 ships with CUDA 13, 11 with CUDA 12)
 * @param nvrtc    NVRTC's soname (needed only where the kernels are compiled at run time)
 */
record CudaFamily(int major, String runtime, String cublas, String cusolver, String nvrtc) {

    static final CudaFamily CUDA_13 = new CudaFamily(13, "libcudart.so.13", "libcublas.so.13", "libcusolver.so.12",
            "libnvrtc.so.13");
    static final CudaFamily CUDA_12 = new CudaFamily(12, "libcudart.so.12", "libcublas.so.12", "libcusolver.so.11",
            "libnvrtc.so.12");

    /** Newest first: the order in which families are tried. */
    static final List<CudaFamily> ALL = List.of(CUDA_13, CUDA_12);

    /** The libraries the GPU backend cannot run without, by what they are, in loading order. */
    Map<String, String> required() {
        Map<String, String> libraries = new LinkedHashMap<>();
        libraries.put("CUDA runtime", runtime);
        libraries.put("cuBLAS", cublas);
        libraries.put("cuSOLVER", cusolver);
        return libraries;
    }

    /**
     * What the choice found.
     *
     * @param family    the family to load, or null when none can be
     * @param libraries where each library of the family was found (soname → path), NVRTC included when present
     * @param reason    when no family can be used: why, naming what was found and what is missing; else null
     */
    record Choice(CudaFamily family, Map<String, String> libraries, String reason) {
    }

    /**
     * Chooses the newest family that the driver supports and that is installed completely.
     *
     * @param driverVersion the driver's CUDA version as {@code cuDriverGetVersion} gives it (13000 = 13.0; 12080 =
     *                      12.8), or 0 when unknown (no driver): then the newest complete family is chosen, so the
     *                      report can say what was found, and the device check says why it cannot run
     * @param search        where the libraries are looked for
     */
    static Choice choose(int driverVersion, CudaLibrarySearch search) {
        int driverMajor = driverVersion / 1000;
        List<String> incomplete = new ArrayList<>();
        CudaFamily tooNew = null;
        for (CudaFamily family : ALL) {
            Map<String, String> libraries = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            family.required().forEach((what, soname) -> {
                Optional<String> path = search.find(soname);
                if (path.isPresent()) {
                    libraries.put(soname, path.get());
                } else {
                    missing.add(what + " (" + soname + ")");
                }
            });
            if (!missing.isEmpty()) {
                if (!libraries.isEmpty()) {
                    incomplete.add("CUDA " + family.major + " has " + String.join(", ", libraries.keySet())
                            + " but not " + String.join(" or ", missing));
                }
                continue;
            }
            if (driverVersion > 0 && family.major > driverMajor) {
                tooNew = tooNew == null ? family : tooNew;
                continue;
            }
            search.find(family.nvrtc).ifPresent(path -> libraries.put(family.nvrtc, path));
            return new Choice(family, libraries, null);
        }
        String driver = driverVersion > 0 ? "the driver supports CUDA " + driverMajor + "." + (driverVersion % 1000)
                / 10
                : "no driver version is known";
        String reason;
        if (tooNew != null && incomplete.isEmpty()) {
            reason = "only CUDA " + tooNew.major + "'s libraries were found, but " + driver + ": install the libraries"
                    + " of CUDA " + driverMajor + " (runtime, cuBLAS, cuSOLVER; e.g. pip install"
                    + " nvidia-cublas-cu" + driverMajor + " nvidia-cusolver-cu" + driverMajor
                    + " nvidia-cuda-runtime-cu" + driverMajor + ") or update the NVIDIA driver";
        } else if (!incomplete.isEmpty()) {
            reason = "no complete set of CUDA libraries of one major release (dse4j never mixes them): "
                    + String.join("; ", incomplete) + (tooNew != null ? "; CUDA " + tooNew.major
                            + " is complete but newer than the driver (" + driver + ")" : "");
        } else {
            reason = "no CUDA runtime, cuBLAS or cuSOLVER found (looked for " + String.join(", ", sonames())
                    + " in CUDA_HOME, CUDA_PATH, the dynamic linker's folders, /usr/local/cuda*, /opt/cuda and the"
                    + " nvidia Python wheels of VIRTUAL_ENV and CONDA_PREFIX)";
        }
        return new Choice(null, Map.of(), reason);
    }

    private static List<String> sonames() {
        List<String> all = new ArrayList<>();
        for (CudaFamily family : ALL) {
            all.addAll(family.required().values());
        }
        return all;
    }
}
