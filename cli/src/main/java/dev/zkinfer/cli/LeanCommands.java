package dev.zkinfer.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The short path of {@code verify}, {@code inspect} and {@code prove}, the commands whose cold
 * start matters (a validator runs one verification per proof, a one-shot prover one proof):
 * their usual command lines are parsed here and the command runs without building picocli's model of the whole command tree, which costs more CPU time
 * than a LeNet-5 verification itself (reflection over every command's annotations, proxies and
 * lambdas, about 170 picocli classes; measured in the README's "Cold start"). Only command lines
 * that are plainly valid take this path: every option known, each at most once, every value
 * present and not looking like an option, no {@code @argument-file}, no help or version
 * request. Anything else returns null and goes through picocli, so that its messages for
 * mistakes and {@code --help} stay exactly as they are. The command itself (its {@code call})
 * and the mapping of failures to exit codes ({@link Main#report}) are the same on both paths.
 * Stateless; runs the command on the calling thread.
 */
final class LeanCommands {
    private LeanCommands() {}

    /** Runs {@code args} when they are a plain {@code verify}, {@code inspect} or {@code prove}; returns its exit code, or null for picocli. */
    static Integer run(String[] args) {
        Callable<Integer> command = parse(args);
        if (command == null) {
            return null;
        }
        try {
            return command.call();
        } catch (Throwable t) {
            return Main.report(t, new PrintWriter(System.err, true));
        }
    }

    /** The command for {@code args} with its options set, or null when picocli must parse them. */
    static Callable<Integer> parse(String[] args) {
        if (args.length == 0) {
            return null;
        }
        for (String a : args) {
            if (a.startsWith("@")) {
                return null; // picocli expands argument files
            }
        }
        return switch (args[0]) {
            case "verify" -> verify(args);
            case "inspect" -> inspect(args);
            case "prove" -> prove(args);
            default -> null;
        };
    }

    private static VerifyCommand verify(String[] args) {
        VerifyCommand v = new VerifyCommand();
        boolean ok = options(args, Map.of("--vk", "--vk", "--proof", "--proof", "--input", "--input"), (name, p) -> {
            switch (name) {
                case "--vk" -> v.vkFile = p;
                case "--proof" -> v.proofFile = p;
                default -> v.input = p;
            }
        }, flag -> {
            switch (flag) {
                case "--clamp-inputs" -> v.clampInputs = true;
                case "--json" -> v.json = true;
                default -> v.quiet = true;
            }
        });
        return ok && v.vkFile != null && v.proofFile != null ? v : null;
    }

    /** A plain prove: --pk, -o/--output, --input, --clamp-inputs, --json, -q/--quiet (--timeout and the rest: picocli). */
    private static ProveCommand prove(String[] args) {
        ProveCommand c = new ProveCommand();
        boolean ok = options(args, Map.of("--pk", "--pk", "--input", "--input", "-o", "--output", "--output", "--output"), (name, p) -> {
            switch (name) {
                case "--pk" -> c.pk = p;
                case "--input" -> c.input = p;
                default -> c.proofFile = p;
            }
        }, flag -> {
            switch (flag) {
                case "--clamp-inputs" -> c.clampInputs = true;
                case "--json" -> c.json = true;
                default -> c.quiet = true;
            }
        });
        return ok && c.pk != null && c.proofFile != null ? c : null;
    }

    /**
     * The options after the command name: {@code pathOptions} maps each spelling of an option that
     * takes a path (as {@code --name value} or {@code --name=value}) to its canonical name, handed
     * to {@code paths}; the flags --clamp-inputs, --json and -q/--quiet (canonical --quiet) go to
     * {@code flags}. False (picocli must parse them) for anything else: an unknown option, a missing
     * or odd value, a flag with a value, or an option given twice (picocli's message for it).
     */
    private static boolean options(String[] args, Map<String, String> pathOptions, java.util.function.BiConsumer<String, Path> paths,
            java.util.function.Consumer<String> flags) {
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            String canonical = pathOptions.get(name);
            if (canonical != null) {
                if (value == null) {
                    if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
                        return false;
                    }
                    value = args[++i];
                }
                Path p = path(value);
                if (p == null) {
                    return false;
                }
                paths.accept(canonical, p);
            } else if (name.equals("--clamp-inputs") || name.equals("--json") || name.equals("-q") || name.equals("--quiet")) {
                if (value != null) {
                    return false;
                }
                canonical = name.equals("-q") ? "--quiet" : name;
                flags.accept(canonical);
            } else {
                return false;
            }
            if (!seen.add(canonical)) {
                return false; // picocli's message for a repeated option
            }
        }
        return true;
    }

    private static InspectCommand inspect(String[] args) {
        InspectCommand c = new InspectCommand();
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--json" -> c.json = true;
                case "-q", "--quiet" -> {
                    c.quiet = true;
                    a = "--quiet";
                }
                default -> {
                    if (a.startsWith("-") || c.file != null) {
                        return null;
                    }
                    c.file = path(a);
                    if (c.file == null) {
                        return null;
                    }
                }
            }
            if (!seen.add(a)) {
                return null;
            }
        }
        return c.file != null ? c : null;
    }

    /** The path picocli would make of {@code value}, or null when it is not one (picocli reports that). */
    private static Path path(String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
