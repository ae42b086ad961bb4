package io.dse4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which backend the backend-generic tests must run on: {@code -Ddse4j.test.backend} (cpu by default). The guard
 * {@link #assertInUse} fails a test whose computation ran elsewhere, so a silent fallback cannot pass.
 */
public final class TestBackend {

    private TestBackend() {
    }

    public static BackendKind required() {
        return BackendKind.parse(System.getProperty("dse4j.test.backend", "cpu"), "dse4j.test.backend");
    }

    public static void assertInUse(BackendSelection selection) {
        String expected = required().label();
        String chosen = selection.chosen();
        assertEquals(expected, chosen.split(" ")[0], "this suite must run on the " + expected
                + " backend but ran on " + chosen + ": " + selection.describe());
    }
}
