package io.dse4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The command line's JSON output, written with jackson-core's streaming generator: a value made of strings, numbers,
 * booleans, lists and maps (in their iteration order) becomes one line of JSON. Non-finite numbers, which JSON cannot
 * hold, are written as null; doubles in the shortest form that reads back to the same bits.
 */
final class Json {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private Json() {
    }

    /** The "selection" object of the command-line JSON: requested, source, chosen, reasons (and summary, if any). */
    static Map<String, Object> selection(io.dse4j.BackendSelection selection) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("requested", selection.requested().label());
        m.put("source", selection.source().description());
        m.put("chosen", selection.chosen());
        m.put("reasons", selection.reasons());
        if (selection.summary() != null) {
            m.put("summary", selection.summary());
        }
        return m;
    }

    static String write(Object value) {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = FACTORY.createGenerator(text)) {
            write(out, value);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string", e);   // a StringWriter does not fail
        }
        return text.toString();
    }

    private static void write(JsonGenerator out, Object value) throws IOException {
        switch (value) {
            case null -> out.writeNull();
            case String s -> out.writeString(s);
            case Double d -> writeDouble(out, d);
            case Float f -> writeDouble(out, f.doubleValue());
            case Long l -> out.writeNumber(l);
            case Integer i -> out.writeNumber(i);
            case Number n -> out.writeNumber(n.toString());
            case Boolean b -> out.writeBoolean(b);
            case Map<?, ?> map -> {
                out.writeStartObject();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    out.writeFieldName(String.valueOf(e.getKey()));
                    write(out, e.getValue());
                }
                out.writeEndObject();
            }
            case List<?> list -> {
                out.writeStartArray();
                for (Object item : list) {
                    write(out, item);
                }
                out.writeEndArray();
            }
            case double[] values -> {
                out.writeStartArray();
                for (double v : values) {
                    writeDouble(out, v);
                }
                out.writeEndArray();
            }
            default -> out.writeString(value.toString());
        }
    }

    private static void writeDouble(JsonGenerator out, double v) throws IOException {
        if (Double.isFinite(v)) {
            out.writeNumber(v);
        } else {
            out.writeNull();
        }
    }
}
