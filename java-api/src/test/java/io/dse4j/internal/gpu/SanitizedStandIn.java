package io.dse4j.internal.gpu;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gpu-stand-in-sanitized test run ({@code -Ddse4j.test.sanitized=true}, java-api's POM): a test class extended
 * with this condition runs there on the stand-in built with AddressSanitizer and UndefinedBehaviorSanitizer — and is
 * skipped, saying why, when native/build.sh could not build that library because the compiler has no sanitizer
 * runtime. In every other run the condition does nothing.
 */
final class SanitizedStandIn implements ExecutionCondition {

    static final String PROPERTY = "dse4j.test.sanitized";

    private static final AtomicBoolean SAID = new AtomicBoolean();

    /** Whether this JVM is the sanitized run's. */
    static boolean sanitizedRun() {
        return Boolean.getBoolean(PROPERTY);
    }

    /** The library the run loads as CUDA (the sanitized stand-in in the sanitized run). */
    static Path library() {
        return Path.of(System.getProperty("dse4j.cuda.libraries", ""));
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (!sanitizedRun()) {
            return ConditionEvaluationResult.enabled("not the sanitized run");
        }
        if (Files.isRegularFile(library())) {
            return ConditionEvaluationResult.enabled("the sanitized stand-in is " + library());
        }
        String reason = "the sanitized CUDA stand-in " + library() + " was not built: the compiler has no "
                + "AddressSanitizer/UndefinedBehaviorSanitizer runtime (native/build.sh said so; on Debian/Ubuntu "
                + "install libasan8 and libubsan1, or the versions that match gcc); the sanitized run is skipped";
        if (SAID.compareAndSet(false, true)) {
            System.err.println("dse4j tests: " + reason);
        }
        return ConditionEvaluationResult.disabled(reason);
    }
}
