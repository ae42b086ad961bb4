package io.dse4j.internal.io;

import io.dse4j.io.NpyWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replacing a file whole or not at all, with the permissions of an ordinary new file and no temporary left; a failure
 * names the file the caller gave, never the temporary; the temporaries are recognisable by name.
 */
class AtomicWriteTest {

    @TempDir
    Path dir;

    @Test
    void theNewContentReplacesTheOldWithOrdinaryPermissions() throws IOException {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path target = dir.resolve("table.csv");
        AtomicWrite.replace(target, new byte[] {1, 2, 3});
        AtomicWrite.replace(target, new byte[] {4, 5});
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(target));
        Path ordinary = Files.createFile(dir.resolve("ordinary"));
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(ordinary)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(target)),
                "as any file created here, not owner-only as a temporary file");
        NpyWriter.writeDoubles(dir.resolve("x.npy"), new double[] {1}, 1);
        assertEquals(Files.getPosixFilePermissions(ordinary), Files.getPosixFilePermissions(dir.resolve("x.npy")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(3, files.count(), "no temporary file left");
        }
    }

    @Test
    void contentThatClosesItsStreamIsStillForcedToDisk() throws IOException {
        Path target = dir.resolve("e.npz");
        AtomicWrite.replace(target, out -> {
            out.write(42);
            out.close();
        });
        assertArrayEquals(new byte[] {42}, Files.readAllBytes(target));
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path target = dir.resolve("plot.png");
        AtomicWrite.replace(target, new byte[] {7});
        IOException failure = new IOException("disk full");
        assertEquals(failure, assertThrows(IOException.class, () -> AtomicWrite.replace(target, out -> {
            out.write(new byte[] {8, 9});
            throw failure;
        })));
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void aFolderInTheTargetsPlaceIsNamedNotTheTemporaryFile() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("clusters"));
        java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
                () -> AtomicWrite.replace(folder, new byte[] {1}));
        assertEquals(folder.toAbsolutePath().toString(), e.getFile());
        assertTrue(e.getMessage().contains("is a folder"), e.getMessage());
        assertFalse(e.getMessage().contains(".part"), "the temporary file is not the caller's business: "
                + e.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "nothing written beside it");
        }
    }

    @Test
    void theTemporaryFilesAreRecognisedByName() throws IOException {
        Path target = dir.resolve("t.csv");
        Path[] seen = new Path[1];
        AtomicWrite.replace(target, out -> {
            try (Stream<Path> files = Files.list(dir)) {
                seen[0] = files.filter(p -> !p.equals(target)).findFirst().orElseThrow();
            }
            out.write(1);
        });
        assertTrue(AtomicWrite.isTemporary(seen[0]), "the file written meanwhile: " + seen[0]);
        assertFalse(AtomicWrite.isTemporary(target));
        assertFalse(AtomicWrite.isTemporary(Path.of("epoch.part")));
        assertFalse(AtomicWrite.isTemporary(Path.of(".t.csv.lock")));
    }
}
