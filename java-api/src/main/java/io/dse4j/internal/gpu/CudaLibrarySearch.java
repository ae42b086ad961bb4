package io.dse4j.internal.gpu;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where CUDA libraries are looked for, in order, by file (no native code, so a choice can be made before anything is
 * loaded):
 * <ol>
 *   <li>{@code CUDA_HOME}, then {@code CUDA_PATH}: their {@code lib64}, {@code lib} and
 *       {@code targets/x86_64-linux/lib};</li>
 *   <li>the folders the dynamic linker searches ({@link DriverPresence#folders}: {@code LD_LIBRARY_PATH}, the
 *       {@code ld.so.conf} folders, the default ones);</li>
 *   <li>the CUDA toolkit's standard install folders: {@code /usr/local/cuda}, then every {@code /usr/local/cuda-*}
 *       (newest first), {@code /opt/cuda}, each with {@code lib64} and {@code targets/x86_64-linux/lib};</li>
 *   <li>NVIDIA's Python wheels — what {@code pip install torch} brings — in the active {@code VIRTUAL_ENV}, then
 *       {@code CONDA_PREFIX}: {@code lib/python3.*&#47;site-packages/nvidia/*&#47;lib}, and conda's own {@code lib}.</li>
 * </ol>
 * So a machine with PyTorch installed in a virtual environment finds cuBLAS and cuSOLVER without a CUDA toolkit.
 */
final class CudaLibrarySearch {

    private final List<String> folders;
    private final Path root;

    private CudaLibrarySearch(List<String> folders, Path root) {
        this.folders = folders;
        this.root = root;
    }

    /** The search of this machine and process. */
    static CudaLibrarySearch ofThisProcess() {
        return of(Path.of("/"), System.getenv());
    }

    /**
     * The search under {@code root} (a test's folder standing for "/") with the given environment (only CUDA_HOME,
     * CUDA_PATH, LD_LIBRARY_PATH, VIRTUAL_ENV and CONDA_PREFIX are read; their values are paths under root).
     */
    static CudaLibrarySearch of(Path root, Map<String, String> env) {
        Set<String> folders = new LinkedHashSet<>();
        for (String variable : List.of("CUDA_HOME", "CUDA_PATH")) {
            String home = env.get(variable);
            if (home != null && home.startsWith("/")) {
                addToolkit(folders, strip(home));
            }
        }
        folders.addAll(DriverPresence.folders(root, env.get("LD_LIBRARY_PATH")));
        addToolkit(folders, "/usr/local/cuda");
        List<String> versioned = new ArrayList<>();
        for (Path entry : list(root, "/usr/local")) {
            String name = entry.getFileName().toString();
            if (name.startsWith("cuda-")) {
                versioned.add(name);
            }
        }
        versioned.sort((a, b) -> compareVersions(b.substring(5), a.substring(5)));
        for (String name : versioned) {
            addToolkit(folders, "/usr/local/" + name);
        }
        addToolkit(folders, "/opt/cuda");
        for (String variable : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String prefix = env.get(variable);
            if (prefix == null || !prefix.startsWith("/")) {
                continue;
            }
            String lib = strip(prefix) + "/lib";
            for (Path python : list(root, lib)) {
                if (python.getFileName().toString().startsWith("python3")) {
                    String nvidia = lib + "/" + python.getFileName() + "/site-packages/nvidia";
                    List<String> packages = new ArrayList<>();
                    for (Path wheel : list(root, nvidia)) {
                        packages.add(nvidia + "/" + wheel.getFileName() + "/lib");
                    }
                    packages.sort(null);
                    folders.addAll(packages);
                }
            }
            if (variable.equals("CONDA_PREFIX")) {
                folders.add(lib);
            }
        }
        return new CudaLibrarySearch(List.copyOf(folders), root);
    }

    /** The folders searched, in order. */
    List<String> folders() {
        return folders;
    }

    /** The first place that holds {@code soname} (the path as the machine names it, not under the test root). */
    Optional<String> find(String soname) {
        for (String folder : folders) {
            Path candidate = root.resolve(folder.substring(1)).resolve(soname);
            if (Files.isRegularFile(candidate)) {   // follows a soname's symbolic link to the library itself
                return Optional.of(folder + "/" + soname);
            }
        }
        return Optional.empty();
    }

    private static void addToolkit(Set<String> folders, String home) {
        folders.add(home + "/lib64");
        folders.add(home + "/lib");
        folders.add(home + "/targets/x86_64-linux/lib");
    }

    private static List<Path> list(Path root, String absolute) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root.resolve(absolute.substring(1)))) {
            stream.forEach(entries::add);
        } catch (IOException | RuntimeException absent) {
            return List.of();
        }
        return entries;
    }

    /** Dotted numbers compared numerically ("12.10" after "12.9"); anything else after them, as text. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String p = i < x.length ? x[i] : "0";
            String q = i < y.length ? y[i] : "0";
            int c;
            try {
                c = Long.compare(Long.parseLong(p), Long.parseLong(q));
            } catch (NumberFormatException notNumeric) {
                c = p.compareTo(q);
            }
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static String strip(String folder) {
        String f = folder;
        while (f.length() > 1 && f.endsWith("/")) {
            f = f.substring(0, f.length() - 1);
        }
        return f;
    }
}
