import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes the f32 loop classes of the CPU backend from their f64 twins, so that an algorithm is written once (as
 * EJML's {@code GenerateCode32} does): {@code F32Ops}, {@code ScalarFloatOps} and {@code PanamaFloatOps} are made
 * from {@code F64Ops}, {@code ScalarOps} and {@code PanamaOps} in {@code io.dse4j.internal.cpu}. The java-api build
 * runs it in the {@code generate-sources} phase (exec-maven-plugin, the toolchain's {@code java}) into
 * {@code target/generated-sources/f32-twins}, which it adds to the compiled sources; the f32 classes are in no
 * source folder. To run it by hand, from the repository root:
 *
 * <pre>
 * java java-api/src/main/codegen/GenerateF32Twins.java \
 *     java-api/src/main/java java-api/target/generated-sources/f32-twins
 * </pre>
 *
 * <p>A file is rewritten only when its text changes, so an unchanged build compiles nothing again. Any error (a
 * missing f64 file, a directive it does not know, an unclosed block) names the file and line and exits with 1,
 * failing the build.
 *
 * <p><b>The rules</b>, applied line by line to the f64 source outside the f32 text of a block below:
 * <ol>
 *   <li>each f64 class name of {@link #TWINS}, as a whole word, becomes its f32 twin's;
 *   <li>{@code DoubleVector} becomes {@code FloatVector}, {@code VectorSpecies<Double>} {@code VectorSpecies<Float>},
 *       {@code Precision.F64} {@code Precision.F32};
 *   <li>{@code double[} becomes {@code float[}: the arrays are of the element type. Scalar {@code double}s stay
 *       double (arguments, dot products, matrix-vector sums: the f32 loops accumulate in double).
 * </ol>
 * Where the twins differ, the f64 source says so with directives, comments starting with {@code //#}:
 * <ul>
 *   <li>{@code //#double x y} at the end of a line: the arrays {@code x} and {@code y} on that line stay
 *       {@code double[]} (the widened inputs and outputs of {@code load}, {@code store}, {@code symvColumns4});
 *   <li>{@code //#f32 text} at the end of a line: the f32 twin has {@code text} (as written, no rule applied) on
 *       that line instead, at the same indentation;
 *   <li>a block from a line {@code //#f64} to a line {@code //#end}: lines the f32 twin does not have; an
 *       {@code //#f32} line inside it starts the f32 twin's own lines, each written as a comment ({@code // code}),
 *       which the twin has uncommented and as written. A block may also start with {@code //#f32} (lines only the
 *       f32 twin has);
 *   <li>a block from {@code //#float} to {@code //#end}: every scalar {@code double} in it is of the element type
 *       too, {@code float} in the f32 twin (the scalar micro-kernel, which accumulates in the element type as BLAS's
 *       sgemm does).
 * </ul>
 * Text after a block's directive ({@code //#f64 why}) is a note for the reader; directive lines are left out of the
 * twin. The narrowing to the element type is written {@code narrow(x)}: a no-op in {@code F64Ops}, a
 * {@code (float)} cast in {@code F32Ops}.
 */
public final class GenerateF32Twins {

    /** The package the twins live in, as a path below the source root. */
    static final String PACKAGE = "io/dse4j/internal/cpu";

    /** Each f64 class and its f32 twin (the name of a class made from it). */
    static final Map<String, String> TWINS = new LinkedHashMap<>();

    static {
        TWINS.put("F64Ops", "F32Ops");
        TWINS.put("ScalarOps", "ScalarFloatOps");
        TWINS.put("PanamaOps", "PanamaFloatOps");
    }

    /** Rule 2, then rule 3 (rule 1 is made from {@link #TWINS}). */
    static final String[][] TYPE_RULES = {
            {"\\bDoubleVector\\b", "FloatVector"},
            {"\\bVectorSpecies<Double>", "VectorSpecies<Float>"},
            {"\\bPrecision\\.F64\\b", "Precision.F32"},
            {"\\bdouble\\[", "float["},
    };

    private static final Pattern DIRECTIVE_LINE = Pattern.compile("^(\\s*)//#(\\w+)\\b.*$");
    private static final Pattern TRAILING = Pattern.compile("^(.*?\\S)\\s*//#(\\w+)(?: (.*))?$");
    private static final Pattern F32_TEXT = Pattern.compile("^(\\s*)// ?(.*)$");

    private GenerateF32Twins() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: java GenerateF32Twins.java <source root, e.g. java-api/src/main/java> "
                    + "<output root, e.g. java-api/target/generated-sources/f32-twins>");
            System.exit(2);
        }
        Path sources = Path.of(args[0]);
        Path output = Path.of(args[1]);
        try {
            for (var twin : TWINS.entrySet()) {
                Path from = sources.resolve(PACKAGE).resolve(twin.getKey() + ".java");
                Path to = output.resolve(PACKAGE).resolve(twin.getValue() + ".java");
                String text = twin(twin.getKey(), from, Files.readAllLines(from, StandardCharsets.UTF_8));
                if (!Files.exists(to) || !Files.readString(to, StandardCharsets.UTF_8).equals(text)) {
                    Files.createDirectories(to.getParent());
                    Files.writeString(to, text, StandardCharsets.UTF_8);
                    System.out.println("GenerateF32Twins: wrote " + to + " from " + from);
                }
            }
            removeStrays(output.resolve(PACKAGE));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        } catch (IOException | UncheckedIOException e) {
            System.err.println("GenerateF32Twins: " + e);
            System.exit(1);
        }
    }

    /** Removes files in the output package that no twin makes (a twin renamed or dropped since the last build). */
    private static void removeStrays(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!TWINS.containsValue(name.replaceFirst("\\.java$", ""))) {
                    Files.delete(f);
                }
            }
        }
    }

    /**
     * The f32 twin of the f64 class {@code name}, whose source {@code lines} were read from {@code from}, header
     * included. A blank line that would follow another (where a block was left out) is left out too.
     */
    static String twin(String name, Path from, List<String> lines) {
        List<String> out = new ArrayList<>();
        out.add("// Generated from java-api/src/main/java/" + PACKAGE + "/" + name + ".java by");
        out.add("// java-api/src/main/codegen/GenerateF32Twins.java in the build's generate-sources phase.");
        out.add("// Do not edit: change " + name + ".java and build again.");
        String block = null;       // null, "f64", "f32" or "float"
        int blockStart = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String where = from + ":" + (i + 1);
            Matcher d = DIRECTIVE_LINE.matcher(line);
            if (d.matches()) {
                String directive = d.group(2);
                switch (directive) {
                    case "f64", "float" -> {
                        if (block != null) {
                            throw error(where, "//#" + directive + " inside the //#" + block + " block of line "
                                    + blockStart);
                        }
                        block = directive;
                        blockStart = i + 1;
                    }
                    case "f32" -> {
                        if (block != null && !block.equals("f64")) {
                            throw error(where, "//#f32 inside the //#" + block + " block of line " + blockStart);
                        }
                        if (block == null) {
                            blockStart = i + 1;
                        }
                        block = "f32";
                    }
                    case "end" -> {
                        if (block == null) {
                            throw error(where, "//#end with no block open");
                        }
                        block = null;
                    }
                    default -> throw error(where, "unknown directive //#" + directive
                            + " (known: //#f64, //#f32, //#end, //#float; at a line's end //#f32 and //#double)");
                }
                continue;
            }
            if ("f64".equals(block)) {
                continue;
            }
            if ("f32".equals(block)) {
                Matcher c = F32_TEXT.matcher(line);
                if (line.isBlank() || c.matches() && c.group(2).isBlank()) {
                    out.add("");
                } else if (c.matches()) {
                    out.add(c.group(1) + c.group(2));
                } else {
                    throw error(where, "a line of the f32 twin's own text must be a // comment");
                }
                continue;
            }
            out.add(convert(line, "float".equals(block), where));
        }
        if (block != null) {
            throw error(from.toString(), "the //#" + block + " block of line " + blockStart + " has no //#end");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < out.size(); i++) {
            if (!(out.get(i).isBlank() && i > 0 && out.get(i - 1).isBlank())) {
                text.append(out.get(i)).append('\n');
            }
        }
        return text.toString();
    }

    /** One line outside the f32 text of a block, through the rules and its own trailing directive. */
    static String convert(String line, boolean elementScalars, String where) {
        String keep = null;
        Matcher t = TRAILING.matcher(line);
        if (t.matches()) {
            String directive = t.group(2);
            String argument = t.group(3) == null ? "" : t.group(3).strip();
            if (argument.isEmpty()) {
                throw error(where, "//#" + directive + " at a line's end needs what follows it");
            }
            switch (directive) {
                case "f32" -> {
                    return line.substring(0, line.length() - line.stripLeading().length()) + argument;
                }
                case "double" -> keep = argument;
                default -> throw error(where, "unknown directive //#" + directive + " at a line's end (known: "
                        + "//#f32 text, //#double names)");
            }
            line = t.group(1);
        }
        for (var twin : TWINS.entrySet()) {
            line = line.replaceAll("\\b" + twin.getKey() + "\\b", twin.getValue());
        }
        for (String[] rule : TYPE_RULES) {
            line = line.replaceAll(rule[0], rule[1]);
        }
        if (elementScalars) {
            line = line.replaceAll("\\bdouble\\b", "float");
        }
        if (keep != null) {
            for (String name : keep.split("[\\s,]+")) {
                String kept = line.replaceAll("\\bfloat\\[\\] " + Pattern.quote(name) + "\\b", "double[] " + name);
                if (kept.equals(line)) {
                    throw error(where, "//#double " + name + ": no array " + name + " on this line");
                }
                line = kept;
            }
        }
        return line;
    }

    private static IllegalArgumentException error(String where, String message) {
        return new IllegalArgumentException(where + ": GenerateF32Twins: " + message);
    }
}
