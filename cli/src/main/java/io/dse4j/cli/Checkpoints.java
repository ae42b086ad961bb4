package io.dse4j.cli;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoint files of {@code dse4j track}: each argument a file, a directory (its matrix files) or a glob
 * ({@code runs/exp1/epoch_*.npy}; {@code **} crosses folders), in natural order ({@code epoch_2} before
 * {@code epoch_10}), each with its order key: the number that {@code --order-by REGEX} finds in the file name (its
 * first group, else the whole match), or by default the file name's last number, or else its place in the order.
 */
final class Checkpoints {

    /** The extensions a directory's matrix files have (those {@link io.dse4j.io.MatrixFiles} reads). */
    private static final Set<String> MATRIX_EXTENSIONS = Set.of(".npy", ".npz", ".safetensors", ".csv", ".tsv",
            ".txt");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern GLOB = Pattern.compile("[*?\\[{]");

    /** One checkpoint: its name in the table (the path as matched), the file, and its place on the curve. */
    record Checkpoint(String name, Path file, double order) {
    }

    private Checkpoints() {
    }

    /**
     * The files the arguments name, in natural order, without repeats, without {@code excluded} (the labels,
     * inputs, table, sidecar and plot of the run, compared by real path) and without lock and temporary files;
     * refuses an argument that matches none, unless {@code mayMatchNothing} (under --follow, where it may match later).
     */
    static List<Path> expand(List<String> arguments, Set<Path> excluded, boolean mayMatchNothing) throws IOException {
        return expand(arguments, excluded, mayMatchNothing, false);
    }

    /**
     * As {@link #expand(List, Set, boolean)}; with {@code layered} (track --layers) the checkpoints are the files of
     * several arrays and the folders of one file per layer ({@link CheckpointLayers}): a folder argument gives its
     * subfolders and .npz/.safetensors files, or — when it has none — itself, and a glob matches folders too.
     */
    static List<Path> expand(List<String> arguments, Set<Path> excluded, boolean mayMatchNothing, boolean layered)
            throws IOException {
        return expand(arguments, excluded, mayMatchNothing, layered, skipped -> {});
    }

    /**
     * As {@link #expand(List, Set, boolean, boolean)}, telling {@code skipped} which files of a folder argument were
     * not taken (see {@link #runFiles}).
     */
    static List<Path> expand(List<String> arguments, Set<Path> excluded, boolean mayMatchNothing, boolean layered,
                             java.util.function.Consumer<String> skipped) throws IOException {
        Set<Path> files = new LinkedHashSet<>();
        for (String argument : arguments) {
            List<Path> matched = new ArrayList<>();
            List<Path> found = matches(argument, layered);
            if (!GLOB.matcher(argument).find() && Files.isDirectory(Path.of(argument))) {
                List<Path> others = runFiles(found);
                if (!others.isEmpty()) {
                    found = new ArrayList<>(found);
                    found.removeAll(others);
                    skipped.accept("--checkpoints " + argument + ": not taken as checkpoints: " + String.join(", ",
                            others.stream().map(p -> p.getFileName().toString()).sorted().toList())
                            + " (a track table, or no number in the name where the checkpoints have one); name them "
                            + "or give a glob to measure them");
                }
            }
            for (Path p : found) {
                // dse4j's own scratch files — a table's lock, a file being replaced — are never checkpoints,
                // whichever run they belong to ('DIR/**' matches them as well as the run's outputs).
                if (!excluded.contains(real(p)) && !TableLock.isLockFile(p)
                        && !io.dse4j.internal.io.AtomicWrite.isTemporary(p)) {
                    matched.add(p);
                }
            }
            if (matched.isEmpty() && !mayMatchNothing) {
                throw new UsageException("--checkpoints " + argument + ": " + (GLOB.matcher(argument).find()
                        ? "the pattern matches no file" : Files.isDirectory(Path.of(argument))
                                ? "the folder holds no .npy, .npz, .safetensors, .csv, .tsv or .txt file"
                        : "no such file"));
            }
            files.addAll(matched);
        }
        List<Path> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparing(Path::toString, Checkpoints::compareNaturally));
        return sorted;
    }

    /**
     * The files of a folder argument that belong to the run rather than being checkpoints: dse4j track tables (a
     * CSV whose first line is a track header, or with a {@code NAME.json} beside it) and, when some files' names
     * carry a number and others' do not, those without one — a run's folder holds {@code epoch_3.npy} beside
     * {@code labels.npy}, {@code inputs.npy} and the table.
     */
    static List<Path> runFiles(List<Path> files) {
        List<Path> out = new ArrayList<>();
        boolean someNumbered = files.stream().anyMatch(f -> DIGITS.matcher(fileName(f)).find());
        for (Path f : files) {
            boolean table = Files.exists(TrackSidecar.of(f)) || extension(f).equals(".csv") && isTrackTable(f);
            if (table || someNumbered && !DIGITS.matcher(fileName(f)).find()) {
                out.add(f);
            }
        }
        return out;
    }

    private static boolean isTrackTable(Path csv) {
        try (var reader = Files.newBufferedReader(csv, java.nio.charset.StandardCharsets.UTF_8)) {
            String first = reader.readLine();
            return first != null && (TrackTableFormat.isHeader(first) || first.startsWith(TrackTableFormat.OLD_MARK));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;     // unreadable or not text: a checkpoint's own problem, reported when it is read
        }
    }

    /** The file's real path (links resolved), or its absolute normal form when it cannot be resolved. */
    static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /**
     * A checkpoint's name in the table: its path relative to the working folder when it lies under it, else its
     * absolute path, normalised either way — so {@code ./run/e1.npy} and {@code run/e1.npy} are one checkpoint.
     */
    static String name(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath().normalize();
        return (absolute.startsWith(here) ? here.relativize(absolute) : absolute).toString();
    }

    private static List<Path> matches(String argument, boolean layered) throws IOException {
        Matcher glob = GLOB.matcher(argument);
        if (!glob.find()) {
            Path path = Path.of(argument);
            if (Files.isDirectory(path)) {
                List<Path> listed;
                try (Stream<Path> children = Files.list(path)) {
                    listed = children.toList();
                }
                if (layered) {
                    List<Path> checkpoints = listed.stream().filter(p -> Files.isDirectory(p)
                            || Files.isRegularFile(p) && CheckpointLayers.holdsLayers(p)).toList();
                    return !checkpoints.isEmpty() ? checkpoints : listed.stream().anyMatch(p -> Files.isRegularFile(p)
                            && CheckpointLayers.LAYER_EXTENSIONS.contains(extension(p))) ? List.of(path) : List.of();
                }
                return listed.stream().filter(p -> Files.isRegularFile(p) && MATRIX_EXTENSIONS.contains(extension(p)))
                        .toList();
            }
            return Files.isRegularFile(path) ? List.of(path) : List.of();
        }
        // The folder before the first wildcard is walked; the pattern is matched against the paths under it.
        int cut = argument.lastIndexOf('/', glob.start());
        Path base = cut < 0 ? Path.of("") : Path.of(argument.substring(0, cut + 1));
        if (!Files.isDirectory(base.toString().isEmpty() ? Path.of(".") : base)) {
            return List.of();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + argument);
        int depth = argument.contains("**") ? Integer.MAX_VALUE
                : (int) argument.substring(cut + 1).chars().filter(c -> c == '/').count() + 1;
        List<Path> found = new ArrayList<>();
        Path start = base.toString().isEmpty() ? Path.of(".") : base;
        // walkFileTree rather than Files.walk: a file that vanishes or a folder that cannot be read while the walk
        // runs (a training script renaming its checkpoint into place) is skipped, not an error.
        Files.walkFileTree(start, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), depth,
                new java.nio.file.SimpleFileVisitor<>() {
                    @Override
                    public java.nio.file.FileVisitResult preVisitDirectory(Path p,
                                                                           java.nio.file.attribute.BasicFileAttributes a) {
                        Path shown = base.toString().isEmpty() ? Path.of(".").relativize(p) : p;
                        if (layered && !shown.toString().isEmpty() && matcher.matches(shown)) {
                            found.add(shown);
                        }
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }

                    @Override
                    public java.nio.file.FileVisitResult visitFile(Path p,
                                                                   java.nio.file.attribute.BasicFileAttributes a) {
                        Path shown = base.toString().isEmpty() ? Path.of(".").relativize(p) : p;
                        // Files.isRegularFile follows a symbolic link (a checkpoint linked into the run's folder).
                        // A folder at the walk's depth limit comes here too: a layered checkpoint may be one.
                        if (matcher.matches(shown) && (Files.isRegularFile(p) || layered && Files.isDirectory(p))) {
                            found.add(shown);
                        }
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }

                    @Override
                    public java.nio.file.FileVisitResult visitFileFailed(Path p, IOException e) {
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }
                });
        return found;
    }

    /** The checkpoints of {@code files} (in that order) with their order keys. */
    static List<Checkpoint> ordered(List<Path> files, Pattern orderBy) {
        List<Checkpoint> out = new ArrayList<>();
        boolean everyNameHasANumber = files.stream().allMatch(f -> DIGITS.matcher(fileName(f)).find());
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            String name = fileName(file);
            double order;
            if (orderBy != null) {
                Matcher m = orderBy.matcher(name);
                if (!m.find()) {
                    throw new UsageException("--order-by " + orderBy.pattern() + " finds nothing in checkpoint "
                            + file);
                }
                String found = m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : m.group();
                try {
                    order = Double.parseDouble(found);
                } catch (NumberFormatException e) {
                    throw new UsageException("--order-by " + orderBy.pattern() + " finds '" + found
                            + "' in checkpoint " + file + ", which is not a number; use a group around the digits,"
                            + " as in 'epoch_(\\d+)'");
                }
            } else if (everyNameHasANumber) {
                Matcher m = DIGITS.matcher(name);
                String last = null;
                while (m.find()) {
                    last = m.group();
                }
                order = Double.parseDouble(last);
            } else {
                order = i + 1;
            }
            out.add(new Checkpoint(name(file), file, order));
        }
        if (orderBy != null) {
            out.sort(Comparator.comparingDouble(Checkpoint::order));
        }
        return out;
    }

    /**
     * Natural order: runs of digits compare as numbers (2 before 10), everything else character by character;
     * equal numbers with different zero padding fall back to the text.
     */
    static int compareNaturally(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (isDigit(ca) && isDigit(cb)) {
                int ei = i;
                int ej = j;
                while (ei < a.length() && isDigit(a.charAt(ei))) {
                    ei++;
                }
                while (ej < b.length() && isDigit(b.charAt(ej))) {
                    ej++;
                }
                String da = a.substring(i, ei).replaceFirst("^0+(?=.)", "");
                String db = b.substring(j, ej).replaceFirst("^0+(?=.)", "");
                int byNumber = da.length() != db.length() ? Integer.compare(da.length(), db.length())
                        : da.compareTo(db);
                if (byNumber != 0) {
                    return byNumber;
                }
                i = ei;
                j = ej;
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        int byLength = Integer.compare(a.length() - i, b.length() - j);
        return byLength != 0 ? byLength : a.compareTo(b);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String fileName(Path p) {
        return p.getFileName().toString();
    }

    /** The file name's extension, lower case with its dot ({@code .npy}), or empty. */
    static String extension(Path p) {
        String name = fileName(p).toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot);
    }
}
