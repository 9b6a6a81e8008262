package dev.zkinfer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code zkinfer} command. Exit codes (a stable contract): 0 success or a valid proof;
 * 1 the proof is invalid; 2 bad usage, unreadable, malformed or mismatched input, or a
 * feature this version does not have (with a one-line error, never a stack trace); 3 an internal
 * error, i.e. a bug (with its stack trace).
 */
@Command(name = "zkinfer", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Verifiable machine-learning inference: quantize an ONNX model, prove its inference, verify the proof.",
        subcommands = {DemoCommand.class, CompileCommand.class, InferCommand.class, ProveCommand.class,
            VerifyCommand.class, InspectCommand.class, BenchCommand.class, VerifierPageCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_INVALID = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** A bug (not a user mistake): the stack trace is printed, and the code differs from 1 ("invalid proof"). */
    public static final int EXIT_INTERNAL = 3;

    static {
        // Arrow logs through SLF4J; without a provider SLF4J prints three warning lines on
        // stderr, which would break the one-line-error contract. The CLI itself does not log.
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
    }

    /** Runs the command line and returns the exit code (for tests and embedding). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            // A user mistake is a one-line message; anything else is a bug and keeps its trace.
            if (ex instanceof UserError || ex instanceof java.io.IOException || ex instanceof IllegalArgumentException
                    || ex instanceof dev.zkinfer.nn.ModelFormatException || ex instanceof dev.zkinfer.circuits.UnsupportedModelException) {
                commandLine.getErr().println("zkinfer: " + message(ex));
                return EXIT_USAGE;
            }
            commandLine.getErr().println("zkinfer: internal error (a bug; please report it with the trace below): " + ex);
            ex.printStackTrace(new java.io.PrintWriter(commandLine.getErr(), true));
            commandLine.getErr().flush();
            return EXIT_INTERNAL;
        });
        cl.setParameterExceptionHandler((ex, args1) -> {
            CommandLine failed = ex.getCommandLine();
            failed.getErr().println("zkinfer: " + ex.getMessage());
            String sub = failed == cl ? "" : failed.getCommandName() + " ";
            failed.getErr().println("Run 'zkinfer " + sub + "--help' for usage.");
            return EXIT_USAGE;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            cl.getErr().println("zkinfer: out of memory; give the JVM more, e.g. JAVA_OPTS=-Xmx16g");
            cl.getErr().flush();
            return EXIT_INTERNAL;
        }
    }

    /**
     * The one-line message for a user mistake. {@link java.nio.file.FileSystemException}s carry
     * only the path as their message (e.g. "/tmp/x" for a missing file), so name the problem.
     */
    static String message(Exception ex) {
        if (ex instanceof java.nio.file.FileSystemException fse) {
            String what = fse.getReason() != null ? fse.getReason()
                    : switch (fse) {
                        case java.nio.file.NoSuchFileException e -> "no such file or directory";
                        case java.nio.file.AccessDeniedException e -> "permission denied";
                        case java.nio.file.FileAlreadyExistsException e -> "already exists and is not a directory";
                        case java.nio.file.NotDirectoryException e -> "not a directory";
                        case java.nio.file.DirectoryNotEmptyException e -> "directory not empty";
                        default -> fse.getClass().getSimpleName();
                    };
            return (fse.getFile() != null ? fse.getFile() : "") + (fse.getOtherFile() != null ? " -> " + fse.getOtherFile() : "") + ": " + what;
        }
        if (ex.getMessage() == null || ex.getMessage().isBlank()) {
            return ex.getClass().getSimpleName();
        }
        return ex.getMessage();
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
