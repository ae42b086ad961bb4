package io.dse4j.internal.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which image of dse4j's kernels the driver gets, and making it:
 * <ul>
 *   <li>on a CUDA 13 driver (R580+), the fatbin that nvcc built into the jar — machine code for sm_75, 80, 86, 89,
 *       90, 100 and 120 and compute_75 PTX for anything newer;</li>
 *   <li>on a CUDA 12 driver (R525–R575), which cannot run nvcc 13's output (CUDA 13.x needs R580 or newer, NVIDIA's
 *       compatibility table; CUDA 12.x runs from R525 up to R580), the same device source compiled by the CUDA 12 NVRTC of the chosen family to a
 *       cubin for this GPU's exact architecture — a cubin of any 12.x NVRTC runs on every 12.x driver (CUDA's minor
 *       version compatibility covers machine code, not PTX) — kept in the {@link KernelCache}.</li>
 * </ul>
 * {@code -Ddse4j.cuda.kernelImage=fatbin|nvrtc} forces one path ({@code auto} is the default), for the GPU self-test
 * and for tests; a jar built without nvcc has no fatbin and always compiles.
 */
final class KernelImages {

    static final String PROPERTY = "dse4j.cuda.kernelImage";
    static final String FATBIN_RESOURCE = "/io/dse4j/native/dse4j_kernels.fatbin";
    static final String SOURCE_RESOURCE = "/io/dse4j/native/source/dse4j_device.cu";
    static final String HEADER_RESOURCE = "/io/dse4j/native/source/dse4j_element_ops.h";
    static final String HEADER_NAME = "dse4j_element_ops.h";

    /** The first driver version (cuDriverGetVersion) that loads nvcc 13's fatbin. */
    static final int CUDA_13 = 13000;

    enum Mode {
        AUTO, FATBIN, NVRTC
    }

    /**
     * The image to load, or why there is none.
     *
     * @param image    the image, or null
     * @param reason   why there is no image, when image is null
     * @param compiled whether NVRTC compiled it in this call (false for the fatbin and for a cache hit)
     */
    record Prepared(KernelImage image, String reason, boolean compiled) {

        static Prepared failed(String reason) {
            return new Prepared(null, reason, false);
        }
    }

    /**
     * What the probe's kernel check made of the images it tried.
     *
     * @param image   the image that ran (or the last one tried)
     * @param problem null when it ran, else why none did
     */
    record Checked(Prepared image, String problem) {
    }

    private KernelImages() {
    }

    /**
     * Runs {@code check} on {@code first}; under {@link Mode#AUTO}, when that was the fatbin and it did not run (no
     * machine code for this GPU and PTX newer than the driver reads: a GPU newer than the build, or a build by a
     * newer nvcc than the driver), tries the device source compiled for this very GPU by NVRTC
     * ({@code compiled}) before giving up, and says what each attempt found.
     */
    static Checked firstThatRuns(Mode mode, Prepared first, Supplier<Prepared> compiled,
                                 java.util.function.Function<KernelImage, String> check) {
        String problem = check.apply(first.image());
        if (problem == null || mode != Mode.AUTO || !first.image().fatbin()) {
            return new Checked(first, problem);
        }
        Prepared second = compiled.get();
        String secondProblem = second.image() == null ? second.reason() : check.apply(second.image());
        if (secondProblem == null) {
            return new Checked(second, null);
        }
        return new Checked(first, problem + "; compiled for this GPU with NVRTC instead: " + secondProblem);
    }

    /** The mode asked for by {@value #PROPERTY}. */
    static Mode mode() {
        String value = System.getProperty(PROPERTY, "auto").strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "auto", "" -> Mode.AUTO;
            case "fatbin" -> Mode.FATBIN;
            case "nvrtc" -> Mode.NVRTC;
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + System.getProperty(PROPERTY)
                    + " is not one of auto, fatbin, nvrtc");
        };
    }

    /**
     * @param mode          {@link #mode()}
     * @param driverVersion cuDriverGetVersion (12080 = CUDA 12.8)
     * @param architecture  the GPU's, "sm_86"
     * @param nvrtc         opens NVRTC, or throws {@link IllegalStateException} saying why it cannot
     * @param cache         where compiled cubins are kept
     */
    static Prepared prepare(Mode mode, int driverVersion, String architecture, Supplier<Nvrtc> nvrtc,
                            KernelCache cache) {
        Optional<byte[]> fatbin = resource(FATBIN_RESOURCE);
        String driver = "the NVIDIA driver supports CUDA " + driverVersion / 1000 + "." + (driverVersion % 1000) / 10;
        boolean useFatbin = switch (mode) {
            case FATBIN -> true;
            case NVRTC -> false;
            case AUTO -> driverVersion >= CUDA_13 && fatbin.isPresent();
        };
        if (useFatbin) {
            if (fatbin.isEmpty()) {
                return Prepared.failed("-D" + PROPERTY + "=fatbin, but this dse4j was built without nvcc and has no"
                        + " fatbin of its kernels");
            }
            if (driverVersion < CUDA_13) {
                return Prepared.failed("-D" + PROPERTY + "=fatbin, but " + driver + ", which cannot load the kernels"
                        + " nvcc 13 built (R580 or newer can)");
            }
            return new Prepared(new KernelImage(fatbin.get(), "fatbin built by nvcc (machine code for sm_75, sm_80,"
                    + " sm_86, sm_89, sm_90, sm_100, sm_120; compute_75 PTX)", true), null, false);
        }
        Nvrtc compiler;
        try {
            compiler = nvrtc.get();
        } catch (IllegalStateException | IllegalArgumentException | java.util.NoSuchElementException e) {
            String why = mode == Mode.NVRTC ? "-D" + PROPERTY + "=nvrtc"
                    : fatbin.isEmpty() ? "this dse4j was built without nvcc, so its kernels are compiled at run time"
                    : driver + ", which cannot load the kernels nvcc 13 built, so they are compiled at run time";
            return Prepared.failed(why + ", but NVRTC is not usable: " + e.getMessage());
        }
        return compile(compiler, architecture, cache);
    }

    /**
     * NVRTC's options for {@code architecture} ("sm_86", or "compute_75" for PTX): C++17, and {@code --fmad=false} as
     * nvcc builds the fatbin (native/build.sh) — no multiply-add fused, so that every +, −, × and ÷ of the kernels is
     * one IEEE rounding, as in the host stand-in (built with -ffp-contract=off): the kernels are memory-bound, and
     * FMA would buy them no speed, only results the stand-in could not reproduce.
     */
    static List<String> options(String architecture) {
        return List.of("--gpu-architecture=" + architecture, "-std=c++17", "--fmad=false");
    }

    /** The device source compiled for {@code architecture}, from the cache when a sound entry is there. */
    static Prepared compile(Nvrtc compiler, String architecture, KernelCache cache) {
        Optional<byte[]> source = resource(SOURCE_RESOURCE);
        Optional<byte[]> header = resource(HEADER_RESOURCE);
        if (source.isEmpty() || header.isEmpty()) {
            return Prepared.failed("the kernels' device source is missing from this dse4j jar (" + SOURCE_RESOURCE
                    + ")");
        }
        String version;
        try {
            version = compiler.version();
        } catch (RuntimeException e) {
            return Prepared.failed("NVRTC does not answer: " + e.getMessage());
        }
        List<String> options = options(architecture);
        // The key covers everything the cubin depends on: the source, its header and the options.
        byte[] optionBytes = String.join("\n", options).getBytes(StandardCharsets.UTF_8);
        byte[] key = java.nio.ByteBuffer.allocate(source.get().length + 1 + header.get().length + 1
                + optionBytes.length)
                .put(source.get()).put((byte) 0).put(header.get()).put((byte) 0).put(optionBytes).array();
        Path entry = cache.entry(architecture, version, key);
        String what = "cubin for " + architecture + " compiled by NVRTC " + version;
        Optional<byte[]> cached = cache.read(entry);
        if (cached.isPresent()) {
            KernelImage image = new KernelImage(cached.get(), what + " (cached in " + entry + ")", false);
            return new Prepared(image, null, false);
        }
        boolean damaged = Files.exists(entry);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(HEADER_NAME, new String(header.get(), StandardCharsets.UTF_8));
        byte[] cubin;
        try {
            cubin = compiler.compileCubin("dse4j_device.cu", new String(source.get(), StandardCharsets.UTF_8),
                    headers, options);
        } catch (Nvrtc.CompilationException | IllegalStateException e) {
            return Prepared.failed(e.getMessage());
        }
        String kept = cache.write(entry, cubin)
                ? (damaged ? " (a damaged cache entry replaced: " : " (now; kept in ") + entry + ")"
                : " (now; the cache folder " + cache.folder() + " could not be written)";
        return new Prepared(new KernelImage(cubin, what + kept, false), null, true);
    }

    private static Optional<byte[]> resource(String name) {
        try (InputStream in = KernelImages.class.getResourceAsStream(name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
