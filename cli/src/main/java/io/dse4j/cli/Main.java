package io.dse4j.cli;

import io.dse4j.BackendUnavailableException;
import io.dse4j.InvalidInputException;
import io.dse4j.Version;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.Callable;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code dse4j} command, on picocli: subcommands {@code entropy}, {@code mi}, {@code spectrum}, {@code track}, {@code example-run}
 * (a synthetic training run), {@code help}, {@code version} and {@code completion} (a bash completion script). Exit codes: 0 success, 2 bad usage or bad input (the message on
 * stderr names the problem), 1 internal failure.
 */
public final class Main {

    static {
        // Plots are drawn off-screen: no display is needed or used, whatever DISPLAY says.
        System.setProperty("java.awt.headless", "true");
        // No option takes a date, a time or a JDBC type: picocli need not register its converters for java.time and
        // java.sql, which loads some 80 classes by reflection at every start (its documented switch).
        if (System.getProperty("picocli.converters.excludes") == null) {
            System.setProperty("picocli.converters.excludes", "java\\.sql\\..*,java\\.time\\..*");
        }
    }

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
        CommandLine line = commandLine(out, err, args.length > 0 ? args[0] : null);
        try {
            return line.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("dse4j: out of memory (" + e.getMessage() + "); raise -Xmx through DSE4J_JAVA_OPTS or lower "
                    + "--max-n");
            return 1;
        }
    }

    /** The whole command tree, writing to {@code out} and {@code err}, with the contract's messages and exit codes. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        return commandLine(out, err, null);
    }

    /**
     * The command tree for a command line whose first word is {@code first}: when that names a subcommand that runs
     * something, the tree holds only that one. picocli reads every subcommand's annotations by reflection when it is
     * added (with all five, 0.75 s from {@code main} to the computation on a loaded two-core machine; with one,
     * 0.5 s), and only the top-level help, {@code help} and {@code completion} need the others.
     */
    static CommandLine commandLine(PrintStream out, PrintStream err, String first) {
        CommandLine line = new CommandLine(new Top(err));
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("entropy", () -> new EntropyCommand(out, err));
        commands.put("mi", () -> new MiCommand(out, err));
        commands.put("spectrum", () -> new SpectrumCommand(out, err));
        commands.put("track", () -> new TrackCommand(out, err));
        commands.put("example-run", () -> new ExampleRunCommand(out));
        commands.put("version", () -> new VersionCommand(out));
        boolean onlyFirst = first != null && commands.containsKey(first);
        commands.forEach((name, command) -> {
            if (!onlyFirst || name.equals(first)) {
                line.addSubcommand(name, command.get());
            }
        });
        if (line.getSubcommands().containsKey("track")) {
            // --checkpoints takes several values: a mistyped option after it must be refused, not read as a path.
            line.getSubcommands().get("track").setUnmatchedOptionsAllowedAsOptionParameters(false);
        }
        if (!onlyFirst) {
            line.addSubcommand("help", new CommandLine.HelpCommand());
            line.addSubcommand("completion", new AutoComplete.GenerateCompletion());
            line.getSubcommands().get("completion").getCommandSpec().usageMessage()
                    .description("Print a bash completion script for dse4j: source <(./dse4j completion)");
        }
        line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        line.setUsageHelpWidth(100);
        line.setParameterExceptionHandler((e, args) -> {
            err.println("dse4j: " + describe(e));
            if (e.getCommandLine().getCommandSpec().parent() == null) {
                e.getCommandLine().usage(err);
            }
            return 2;
        });
        line.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof java.nio.file.FileSystemException fs) {
                // Its message is the bare path; say what happened to it.
                err.println("dse4j: cannot write or read " + fs.getFile() + (fs.getReason() != null ? ": "
                        + fs.getReason() : "") + " (" + e.getClass().getSimpleName() + ")");
                return 2;
            }
            if (e instanceof UsageException || e instanceof InvalidInputException
                    || e instanceof BackendUnavailableException || e instanceof IOException) {
                err.println("dse4j: " + e.getMessage());
                return 2;
            }
            err.println("dse4j: internal error: " + e);
            if (System.getenv("DSE4J_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return 1;
        });
        for (CommandLine sub : line.getSubcommands().values()) {
            sub.getCommandSpec().usageMessage().synopsisHeading("usage: ");
        }
        line.getCommandSpec().usageMessage().synopsisHeading("usage: ");
        return line;
    }

    /** picocli's parse errors in the words of the command-line contract. */
    private static String describe(ParameterException e) {
        CommandSpec command = e.getCommandLine().getCommandSpec();
        // A value its option's converter refused: the converter's words, or the library's for what it parses.
        if (e.getCause() instanceof Converters.BadValue bad && e.getArgSpec() instanceof OptionSpec option) {
            return bad.messageFor(option.longestName());
        }
        if (e.getCause() instanceof InvalidInputException || e.getCause() instanceof UsageException) {
            return e.getCause().getMessage();
        }
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String arg = unmatched.getUnmatched().get(0);
            if (command.parent() == null && !arg.startsWith("-")) {
                return "unknown command '" + arg + "'";
            }
            if (arg.startsWith("-")) {
                String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                List<String> known = command.options().stream().filter(o -> !o.usageHelp() && !o.versionHelp())
                        .map(OptionSpec::longestName).sorted().toList();
                return "unknown option " + name + "; known options: " + String.join(" ", known);
            }
            return "unexpected argument '" + arg + "'";
        }
        if (e instanceof CommandLine.OverwrittenOptionException overwritten
                && overwritten.getOverwritten() instanceof OptionSpec option) {
            return option.longestName() + " is given more than once";
        }
        if (e instanceof CommandLine.MissingParameterException missing && missing.getMissing().size() == 1
                && missing.getMissing().get(0) instanceof OptionSpec option) {
            return option.longestName() + " needs a value";
        }
        return e.getMessage();
    }

    /** {@code dse4j} alone: the list of commands, on stderr, exit 2. */
    @Command(name = "dse4j", mixinStandardHelpOptions = true, versionProvider = VersionText.class,
            description = "Diffusion Spectral Entropy and Mutual Information of neural-network representations.",
            synopsisSubcommandLabel = "COMMAND",
            footer = "Run dse4j COMMAND --help for a command's options.")
    static final class Top implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        private final PrintStream err;

        Top(PrintStream err) {
            this.err = err;
        }

        @Override
        public Integer call() {
            spec.commandLine().usage(err);
            return 2;
        }
    }

    /** {@code dse4j version}: the same line as {@code --version}. */
    @Command(name = "version", description = "Print the version.")
    static final class VersionCommand implements Callable<Integer> {
        private final PrintStream out;

        VersionCommand(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            out.println("dse4j " + Version.string());
            return 0;
        }
    }

    /** The version line of every command's {@code --version}. */
    static final class VersionText implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"dse4j " + Version.string()};
        }
    }
}
