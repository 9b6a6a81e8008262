package dev.zkinfer.cli;

import dev.zkinfer.InvalidInputException;
import dev.zkinfer.InvalidProofException;
import dev.zkinfer.ProvingCancelledException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code zkinfer} command. Exit codes (a stable contract, mapped in one place,
 * {@link #report}): 0 success or a valid proof; 1 the proof is invalid (including a proof that
 * does not parse); 2 bad usage, unreadable, malformed or mismatched input, a feature this version
 * does not have, or a cancelled proof (with a one-line error, never a stack trace); 3 an internal
 * error, i.e. a bug (with its stack trace), or out of memory (with a one-line hint). Library
 * warnings print as one line each on standard error ({@link CliLogging}). Not thread-safe: one
 * {@link #execute} at a time per JVM (it configures logging and uses the standard streams).
 */
@Command(name = "zkinfer", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Verifiable machine-learning inference: quantize an ONNX model, prove its inference, verify the proof.",
        subcommands = {DemoCommand.class, CompileCommand.class, InferCommand.class, ProveCommand.class,
            VerifyCommand.class, InspectCommand.class, BenchCommand.class, VerifierPageCommand.class, ServeCommand.class,
            WorkerCommand.class, SubmitCommand.class, StartUpTrainingCommand.class})
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

    /**
     * Runs the command line and returns the exit code (for tests and embedding). A plain
     * {@code verify} or {@code inspect} runs without picocli's command tree ({@link LeanCommands});
     * everything else, and every mistake in those two, goes through picocli.
     */
    public static int execute(String... args) {
        CliLogging.install();
        Integer lean = LeanCommands.run(args);
        return lean != null ? lean : executeWithPicocli(args);
    }

    /** {@link #execute} with picocli parsing every command line (what the short path must match). */
    static int executeWithPicocli(String... args) {
        return WithPicocli.execute(args);
    }

    /**
     * picocli's part, in a class of its own: verifying {@link Main}'s bytecode would otherwise load
     * picocli's exception classes on the short path.
     */
    private static final class WithPicocli {
        private WithPicocli() {}

        static int execute(String... args) {
            CliLogging.install();
            CommandLine cl = new CommandLine(new Main());
            cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex, commandLine.getErr()));
            cl.setParameterExceptionHandler((ex, args1) -> {
                CommandLine failed = ex.getCommandLine();
                int code = report(ex, failed.getErr());
                String sub = failed == cl ? "" : failed.getCommandName() + " ";
                failed.getErr().println("Run 'zkinfer " + sub + "--help' for usage.");
                failed.getErr().flush();
                return code;
            });
            try {
                return cl.execute(args);
            } catch (Throwable t) {
                // Errors (OutOfMemoryError, StackOverflowError, ...) are not handed to the handler above.
                return report(t, cl.getErr());
            }
        }
    }

    /**
     * The one place that turns a failure into an exit code and what the user sees on {@code err}:
     * <ul>
     *   <li>{@link InvalidProofException}: 1, "zkinfer: invalid: reason" (verification itself
     *       reports an invalid proof as a result, not an exception);</li>
     *   <li>a user's problem, {@link InvalidInputException} (malformed files, unsupported models,
     *       wrong-shaped input, bad options: {@link UserError}, picocli's
     *       {@link CommandLine.ParameterException}), an {@link IOException} (a missing or
     *       unreadable file) or {@link ProvingCancelledException}: 2, one line
     *       "zkinfer: error: message", no stack trace;</li>
     *   <li>{@link OutOfMemoryError}: 3, one line with a hint to give the JVM more memory;</li>
     *   <li>anything else ({@link InternalException}, an {@link IllegalArgumentException} or
     *       {@link IllegalStateException} from deep inside, any other {@link Error}): 3, a bug, with
     *       its stack trace.</li>
     * </ul>
     */
    static int report(Throwable t, PrintWriter err) {
        Throwable e = unwrap(t);
        try {
            if (e instanceof InvalidProofException) {
                err.println("zkinfer: invalid: " + message(e));
                return EXIT_INVALID;
            }
            if (e instanceof InvalidInputException || e instanceof IOException || e instanceof ProvingCancelledException
                    || e instanceof CommandLine.ParameterException) {
                err.println("zkinfer: error: " + oneLine(message(e)));
                return EXIT_USAGE;
            }
            if (e instanceof OutOfMemoryError) {
                err.println("zkinfer: error: out of memory (" + message(e) + "); give the JVM more, e.g. JAVA_OPTS=-Xmx16g (default: up to 75% of the machine's memory, no more than is free when it starts)");
                return EXIT_INTERNAL;
            }
            err.println("zkinfer: internal error (a bug; please report it with the trace below): " + e);
            e.printStackTrace(err);
            return EXIT_INTERNAL;
        } finally {
            err.flush();
        }
    }

    /** The exception that says what went wrong, out of the wrappers that only carry it across a boundary. */
    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof UncheckedIOException || e instanceof CommandLine.ExecutionException
                || e instanceof java.util.concurrent.ExecutionException || e instanceof java.util.concurrent.CompletionException)
                && e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        return e;
    }

    /** The first line of a message: a user's error is one line, whatever the exception carried. */
    private static String oneLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl).stripTrailing();
    }

    /**
     * The one-line message for a user mistake. {@link java.nio.file.FileSystemException}s carry
     * only the path as their message (e.g. "/tmp/x" for a missing file), so name the problem.
     */
    static String message(Throwable ex) {
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
        forgetRefusedStartUpCache(System.getProperty(AOT_INDEX_PROPERTY), System.getProperty("java.vm.info"));
        System.exit(execute(args));
    }

    /** Set by the launcher (bin/zkinfer) beside -XX:AOTCache: the index that named the start-up cache. */
    static final String AOT_INDEX_PROPERTY = "zkinfer.aot.index";

    /**
     * When the launcher offered a start-up cache that the JVM refused ({@code java.vm.info} says
     * "sharing" only when one is mapped), deletes the launcher's index of cache names: it
     * remembered a name the jars or the JDK no longer match (files replaced by older ones), and
     * the next run computes the name afresh (and, if it is new, makes that cache). Never fails.
     */
    static void forgetRefusedStartUpCache(String index, String vmInfo) {
        if (index == null || index.isEmpty() || vmInfo == null || vmInfo.contains("sharing")) {
            return;
        }
        try {
            java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(index));
        } catch (IOException | RuntimeException e) {
            // the next run uses the index again; the command itself is unaffected
        }
    }
}
