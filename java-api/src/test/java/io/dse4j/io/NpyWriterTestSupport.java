package io.dse4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds .npz archives from .npy byte streams made by hand ({@link NpyFiles}), for the readers' tests. */
final class NpyWriterTestSupport {

    private NpyWriterTestSupport() {
    }

    /** An archive of the members given as (key, .npy bytes) pairs, in that order. */
    static void npz(Path file, Object... keysAndBytes) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < keysAndBytes.length; i += 2) {
                zip.putNextEntry(new ZipEntry(keysAndBytes[i] + ".npy"));
                zip.write((byte[]) keysAndBytes[i + 1]);
                zip.closeEntry();
            }
        }
    }
}
