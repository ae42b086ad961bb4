package io.dse4j.internal.gpu;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A look for the NVIDIA driver that needs no native code: files only, no {@code dlopen}, no restricted method, so
 * that {@code auto} on a machine without a driver falls back to the CPU without the JVM's native-access warning.
 *
 * <p>The driver counts as possibly present — and the full probe ({@link CudaLibraries}) then decides — when any of
 * these exists: {@code /proc/driver/nvidia}, {@code /dev/nvidiactl}, {@code /dev/dxg} (WSL 2), or the driver's
 * library {@code libcuda.so.1} in one of the folders the dynamic linker searches: the entries of
 * {@code LD_LIBRARY_PATH}, the folders of {@code /etc/ld.so.conf} and its includes, the default folders, and the
 * usual driver folders of containers, WSL and NixOS. The binary cache {@code /etc/ld.so.cache} is not read (its
 * format is glibc's), so a driver found only through it and none of the above is missed; {@code --backend gpu}
 * always runs the full probe.
 */
final class DriverPresence {

    static final String DRIVER_LIBRARY = "libcuda.so.1";

    /** Kernel-side traces of the driver: any of them means the full probe should run. */
    private static final List<String> DRIVER_NODES = List.of("/proc/driver/nvidia", "/dev/nvidiactl", "/dev/dxg");

    /** The folders glibc's linker searches without configuration, on x86-64 Debian, Red Hat and others. */
    private static final List<String> DEFAULT_FOLDERS = List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
            "/lib64", "/usr/lib64", "/lib", "/usr/lib");

    /** Where drivers are put outside the linker's configuration: WSL 2, the NVIDIA container runtime, NixOS. */
    private static final List<String> DRIVER_FOLDERS = List.of("/usr/lib/wsl/lib", "/usr/local/nvidia/lib64",
            "/usr/local/nvidia/lib", "/run/opengl-driver/lib", "/usr/lib64/nvidia", "/usr/lib/nvidia");

    private static final List<String> RUNTIMES = List.of("libcudart.so.13", "libcudart.so.12");

    private static final int MAX_INCLUDE_DEPTH = 8;

    /**
     * What the look found.
     *
     * @param driver  the first trace of a driver (a device node or a {@code libcuda.so.1} path), or null: none
     * @param runtime the first CUDA runtime library found ({@code /usr/lib/libcudart.so.13}), or null
     * @param folders the library folders searched, in order
     */
    record Look(String driver, String runtime, List<String> folders) {

        boolean driverMayBePresent() {
            return driver != null;
        }

        /** A few words for the one log line: "no NVIDIA driver found", or what was found without it. */
        String summary() {
            if (runtime == null) {
                return "no NVIDIA driver found";
            }
            String name = Path.of(runtime).getFileName().toString();
            return "found the CUDA runtime " + name.substring(name.lastIndexOf('.') + 1) + " but no NVIDIA driver";
        }

        /** The full reason, for the selection and the debug log. */
        String reason() {
            return "no NVIDIA driver: no " + DRIVER_LIBRARY + " in LD_LIBRARY_PATH, the ld.so.conf folders or the "
                    + "default and usual driver folders (" + folders.size() + "), no "
                    + String.join(", ", DRIVER_NODES.subList(0, DRIVER_NODES.size() - 1)) + " or "
                    + DRIVER_NODES.get(DRIVER_NODES.size() - 1)
                    + (runtime == null ? "" : "; the CUDA runtime is at " + runtime)
                    + "; --backend gpu probes anyway";
        }
    }

    private DriverPresence() {
    }

    /** Looks on this machine. */
    static Look look() {
        return look(Path.of("/"), System.getenv("LD_LIBRARY_PATH"));
    }

    /**
     * Looks under {@code root} (a test's folder standing for "/"), with the given {@code LD_LIBRARY_PATH} (may be
     * null). Never throws: unreadable files count as absent.
     */
    static Look look(Path root, String ldLibraryPath) {
        String driver = null;
        for (String node : DRIVER_NODES) {
            if (Files.exists(under(root, node))) {
                driver = node;
                break;
            }
        }
        List<String> folders = folders(root, ldLibraryPath);
        String runtime = null;
        for (String folder : folders) {
            Path dir = under(root, folder);
            if (driver == null && Files.exists(dir.resolve(DRIVER_LIBRARY))) {
                driver = folder + "/" + DRIVER_LIBRARY;
            }
            if (runtime == null) {
                for (String name : RUNTIMES) {
                    if (Files.exists(dir.resolve(name))) {
                        runtime = folder + "/" + name;
                        break;
                    }
                }
            }
        }
        return new Look(driver, runtime, folders);
    }

    /** The folders the linker would search, in its order, without duplicates. */
    static List<String> folders(Path root, String ldLibraryPath) {
        Set<String> folders = new LinkedHashSet<>();
        if (ldLibraryPath != null) {
            for (String entry : ldLibraryPath.split("[:;]")) {
                // Relative entries depend on the working directory of the process; the full probe sees them.
                if (entry.startsWith("/")) {
                    folders.add(strip(entry));
                }
            }
        }
        readConf(root, "/etc/ld.so.conf", folders, new HashSet<>(), 0);
        folders.addAll(DEFAULT_FOLDERS);
        folders.addAll(DRIVER_FOLDERS);
        return List.copyOf(folders);
    }

    /** One ld.so.conf file: folder lines, {@code include GLOB} lines, {@code #} comments. */
    private static void readConf(Path root, String file, Set<String> folders, Set<String> seen, int depth) {
        if (depth > MAX_INCLUDE_DEPTH || !seen.add(file)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(under(root, file));
        } catch (IOException | RuntimeException unreadable) {
            return;
        }
        String base = file.substring(0, Math.max(1, file.lastIndexOf('/')));
        for (String raw : lines) {
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.toLowerCase(Locale.ROOT).startsWith("include") && line.length() > 7
                    && Character.isWhitespace(line.charAt(7))) {
                for (String pattern : line.substring(8).trim().split("\\s+")) {
                    String absolute = pattern.startsWith("/") ? pattern : base + "/" + pattern;
                    for (String included : glob(root, absolute)) {
                        readConf(root, included, folders, seen, depth + 1);
                    }
                }
            } else if (line.startsWith("/")) {
                // Old glibc also accepted several folders on one line, separated by spaces, tabs, ',' or ':'.
                for (String folder : line.split("[\\s,:=]+")) {
                    if (folder.startsWith("/")) {
                        folders.add(strip(folder));
                    }
                }
            }
        }
    }

    /** The files matching a glob in its last component ({@code /etc/ld.so.conf.d/*.conf}), sorted as glibc does. */
    private static List<String> glob(Path root, String pattern) {
        int slash = pattern.lastIndexOf('/');
        String folder = pattern.substring(0, Math.max(1, slash));
        String name = pattern.substring(slash + 1);
        if (!name.contains("*") && !name.contains("?") && !name.contains("[")) {
            return List.of(pattern);
        }
        List<String> matches = new ArrayList<>();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + name);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(under(root, folder))) {
            for (Path entry : entries) {
                if (matcher.matches(entry.getFileName())) {
                    matches.add((folder.equals("/") ? "" : folder) + "/" + entry.getFileName());
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            return List.of();
        }
        matches.sort(null);
        return matches;
    }

    private static String strip(String folder) {
        String f = folder;
        while (f.length() > 1 && f.endsWith("/")) {
            f = f.substring(0, f.length() - 1);
        }
        return f;
    }

    private static Path under(Path root, String absolute) {
        return root.resolve(absolute.substring(1));
    }
}
