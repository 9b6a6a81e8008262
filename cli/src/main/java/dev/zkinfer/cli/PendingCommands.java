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
            throw new UserError("'" + what() + "' is not implemented in this version yet: whole-model proofs "
                    + "(compile, prove, verify, inspect) are being built; 'zkinfer demo' shows what works today");
        }
    }

    @Command(name = "compile", description = "Compile MODEL.onnx into DIR/model.pk and DIR/model.vk (not implemented yet).")
    static final class Compile extends Pending {
        @Override
        String what() {
            return "compile";
        }
    }

    @Command(name = "infer", description = "Run plain integer inference with a proving key (not implemented yet).")
    static final class Infer extends Pending {
        @Override
        String what() {
            return "infer";
        }
    }

    @Command(name = "prove", description = "Prove an inference (not implemented yet).")
    static final class Prove extends Pending {
        @Override
        String what() {
            return "prove";
        }
    }

    @Command(name = "verify", description = "Verify a proof against a verifying key (not implemented yet).")
    static final class Verify extends Pending {
        @Override
        String what() {
            return "verify";
        }
    }

    @Command(name = "inspect", description = "Describe a key or a proof (not implemented yet).")
    static final class Inspect extends Pending {
        @Override
        String what() {
            return "inspect";
        }
    }

    @Command(name = "bench", description = "Replicated-vs-proved benchmark harness (not implemented yet).")
    static final class Bench extends Pending {
        @Override
        String what() {
            return "bench";
        }
    }
}
