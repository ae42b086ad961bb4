package io.dse4j.cli;

import java.util.List;
import java.util.Map;

/** A minimal JSON writer for the command line's one-object output: strings, numbers, booleans, lists, maps. */
final class Json {

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
        StringBuilder out = new StringBuilder();
        append(out, value);
        return out.toString();
    }

    private static void append(StringBuilder out, Object value) {
        switch (value) {
            case null -> out.append("null");
            case String s -> quote(out, s);
            case Double d -> out.append(Double.isFinite(d) ? Double.toString(d) : "null");
            case Float f -> out.append(Float.isFinite(f) ? Double.toString(f) : "null");
            case Number n -> out.append(n);
            case Boolean b -> out.append(b);
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    out.append(first ? "" : ",");
                    first = false;
                    quote(out, String.valueOf(e.getKey()));
                    out.append(':');
                    append(out, e.getValue());
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    out.append(i == 0 ? "" : ",");
                    append(out, list.get(i));
                }
                out.append(']');
            }
            default -> quote(out, value.toString());
        }
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
