package io.dse4j.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code ```java} block of README.md compiles against the library as written: its {@code import} lines are
 * the compilation unit's imports, the rest the body of a method whose one parameter is what the snippets call
 * {@code points} (a {@code double[][]}, one point per row) — a user pasting a snippet under those imports gets no
 * compile error.
 */
class ReadmeSnippetsTest {

    @Test
    void everyJavaSnippetOfTheReadmeCompiles() throws IOException {
        Path readme = Path.of("..", "README.md");
        List<String> snippets = snippets(Files.readAllLines(readme));
        assertTrue(snippets.size() >= 2, "the README shows the API in Java: " + snippets.size() + " snippets");
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertNotNull(compiler, "the tests run on a JDK");
        Path out = Files.createTempDirectory("readme-snippets");
        for (int i = 0; i < snippets.size(); i++) {
            String source = unit("Snippet" + i, snippets.get(i));
            JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Snippet" + i + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            };
            StringWriter messages = new StringWriter();
            boolean compiled = compiler.getTask(messages, null, null, List.of("-classpath",
                    System.getProperty("java.class.path"), "-d", out.toString(), "-proc:none"), null,
                    List.of(file)).call();
            assertTrue(compiled, "README snippet " + (i + 1) + " does not compile:\n" + messages + "\n" + source);
        }
    }

    /** The ```java blocks of the README's lines. */
    static List<String> snippets(List<String> lines) {
        List<String> out = new ArrayList<>();
        StringBuilder current = null;
        for (String line : lines) {
            if (current == null && line.strip().equals("```java")) {
                current = new StringBuilder();
            } else if (current != null && line.strip().equals("```")) {
                out.add(current.toString());
                current = null;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        assertFalse(current != null, "a ```java block is not closed");
        return out;
    }

    /** A compilation unit: the snippet's imports, then its other lines as a method's body. */
    static String unit(String name, String snippet) {
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : snippet.split("\n")) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        return imports + "class " + name + " {\n    static void run(double[][] points) throws Exception {\n" + body
                + "    }\n}\n";
    }

    /**
     * The README's install for library users builds the core alone: its command selects java-api and what it needs
     * ({@code -pl java-api -am}), and java-api depends on no other module than the bindings and the native
     * libraries — so neither the command line nor the Spark module (whose first build downloads Spark) is built.
     */
    @Test
    void theLibraryInstallOfTheReadmeBuildsTheCoreAlone() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        assertTrue(readme.contains("mvn -B -DskipTests install -Prelease -pl java-api -am"), "the install command");
        String pom = Files.readString(Path.of("..", "java-api", "pom.xml"));
        java.util.regex.Matcher artifact = java.util.regex.Pattern.compile("<artifactId>(dse4j[^<]*)</artifactId>")
                .matcher(pom);
        List<String> modules = new ArrayList<>();
        while (artifact.find()) {
            modules.add(artifact.group(1));
        }
        assertTrue(modules.stream().allMatch(m -> List.of("dse4j-parent", "dse4j", "dse4j-bindings", "dse4j-native")
                .contains(m)), "java-api's dse4j modules: " + modules);
    }

    /** What the README's example commands write into the clone (runs/…) is ignored by git. */
    @Test
    void theReadmesExampleRunsAreIgnoredByGit() throws IOException {
        assertTrue(Files.readString(Path.of("..", "README.md")).contains("./dse4j example-run runs/demo"));
        assertTrue(Files.readAllLines(Path.of("..", ".gitignore")).contains("/runs/"), "runs/ in .gitignore");
    }
}
