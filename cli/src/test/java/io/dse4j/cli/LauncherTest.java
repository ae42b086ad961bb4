package io.dse4j.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code dse4j} launcher at the repository root rebuilds the jar when a source is newer than it, and only then:
 * run on a copy of the launcher in a made-up repository, with a fake {@code mvn} that records its arguments and a
 * fake {@code java} (JAVA_HOME) that prints its own.
 */
class LauncherTest {

    @TempDir
    Path repo;

    private Path mvnLog;
    private Path bin;
    private Path tools;

    private static final Instant OLD = Instant.parse("2020-01-01T00:00:00Z");
    private static final Instant JAR_TIME = Instant.parse("2021-01-01T00:00:00Z");
    private static final Instant NEW = Instant.parse("2022-01-01T00:00:00Z");

    private record Run(int code, String out, String err) {
    }

    private Path write(String relative, String content, Instant time) throws IOException {
        Path file = repo.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(time));
        return file;
    }

    private void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @BeforeEach
    void makeRepository() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(root.resolve("dse4j")) && Files.isRegularFile(Path.of("/bin/bash")),
                "needs the launcher and bash");
        Files.copy(root.resolve("dse4j"), repo.resolve("dse4j"));
        Files.createDirectories(repo.resolve("ci"));
        for (String script : List.of("ci/find-jdk.sh", "ci/newer-source.sh")) {
            Files.copy(root.resolve(script), repo.resolve(script), StandardCopyOption.COPY_ATTRIBUTES);
            executable(repo.resolve(script));
        }
        executable(repo.resolve("dse4j"));
        for (String source : List.of("pom.xml", "java-api/pom.xml", "java-api/src/main/java/io/dse4j/A.java",
                "bindings/src/main/java/B.java", "cli/src/main/java/Main.java", "cli/src/test/java/MainTest.java",
                "native/src/dse4j_kernels.cu", "native/README.md", "java-api/target/classes/A.class")) {
            write(source, "x", OLD);
        }
        // A fake JDK 25 for find-jdk.sh, and a fake Maven that records its arguments and builds the jar.
        Path java = write("fake-jdk/bin/java", """
                #!/bin/bash
                if [[ "$1" == -XshowSettings:properties ]]; then echo "    java.specification.version = 25" >&2; exit 0; fi
                echo "java $*"
                """, OLD);
        executable(java);
        bin = Files.createDirectories(repo.resolve("fake-bin"));
        mvnLog = repo.resolve("mvn.log");
        Path mvn = write("fake-bin/mvn", """
                #!/bin/bash
                echo "$*" >> "%s"
                mkdir -p cli/target && echo jar > cli/target/dse4j-cli.jar
                """.formatted(mvnLog), OLD);
        executable(mvn);
        // The tools the scripts use, without the machine's mvn and java.
        tools = Files.createDirectories(repo.resolve("fake-tools"));
        for (String tool : List.of("bash", "dirname", "find", "grep", "sed", "head", "touch", "mkdir", "cat",
                "readlink", "sort", "mv", "rm")) {
            for (String folder : List.of("/usr/bin/", "/bin/")) {
                if (Files.isExecutable(Path.of(folder + tool))) {
                    executable(write("fake-tools/" + tool, "#!/bin/bash\nexec " + folder + tool + " \"$@\"\n", OLD));
                    break;
                }
            }
        }
    }

    private Run run(String mavenOptions, boolean withMaven) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("/bin/bash", repo.resolve("dse4j").toString(), "--version");
        builder.environment().put("JAVA_HOME", repo.resolve("fake-jdk").toString());
        builder.environment().put("PATH", (withMaven ? bin + ":" : "") + tools);
        builder.environment().put("DSE4J_VECTOR", "off");
        builder.environment().remove("DSE4J_JAVA_OPTS");
        if (mavenOptions != null) {
            builder.environment().put("DSE4J_MAVEN_OPTS", mavenOptions);
        } else {
            builder.environment().remove("DSE4J_MAVEN_OPTS");
        }
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return new Run(process.exitValue(), out, err);
    }

    private List<String> mavenCalls() throws IOException {
        return Files.exists(mvnLog) ? Files.readAllLines(mvnLog) : List.of();
    }

    private void ageJar() throws IOException {
        Files.setLastModifiedTime(repo.resolve("cli/target/dse4j-cli.jar"), FileTime.from(JAR_TIME));
    }

    @Test
    void buildsOnFirstUseThenOnlyWhenASourceIsNewer() throws IOException, InterruptedException {
        Run first = run("-o -Dextra=1", true);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.err().contains("dse4j: building the command-line jar (first use)..."), first.err());
        assertEquals(1, mavenCalls().size());
        assertTrue(mavenCalls().get(0).contains("-DskipTests"), mavenCalls().toString());
        assertTrue(mavenCalls().get(0).contains("-o -Dextra=1 package -pl cli -am"), mavenCalls().toString());
        assertTrue(first.out().contains("-jar " + repo.resolve("cli/target/dse4j-cli.jar") + " --version"),
                first.out());

        ageJar();
        Run again = run(null, true);
        assertEquals(0, again.code(), again.err());
        assertEquals("", again.err());
        assertEquals(1, mavenCalls().size(), "an up-to-date jar is not rebuilt");

        // Files that do not go into the jar do not count: tests, build outputs, documentation.
        for (String ignored : List.of("cli/src/test/java/MainTest.java", "java-api/target/classes/A.class",
                "native/README.md")) {
            Files.setLastModifiedTime(repo.resolve(ignored), FileTime.from(NEW));
        }
        assertEquals("", run(null, true).err());
        assertEquals(1, mavenCalls().size());

        Files.setLastModifiedTime(repo.resolve("java-api/src/main/java/io/dse4j/A.java"), FileTime.from(NEW));
        Run stale = run(null, true);
        assertEquals(0, stale.code(), stale.err());
        assertTrue(stale.err().contains("dse4j: rebuilding the command-line jar "
                + "(java-api/src/main/java/io/dse4j/A.java is newer than it)..."), stale.err());
        assertEquals(2, mavenCalls().size());
        assertEquals("", run(null, true).err(), "rebuilt once, then up to date");
        assertEquals(2, mavenCalls().size());
    }

    @Test
    void everyModuleTheCliIsBuiltFromCounts() throws IOException, InterruptedException {
        run(null, true);
        int calls = mavenCalls().size();
        for (String source : List.of("pom.xml", "java-api/pom.xml", "bindings/src/main/java/B.java",
                "cli/src/main/java/Main.java", "native/src/dse4j_kernels.cu")) {
            ageJar();
            Files.setLastModifiedTime(repo.resolve(source), FileTime.from(NEW));
            Run r = run(null, true);
            assertTrue(r.err().contains("(" + source + " is newer than it)"), source + ": " + r.err());
            assertEquals(++calls, mavenCalls().size(), source);
            Files.setLastModifiedTime(repo.resolve(source), FileTime.from(OLD));
        }
    }

    @Test
    void withoutMavenAStaleJarStillRunsWithAWarning() throws IOException, InterruptedException {
        run(null, true);
        ageJar();
        Files.setLastModifiedTime(repo.resolve("cli/src/main/java/Main.java"), FileTime.from(NEW));
        Run r = run(null, false);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().startsWith("dse4j: warning: the command-line jar is older than its sources"), r.err());
        assertTrue(r.out().contains("--version"), r.out());
        assertFalse(r.err().contains("building"), r.err());
    }

    /**
     * find-jdk.sh takes a JDK's version from its {@code release} file without starting it (the launcher runs it on
     * every call), starts only the chosen java, once, to see that it runs, and passes over one that does not.
     */
    @Test
    void findJdkReadsTheReleaseFileAndStartsOnlyTheJavaItChooses() throws IOException, InterruptedException {
        Path calls = repo.resolve("java-calls.log");
        Path java = write("release-jdk/bin/java", """
                #!/bin/bash
                echo "$*" >> "%s"
                if [[ "$1" == -XshowSettings:properties ]]; then echo "    java.specification.version = 17" >&2; fi
                exit 0
                """.formatted(calls), OLD);
        executable(java);
        write("release-jdk/release", "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"23.0.2\"\n", OLD);
        assertEquals(java.toString(), findJdk("release-jdk", "22"));
        assertEquals(List.of("-version"), Files.readAllLines(calls), "started once, only to see that it runs");

        // The same JDK when its java fails to start is not chosen, whatever its release file says.
        Files.writeString(java, "#!/bin/bash\nexit 1\n");
        String chosen = findJdk("release-jdk", "22");
        assertFalse(chosen.equals(java.toString()), chosen);
    }

    /**
     * With a cache file (the launcher's {@code cli/target/.java-binary}) the answer is found once and then given
     * without starting any java, until what it was found from changes: JAVA_HOME, the version asked for, or the
     * cached java itself no longer executable.
     */
    @Test
    void findJdkRemembersItsAnswerUntilWhatItWasFoundFromChanges() throws IOException, InterruptedException {
        Path calls = repo.resolve("java-calls.log");
        String script = """
                #!/bin/bash
                echo "$0 $*" >> "%s"
                exit 0
                """.formatted(calls);
        Path java23 = write("jdk-23/bin/java", script, OLD);
        executable(java23);
        write("jdk-23/release", "JAVA_VERSION=\"23.0.2\"\n", OLD);
        Path java24 = write("jdk-24/bin/java", script, OLD);
        executable(java24);
        write("jdk-24/release", "JAVA_VERSION=\"24.0.1\"\n", OLD);
        Path cache = repo.resolve("cli/target/.java-binary");

        assertEquals(java23.toString(), findJdk("jdk-23", "22", cache));
        assertEquals(1, Files.readAllLines(calls).size(), "the first answer is checked by starting it once");
        assertTrue(Files.isRegularFile(cache), "and kept");
        assertEquals(java23.toString(), findJdk("jdk-23", "22", cache));
        assertEquals(java23.toString(), findJdk("jdk-23", "22", cache));
        assertEquals(1, Files.readAllLines(calls).size(), "later answers start no java");

        assertEquals(java24.toString(), findJdk("jdk-24", "22", cache), "another JAVA_HOME is looked at");
        assertEquals(2, Files.readAllLines(calls).size());
        assertEquals(java24.toString(), findJdk("jdk-24", "22", cache));
        assertEquals(2, Files.readAllLines(calls).size());

        assertFalse(findJdk("jdk-24", "25", cache).equals(java24.toString()),
                "a higher version asked for is not answered from the cache");
        Files.delete(java24);
        assertFalse(findJdk("jdk-24", "22", cache).equals(java24.toString()), "a java that is gone is not given");
    }

    private String findJdk(String javaHome, String required) throws IOException, InterruptedException {
        return findJdk(javaHome, required, null);
    }

    private String findJdk(String javaHome, String required, Path cache) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("/bin/bash", repo.resolve("ci/find-jdk.sh")
                .toString(), required));
        if (cache != null) {
            command.add(cache.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("JAVA_HOME", repo.resolve(javaHome).toString());
        builder.environment().put("PATH", tools.toString());
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return out;
    }
}
