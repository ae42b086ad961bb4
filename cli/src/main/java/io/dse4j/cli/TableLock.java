package io.dse4j.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The lock that keeps a second {@code track} run off a table while one writes it: an OS file lock on
 * {@code .NAME.lock} beside the table, held for the run and removed when it ends.
 *
 * <p>Removing it is what makes taking it delicate: a run that opened the lock file just before its holder deleted it
 * would lock a file no other run can see any more, while a third run creates and locks a new one — two writers. So a
 * run, once it holds the lock, writes a token of its own through its channel and reads the file back through its
 * name: only when it finds its token does the name still lead to the file it locked (only the holder of a file's
 * lock writes to it); otherwise it lets go and tries again.
 */
final class TableLock implements AutoCloseable {

    private static final Pattern NAME = Pattern.compile("\\..+\\.lock");

    private final Path file;
    private FileChannel channel;

    private TableLock(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** The lock file of {@code table}: {@code .NAME.lock} beside it. */
    static Path of(Path table) {
        Path absolute = table.toAbsolutePath();
        return absolute.resolveSibling("." + absolute.getFileName() + ".lock");
    }

    /** Whether a file is named as a table's lock file is (never a checkpoint, whoever's lock it is). */
    static boolean isLockFile(Path p) {
        return p.getFileName() != null && NAME.matcher(p.getFileName().toString()).matches();
    }

    /**
     * Takes the lock of {@code table}, or refuses when another run holds it.
     *
     * @throws UsageException when another run (or this process) holds it
     */
    static TableLock take(Path table) throws IOException {
        Path file = of(table);
        byte[] token = ("pid " + ProcessHandle.current().pid() + " "
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "\n").getBytes(StandardCharsets.UTF_8);
        for (int attempt = 0;; attempt++) {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock held;
            try {
                held = channel.tryLock();
            } catch (OverlappingFileLockException inThisProcess) {
                held = null;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (held == null) {
                channel.close();
                throw new UsageException("--out " + table + " is being written by another dse4j track run (it "
                        + "holds " + file + "); wait for it to end, or give another --out");
            }
            try {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(token), 0);
                if (Arrays.equals(token, readOrNull(file))) {
                    return new TableLock(file, channel);
                }
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            // The name leads elsewhere: the file was deleted by the run that held it (and maybe made anew).
            channel.close();
            if (attempt == 100) {
                throw new IOException(file + ": the lock file keeps being replaced; is another program deleting it?");
            }
        }
    }

    private static byte[] readOrNull(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    /** Removes the lock file, then lets go of the lock (in that order: see the class comment). Idempotent. */
    @Override
    public void close() throws IOException {
        if (channel == null) {
            return;
        }
        FileChannel held = channel;
        channel = null;
        boolean removed = false;
        try {
            Files.deleteIfExists(file);
            removed = true;
        } catch (IOException openFilesCannotBeDeletedHere) {
            // A system that refuses to delete an open file (Windows) gets it deleted after the lock is let go.
        } finally {
            held.close();     // releases the lock
        }
        if (!removed) {
            Files.deleteIfExists(file);
        }
    }
}
