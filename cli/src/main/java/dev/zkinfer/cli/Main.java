package dev.zkinfer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code zkinfer} command. Exit codes (a stable contract): 0 success or a valid proof;
 * 1 the proof is invalid; 2 bad usage, unreadable, malformed or mismatched input, or a
 * feature this version does not have (with a one-line error, never a stack trace).
 */
@Command(name = "zkinfer", mixinStandardHelpOptions = true, version = "zkinfer 0.1.0",
        description = "Verifiable machine-learning inference: quantize an ONNX model, prove its inference, verify the proof.",
        subcommands = {DemoCommand.class, CompileCommand.class, InferCommand.class, ProveCommand.class,
            VerifyCommand.class, InspectCommand.class, PendingCommands.Bench.class})
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

    /** Runs the command line and returns the exit code (for tests and embedding). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            // A user mistake is a one-line message; anything else is a bug and keeps its trace.
            if (ex instanceof UserError || ex instanceof java.io.IOException || ex instanceof IllegalArgumentException
                    || ex instanceof dev.zkinfer.nn.ModelFormatException || ex instanceof dev.zkinfer.circuits.UnsupportedModelException) {
                commandLine.getErr().println("zkinfer: " + ex.getMessage());
                return EXIT_USAGE;
            }
            throw ex;
        });
        cl.setParameterExceptionHandler((ex, args1) -> {
            ex.getCommandLine().getErr().println("zkinfer: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Run 'zkinfer " + ex.getCommandLine().getCommandName().replace("zkinfer", "").trim()
                    + " --help' for usage.".replace("  ", " "));
            return EXIT_USAGE;
        });
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
