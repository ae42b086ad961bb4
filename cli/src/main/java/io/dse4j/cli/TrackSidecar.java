package io.dse4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a {@code track} table, in a JSON file beside it ({@code NAME.json} for the table {@code NAME}):
 * the options that made its numbers, which a rerun must share to add rows to it. They live beside the table rather
 * than in it so that the table's first line is its header, as every CSV reader expects.
 *
 * <pre>{@code {"dse4j_track_table":1,"table":"dse.csv","columns":["checkpoint",…],
 *  "parameters":{"sigma":"10.0","t":"1.0",…},"written_by":"dse4j 0.1.0"}}</pre>
 *
 * <p>Written whole or not at all ({@link io.dse4j.internal.io.AtomicWrite}); {@link TrackTable} orders its writes so that the
 * table never holds rows of other parameters than these.
 */
final class TrackSidecar {

    static final String FORMAT_KEY = "dse4j_track_table";
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private TrackSidecar() {
    }

    /** The sidecar of {@code table}: the same name with {@code .json} added. */
    static Path of(Path table) {
        return table.resolveSibling(table.getFileName() + ".json");
    }

    static void write(Path table, Map<String, String> parameters, List<String> columns) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(FORMAT_KEY, 1);
        m.put("table", table.getFileName().toString());
        m.put("columns", columns);
        m.put("parameters", parameters);
        m.put("written_by", "dse4j " + io.dse4j.Version.string());
        io.dse4j.internal.io.AtomicWrite.replace(of(table), (Json.write(m) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The parameters the sidecar of {@code table} records, or null when there is none.
     *
     * @throws UsageException when it is not a sidecar dse4j wrote (naming the file and what is wrong)
     */
    static Map<String, String> read(Path table) throws IOException {
        Path file = of(table);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException none) {
            return null;
        }
        Map<String, String> parameters = null;
        boolean marked = false;
        try (JsonParser json = FACTORY.createParser(bytes)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw bad(file, "it is not a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if (field.equals(FORMAT_KEY)) {
                    if (value != JsonToken.VALUE_NUMBER_INT || json.getIntValue() != 1) {
                        throw bad(file, "its " + FORMAT_KEY + " is " + json.getText() + ", not 1 (written by another"
                                + " version of dse4j?)");
                    }
                    marked = true;
                } else if (field.equals("parameters")) {
                    parameters = strings(json, file);
                } else {
                    json.skipChildren();
                }
            }
            if (json.nextToken() != null) {
                throw bad(file, "text follows the JSON object");
            }
        } catch (JsonProcessingException e) {
            throw bad(file, "it is not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ")");
        }
        if (!marked || parameters == null) {
            throw bad(file, "it lacks " + (marked ? "\"parameters\"" : "\"" + FORMAT_KEY + "\": 1"));
        }
        return parameters;
    }

    /** An object of string values. */
    private static Map<String, String> strings(JsonParser json, Path file) throws IOException {
        if (json.currentToken() != JsonToken.START_OBJECT) {
            throw bad(file, "its \"parameters\" are not an object");
        }
        Map<String, String> m = new LinkedHashMap<>();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String key = json.currentName();
            if (json.nextToken() != JsonToken.VALUE_STRING) {
                throw bad(file, "its parameter \"" + key + "\" is not a string");
            }
            m.put(key, json.getText());
        }
        return m;
    }

    private static UsageException bad(Path file, String what) {
        return new UsageException(file + " is not the parameters file of a dse4j track table: " + what + "; delete"
                + " it, or give --force to start the table afresh");
    }
}
