package io.dse4j.internal.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file whole or not at all: the content goes to a temporary file beside it, which is forced to disk and
 * renamed over the target, so a reader — or a rerun after a crash — sees the old file or the new one, never a part.
 * The new file gets the permissions any file created there gets (the process's umask), not a temporary file's
 * owner-only ones.
 *
 * <p>Not API: {@link io.dse4j.io.NpyWriter} writes through it, and the command line of the same build (its tables,
 * plots and eigenvalue caches).
 */
public final class AtomicWrite {

    /** The names of the temporary files: {@code .NAME.<16 hex digits>.part} beside the target {@code NAME}. */
    private static final java.util.regex.Pattern TEMPORARY = java.util.regex.Pattern.compile(
            "\\..+\\.[0-9a-f]{1,16}\\.part");

    /** What is written. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicWrite() {
    }

    /**
     * Whether {@code file} is named as this class names its temporary files — one left by a process killed while
     * writing, or one being written now — which is never a file a caller wrote (for listings that must skip them).
     */
    public static boolean isTemporary(Path file) {
        return file.getFileName() != null && TEMPORARY.matcher(file.getFileName().toString()).matches();
    }

    /** Replaces {@code target} by {@code bytes}. */
    public static void replace(Path target, byte[] bytes) throws IOException {
        replace(target, out -> out.write(bytes));
    }

    /**
     * Replaces {@code target} by what {@code content} writes; when it or the write fails, the target is as it was and
     * no temporary file is left.
     */
    public static void replace(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            // Checked first: the rename would fail only after the content was written, and its error would name
            // the temporary file, which the caller never heard of.
            throw new java.nio.file.FileSystemException(absolute.toString(), null, "is a folder; give a file name");
        }
        Path temporary = null;
        try {
            FileChannel channel = null;
            for (int attempt = 0; channel == null; attempt++) {
                temporary = absolute.resolveSibling("." + absolute.getFileName() + "."
                        + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".part");
                try {
                    channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException taken) {
                    if (attempt > 100) {
                        throw taken;
                    }
                } catch (java.nio.file.FileSystemException cannot) {
                    temporary = null;     // nothing was created
                    throw new java.nio.file.FileSystemException(absolute.toString(), null, "cannot create a file "
                            + "in its folder (" + cannot.getClass().getSimpleName()
                            + (cannot.getReason() != null ? ": " + cannot.getReason() : "") + ")");
                }
            }
            try (FileChannel open = channel; OutputStream out = Channels.newOutputStream(open)) {
                // The content may close what it is given (a ZipOutputStream does); the channel must stay open to be
                // forced to disk.
                content.writeTo(new java.io.FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                });
                open.force(true);
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.FileSystemException cannot) {
                // The rename's error names the temporary file; the caller knows only the target.
                java.nio.file.FileSystemException named = new java.nio.file.FileSystemException(absolute.toString(),
                        null, "cannot be replaced (" + (cannot.getReason() != null ? cannot.getReason()
                                : cannot.getClass().getSimpleName()) + ")");
                named.initCause(cannot);
                throw named;
            }
        } catch (IOException | RuntimeException | Error failure) {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException cleanup) {
                    failure.addSuppressed(cleanup);
                }
            }
            throw failure;
        }
    }
}
