package io.dse4j.internal.gpu;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code cpu} never touches native code, and neither does {@code auto} on a machine without an NVIDIA driver: a
 * fresh JVM on the class path without {@code --enable-native-access} prints no restricted-method warning and maps
 * no CUDA library.
 */
class NoNativeAccessTest {

    private record Run(int code, List<String> out, String err) {
    }

    private static Run run(String backend) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                SelectionMain.class.getName(), backend);
        builder.environment().remove(CudaLibraries.ENVIRONMENT);
        builder.environment().remove("DSE4J_BACKEND");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        Path err = Files.createTempFile("dse4j-native-access", ".err");
        try {
            Process process = builder.redirectError(err.toFile()).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
            return new Run(process.exitValue(), out.lines().toList(), Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Test
    void cpuTouchesNoNativeCode() throws IOException, InterruptedException {
        Run r = run("cpu");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("selection=backend cpu (requested cpu by argument)"), r.out().toString());
        assertTrue(r.out().contains("cuda-mapped=false"), r.out().toString());
        assertTrue(!r.err().contains("WARNING"), r.err());
    }

    @Test
    void autoWithoutADriverFallsBackWithoutNativeCode() throws IOException, InterruptedException {
        assumeTrue(!DriverPresence.look().driverMayBePresent(), "this machine shows an NVIDIA driver");
        Run r = run("auto");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cuda-mapped=false"), r.out().toString());
        assertTrue(!r.err().contains("restricted method"), r.err());
        assertTrue(r.out().stream().anyMatch(line -> line.startsWith("selection=backend cpu (requested auto by "
                + "argument; GPU unavailable: no NVIDIA driver: ")), r.out().toString());
        // Two builds, one INFO line (the JVM's default logging): the short sentence, not the reasons.
        List<String> info = r.err().lines().filter(line -> line.startsWith("INFO: ")).toList();
        assertEquals(1, info.size(), r.err());
        // The message carries no "dse4j:" of its own: the log's source line names io.dse4j.
        assertTrue(info.get(0).startsWith("INFO: found ") && info.get(0).endsWith("; using the CPU backend "
                + "(--backend gpu, or -Ddse4j.backend=gpu, for details)"), r.err());
    }
}
