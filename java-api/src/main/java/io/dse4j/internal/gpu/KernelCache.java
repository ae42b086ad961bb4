package io.dse4j.internal.gpu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Cubins that NVRTC compiled, kept on disk so that a CUDA 12 machine compiles the kernels once per GPU architecture
 * and NVRTC version, not at every start (a compilation takes seconds). One file per key,
 * {@code <arch>-nvrtc<version>-<source hash>.cubin}: a header line {@value #MAGIC}, the SHA-256 of the cubin, its
 * length (8 bytes, big-endian), then the cubin.
 *
 * <p>An entry is used only when all of that checks out; a truncated, altered or foreign file is compiled again and
 * replaced, never loaded into the driver. Entries are written to a temporary file in the same folder and moved into
 * place atomically, so a reader never sees half of one, and two JVMs compiling at once both end with a whole file.
 * A cache that cannot be written (read-only home, full disk) only costs the compilation time.
 *
 * <p>The folder: {@code -Ddse4j.cuda.kernelCache}, else {@code $XDG_CACHE_HOME/dse4j/kernels}, else
 * {@code ~/.cache/dse4j/kernels}.
 */
final class KernelCache {

    static final String PROPERTY = "dse4j.cuda.kernelCache";
    static final String MAGIC = "dse4j cubin 1\n";

    private static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = MAGIC_BYTES.length + 32 + Long.BYTES;

    private final Path folder;

    KernelCache(Path folder) {
        this.folder = folder;
    }

    /**
     * The folder of this process (see the class comment).
     *
     * @throws java.nio.file.InvalidPathException when the property or XDG_CACHE_HOME is not a path
     */
    static KernelCache ofThisProcess() {
        String explicit = System.getProperty(PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return new KernelCache(Path.of(explicit));
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && xdg.startsWith("/") ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return new KernelCache(base.resolve("dse4j").resolve("kernels"));
    }

    Path folder() {
        return folder;
    }

    /**
     * The entry's file for a cubin for {@code architecture} ("sm_86") by NVRTC {@code version} of what {@code key}
     * holds (the source, its headers and the options).
     */
    Path entry(String architecture, String nvrtcVersion, byte[] key) {
        String hash = java.util.HexFormat.of().formatHex(sha256(key)).substring(0, 16);
        return folder.resolve(architecture + "-nvrtc" + nvrtcVersion + "-" + hash + ".cubin");
    }

    /** The cubin kept at {@code entry}, or empty when there is none or it fails a check. */
    Optional<byte[]> read(Path entry) {
        byte[] file;
        try {
            file = Files.readAllBytes(entry);
        } catch (IOException | RuntimeException absent) {
            return Optional.empty();
        }
        if (file.length < HEADER || !Arrays.equals(file, 0, MAGIC_BYTES.length, MAGIC_BYTES, 0, MAGIC_BYTES.length)) {
            return Optional.empty();
        }
        ByteBuffer header = ByteBuffer.wrap(file, MAGIC_BYTES.length, 32 + Long.BYTES);
        byte[] digest = new byte[32];
        header.get(digest);
        long length = header.getLong();
        if (length != file.length - HEADER) {
            return Optional.empty();
        }
        byte[] cubin = Arrays.copyOfRange(file, HEADER, file.length);
        return MessageDigest.isEqual(digest, sha256(cubin)) ? Optional.of(cubin) : Optional.empty();
    }

    /** Keeps {@code cubin} at {@code entry}; returns false (and leaves no partial file) when it cannot. */
    boolean write(Path entry, byte[] cubin) {
        Path temporary = null;
        try {
            Files.createDirectories(folder);
            temporary = Files.createTempFile(folder, ".entry-", ".tmp");
            ByteBuffer file = ByteBuffer.allocate(HEADER + cubin.length);
            file.put(MAGIC_BYTES).put(sha256(cubin)).putLong(cubin.length).put(cubin);
            Files.write(temporary, file.array());
            try {
                Files.move(temporary, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException notAtomic) {
                Files.move(temporary, entry, StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        } catch (IOException | RuntimeException unwritable) {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // Nothing more can be done for a folder that refuses a delete.
                }
            }
            return false;
        }
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
