package io.dse4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;

/**
 * Which content a checkpoint file had when its row was computed: its size, its modification time and the SHA-256 of
 * all its bytes, recorded with the row in {@code track}'s table. A checkpoint that is a folder of layer files
 * ({@code track --layers}) is identified by its files together: the sum of their sizes, the latest of their times
 * and the folder's own (which changes when a file is added or removed), and the SHA-256 of the list of the files'
 * names and digests.
 *
 * <p>The digest is of the whole file, not of a sample of it: a training script may rewrite a checkpoint in place
 * with the same size, and a copy may keep the old modification time ({@code cp -p}, {@code rsync -t}), so only the
 * content itself says whether the row still describes the file. It costs one read of the file: 0.1 s for 100 MB
 * from the page cache on this project's 2-core machine (0.28 s cold), against the matrix read and the O(N³)
 * decomposition the row stands for.
 *
 * @param size     bytes
 * @param modified the last modification time
 * @param sha256   the SHA-256 of the content, lower-case hex
 */
record CheckpointIdentity(long size, Instant modified, String sha256) {

    /** A file's size and modification time: what a look costs nothing to learn, and what a write changes. */
    record Stat(long size, Instant modified) {

        /** Whether the file was last written at least {@code quiet} before {@code now}. */
        boolean quietSince(Instant now, java.time.Duration quiet) {
            return !modified.isAfter(now.minus(quiet));
        }
    }

    Stat stat() {
        return new Stat(size, modified);
    }

    /** The file's size and modification time, or null when it does not exist (any more). */
    static Stat stat(Path file) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isDirectory()) {
                return new Stat(a.size(), a.lastModifiedTime().toInstant());
            }
            long size = 0;
            Instant latest = a.lastModifiedTime().toInstant();
            for (Path layer : CheckpointLayers.layerFiles(file)) {
                BasicFileAttributes b = Files.readAttributes(layer, BasicFileAttributes.class);
                size += b.size();
                latest = b.lastModifiedTime().toInstant().isAfter(latest) ? b.lastModifiedTime().toInstant() : latest;
            }
            return new Stat(size, latest);
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    /**
     * The file's identity: its size and time looked at before its content is digested. A write during the digest
     * shows as a time the caller's next look disagrees with.
     */
    static CheckpointIdentity of(Path file) throws IOException {
        Stat stat = stat(file);
        if (stat == null) {
            throw new NoSuchFileException(file.toString());
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        if (Files.isDirectory(file)) {
            for (Path layer : CheckpointLayers.layerFiles(file)) {
                String line = layer.getFileName() + "\0" + of(layer).sha256() + "\n";
                sha.update(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        } else {
            byte[] buffer = new byte[1 << 20];
            try (InputStream in = Files.newInputStream(file)) {
                for (int read; (read = in.read(buffer)) > 0;) {
                    sha.update(buffer, 0, read);
                }
            }
        }
        return new CheckpointIdentity(stat.size(), stat.modified(), java.util.HexFormat.of().formatHex(sha.digest()));
    }

    /** Whether the content is the same: the size and the digest (the time alone changes when a file is touched). */
    boolean sameContent(CheckpointIdentity other) {
        return size == other.size && sha256.equals(other.sha256);
    }

    /** What changed from {@code before} to this, for a message: the size, else the content. */
    String changeFrom(CheckpointIdentity before) {
        return size != before.size ? "its size went from " + before.size + " to " + size + " bytes"
                : "its content changed: SHA-256 " + before.sha256.substring(0, 12) + "… → " + sha256.substring(0, 12)
                        + "…";
    }
}
