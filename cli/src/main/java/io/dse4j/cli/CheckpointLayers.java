package io.dse4j.cli;

import io.dse4j.Matrix;
import io.dse4j.io.MatrixFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The layers of a checkpoint, for {@code track --layers}: the arrays of a {@code .npz} archive or a
 * {@code .safetensors} file, or the files of a folder that holds one file per layer (each layer named by its file's
 * name without the extension). The layers a pattern chooses are listed in natural order ({@code block2} before
 * {@code block10}), whatever order the file stores them in, so every checkpoint's rows come in the same order.
 *
 * <p>The pattern is a comma-separated list of globs over the layers' names — {@code *} any run of characters
 * (dots and slashes included: {@code encoder.layer.*} takes every layer under the encoder), {@code ?} one character
 * — or {@code all}.
 */
final class CheckpointLayers {

    /** The files a folder checkpoint's layers may be (one array each). */
    static final Set<String> LAYER_EXTENSIONS = Set.of(".npy", ".csv", ".tsv", ".txt");
    /** The files that hold several arrays, each a layer. */
    static final Set<String> ARCHIVE_EXTENSIONS = Set.of(".npz", ".safetensors");

    private CheckpointLayers() {
    }

    /** A checkpoint's layers: name → the file holding it and, in an archive, its key (null for a file of its own). */
    record Layer(String name, Path file, String key) {
        Matrix read() throws IOException {
            return MatrixFiles.read(file, key);
        }
    }

    /** Whether {@code path} can be a checkpoint of layers: a folder, or a file of several arrays. */
    static boolean holdsLayers(Path path) {
        return Files.isDirectory(path) || ARCHIVE_EXTENSIONS.contains(extension(path));
    }

    /**
     * The layers of {@code checkpoint} whose names {@code pattern} matches, in natural order.
     *
     * @param shown the checkpoint's name in messages
     * @throws UsageException when the checkpoint holds no layers, or the pattern matches none of them (naming them)
     */
    static List<Layer> chosen(Path checkpoint, String pattern, String shown) throws IOException {
        Map<String, Layer> all = all(checkpoint, shown);
        Pattern matcher = pattern(pattern);
        List<Layer> out = new ArrayList<>();
        for (Layer layer : all.values()) {
            if (matcher.matcher(layer.name()).matches()) {
                out.add(layer);
            }
        }
        if (out.isEmpty()) {
            List<String> names = new ArrayList<>(all.keySet());
            throw new UsageException("--layers " + pattern + " matches none of the " + names.size() + " arrays of "
                    + "checkpoint " + shown + " (" + String.join(", ", names.size() <= 20 ? names
                            : names.subList(0, 20)) + (names.size() > 20 ? ", … and " + (names.size() - 20)
                                    + " more" : "") + ")");
        }
        return out;
    }

    /** Every layer of {@code checkpoint}, by name, in natural order. */
    private static Map<String, Layer> all(Path checkpoint, String shown) throws IOException {
        List<Layer> layers = new ArrayList<>();
        if (Files.isDirectory(checkpoint)) {
            for (Path file : layerFiles(checkpoint)) {
                String name = file.getFileName().toString();
                layers.add(new Layer(name.substring(0, name.lastIndexOf('.')), file, null));
            }
        } else if (ARCHIVE_EXTENSIONS.contains(extension(checkpoint))) {
            for (String key : MatrixFiles.keys(checkpoint)) {
                layers.add(new Layer(key, checkpoint, key));
            }
        } else {
            throw new UsageException("--layers: checkpoint " + shown + " holds one array; layers are the arrays of "
                    + "a .npz or .safetensors file, or the .npy, .csv, .tsv or .txt files of a folder (one per layer)");
        }
        layers.sort((a, b) -> Checkpoints.compareNaturally(a.name(), b.name()));
        Map<String, Layer> byName = new LinkedHashMap<>();
        for (Layer layer : layers) {
            Layer before = byName.putIfAbsent(layer.name(), layer);
            if (before != null) {
                throw new UsageException("checkpoint " + shown + " holds two arrays named '" + layer.name() + "' ("
                        + before.file().getFileName() + " and " + layer.file().getFileName() + "); keep one");
            }
        }
        if (byName.isEmpty()) {
            throw new UsageException("checkpoint " + shown + " holds no arrays (a folder checkpoint holds one .npy, "
                    + ".csv, .tsv or .txt file per layer)");
        }
        return byName;
    }

    /**
     * The regular expression of a --layers pattern: {@code all}, or comma-separated globs ({@code *}: any run of
     * characters, {@code ?}: one; every other character stands for itself).
     */
    static Pattern pattern(String pattern) {
        if (pattern.equals("all")) {
            return Pattern.compile("(?s).*");
        }
        StringBuilder regex = new StringBuilder("(?s)");
        String[] globs = pattern.split(",", -1);
        for (int g = 0; g < globs.length; g++) {
            String glob = globs[g].strip();
            if (glob.isEmpty()) {
                throw new UsageException("--layers '" + pattern + "' has an empty name between its commas; give "
                        + "globs such as 'block*,head' or all");
            }
            regex.append(g == 0 ? "" : "|");
            StringBuilder literal = new StringBuilder();
            for (char c : glob.toCharArray()) {
                if (c == '*' || c == '?') {
                    regex.append(Pattern.quote(literal.toString())).append(c == '*' ? ".*" : ".");
                    literal.setLength(0);
                } else {
                    literal.append(c);
                }
            }
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString());
    }

    /**
     * A folder checkpoint's layer files, by name: its regular files of {@link #LAYER_EXTENSIONS}, dse4j's lock and
     * temporary files left out. What {@link CheckpointIdentity} digests for the folder and what its layers are read
     * from.
     */
    static List<Path> layerFiles(Path folder) throws IOException {
        try (Stream<Path> listed = Files.list(folder)) {
            return listed.filter(p -> Files.isRegularFile(p) && LAYER_EXTENSIONS.contains(extension(p))
                    && !TableLock.isLockFile(p) && !io.dse4j.internal.io.AtomicWrite.isTemporary(p)).sorted().toList();
        }
    }

    private static String extension(Path p) {
        return p.getFileName() == null ? "" : Checkpoints.extension(p);
    }
}
