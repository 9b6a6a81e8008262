package dev.zkinfer.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * Commands whose machinery has not landed yet. They are listed so that {@code --help} shows
 * the whole contract, and each fails with one line saying what is missing (exit code 2).
 */
final class PendingCommands {
    private PendingCommands() {}

    abstract static class Pending implements Callable<Integer> {
        @Unmatched
        java.util.List<String> ignored;

        abstract String what();

        @Override
        public Integer call() {
            throw new UserError("'" + what() + "' is not implemented in this version yet");
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true, description = "Replicated-vs-proved benchmark harness (not implemented yet).")
    static final class Bench extends Pending {
        @Override
        String what() {
            return "bench";
        }
    }
}
