package io.dse4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dse4j.io.MatrixFiles;
import io.dse4j.io.NpyArray;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The official implementation's outputs, copied from shared/reference into the test resources (see the README
 * there): the definition of "correct" for this project.
 */
public final class ReferenceData {

    private static JsonNode expected;

    private ReferenceData() {
    }

    /** The parsed expected.json. */
    public static synchronized JsonNode expected() {
        if (expected == null) {
            try (InputStream in = ReferenceData.class.getResourceAsStream("/reference/expected.json")) {
                expected = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return expected;
    }

    /** A case by name. */
    public static JsonNode referenceCase(String name) {
        JsonNode node = expected().path("cases").path(name);
        if (node.isMissingNode()) {
            throw new IllegalArgumentException("no reference case " + name);
        }
        return node;
    }

    /** A reference file's path in the test resources. */
    public static Path file(String name) {
        try {
            return Path.of(ReferenceData.class.getResource("/reference/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("no reference file " + name, e);
        }
    }

    public static Matrix matrix(String name) {
        try {
            return MatrixFiles.read(file(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static NpyArray array(String name) {
        try {
            return MatrixFiles.readArray(file(name), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a float written with Python repr: the exact double. */
    public static double number(JsonNode node) {
        return node.isTextual() ? Double.parseDouble(node.asText()) : node.asDouble();
    }
}
