package io.dse4j.cli;

import io.dse4j.BackendUnavailableException;
import io.dse4j.InvalidInputException;
import io.dse4j.Version;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code dse4j} command. Exit codes: 0 success, 2 bad usage or bad input (the message on stderr names the
 * problem), 1 internal failure.
 */
public final class Main {

    static final String USAGE = """
            usage: dse4j COMMAND [options]
              entropy     Diffusion Spectral Entropy of a file or built-in example (dse4j entropy --help)
              mi          mutual information (DSMI, CSMI) between a representation and a reference (dse4j mi --help)
              --version   print the version
              --help      print this help
            """;

    private Main() {
    }

    public static void main(String[] args) {
        // The report's first line already says which backend was chosen and why; the library's INFO line about it
        // would repeat it on stderr. Its warnings (a class skipped, a fallback for memory) are one line each.
        LibraryLog.install(System.err, System.getenv("DSE4J_DEBUG") != null
                ? java.util.logging.Level.ALL : java.util.logging.Level.WARNING);
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> list = Arrays.asList(args);
        try {
            if (list.isEmpty()) {
                err.print(USAGE);
                return 2;
            }
            String command = list.get(0);
            List<String> rest = list.subList(1, list.size());
            switch (command) {
                case "--version", "version" -> {
                    out.println("dse4j " + Version.string());
                    return 0;
                }
                case "--help", "-h", "help" -> {
                    out.print(USAGE);
                    return 0;
                }
                case "entropy" -> {
                    if (rest.contains("--help") || rest.contains("-h")) {
                        out.print(EntropyCommand.USAGE);
                        return 0;
                    }
                    return EntropyCommand.run(rest, out);
                }
                case "mi" -> {
                    if (rest.contains("--help") || rest.contains("-h")) {
                        out.print(MiCommand.USAGE);
                        return 0;
                    }
                    return MiCommand.run(rest, out);
                }
                default -> {
                    err.println("dse4j: unknown command '" + command + "'");
                    err.print(USAGE);
                    return 2;
                }
            }
        } catch (UsageException | InvalidInputException | BackendUnavailableException e) {
            err.println("dse4j: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("dse4j: " + e.getMessage());
            return 2;
        } catch (OutOfMemoryError e) {
            err.println("dse4j: out of memory (" + e.getMessage() + "); raise -Xmx through DSE4J_JAVA_OPTS or lower --max-n");
            return 1;
        } catch (RuntimeException e) {
            err.println("dse4j: internal error: " + e);
            if (System.getenv("DSE4J_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }
}
