package io.dse4j.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed {@code --name value} and {@code --flag} options of one command, checked against the options the command
 * knows, with typed getters whose errors name the option.
 */
final class Options {

    private final Map<String, String> values = new LinkedHashMap<>();

    private Options() {
    }

    /**
     * @param args       the arguments after the command name
     * @param withValue  options that take a value
     * @param flags      options that take none
     */
    static Options parse(List<String> args, Set<String> withValue, Set<String> flags) {
        Options options = new Options();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException(name + " takes no value");
                }
                options.put(name, "true");
            } else if (withValue.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException(name + " needs a value");
                    }
                    value = args.get(++i);
                }
                options.put(name, value);
            } else if (arg.startsWith("-")) {
                throw new UsageException("unknown option " + name + "; known options: "
                        + String.join(" ", sorted(withValue, flags)));
            } else {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
        }
        return options;
    }

    private void put(String name, String value) {
        if (values.put(name, value) != null) {
            throw new UsageException(name + " is given more than once");
        }
    }

    private static List<String> sorted(Set<String> a, Set<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).sorted().toList();
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    double number(String name, double fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a number, got '" + v + "'");
        }
    }

    long integer(String name, long fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be an integer, got '" + v + "'");
        }
    }

    int intValue(String name, int fallback) {
        long v = integer(name, fallback);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new UsageException(name + " is out of range: " + v);
        }
        return (int) v;
    }
}
