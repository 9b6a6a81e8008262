package dev.zkinfer.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** Options and helpers every command shares: --json, --quiet, progress, atomic file writes. */
class CliSupport {
    @Option(names = "--json", description = "Print machine-readable JSON on standard output.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing but the result (and errors).")
    boolean quiet;

    final PrintStream out = System.out;
    final PrintStream err = System.err;

    /** One progress line per stage on a terminal; nothing with --quiet/--json or when stderr is not a terminal. */
    Consumer<String> progress() {
        java.io.Console console = System.console();
        boolean terminal = console != null && console.isTerminal();
        if (quiet || json || !terminal) {
            return s -> {};
        }
        return s -> {
            err.print("\r\033[K  " + s);
            err.flush();
        };
    }

    void endProgress() {
        java.io.Console console = System.console();
        if (!quiet && !json && console != null && console.isTerminal()) {
            err.print("\r\033[K");
            err.flush();
        }
    }

    void say(String format, Object... args) {
        if (!quiet && !json) {
            out.printf(Locale.ROOT, format + "%n", args);
        }
    }

    /**
     * Fails early, before any expensive work, when {@code file} cannot be an output file: it is
     * a directory, or a parent on its path is a file.
     */
    static void checkOutput(Path file) {
        if (Files.isDirectory(file)) {
            throw new UserError("cannot write " + file + ": it is a directory");
        }
        for (Path p = file.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new UserError("cannot write " + file + ": " + p + " is not a directory");
                }
                return;
            }
        }
    }

    /** Writes a file completely or not at all (temporary file, then an atomic rename). */
    static void writeAtomically(Path file, byte[] bytes) throws IOException {
        checkOutput(file);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // Name the file the user asked for, not the temporary one.
            throw new UserError("cannot write " + file + ": "
                    + (e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason() : Main.message(e)));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static byte[] read(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserError(what + " " + file + " does not exist or is not a file");
        }
        return Files.readAllBytes(file);
    }

    static double ms(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }

    /** A small JSON writer for flat objects with nested objects and number arrays. */
    static final class Json {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        Json put(String key, Object value) {
            fields.put(key, value);
            return this;
        }

        @Override
        public String toString() {
            return write(fields);
        }

        private static String write(Object v) {
            if (v == null) {
                return "null";
            }
            if (v instanceof Map<?, ?> m) {
                StringBuilder sb = new StringBuilder("{");
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (sb.length() > 1) {
                        sb.append(',');
                    }
                    sb.append(quote(e.getKey().toString())).append(':').append(write(e.getValue()));
                }
                return sb.append('}').toString();
            }
            if (v instanceof Json j) {
                return write(j.fields);
            }
            if (v instanceof java.util.List<?> l) {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < l.size(); i++) {
                    sb.append(i > 0 ? "," : "").append(write(l.get(i)));
                }
                return sb.append(']').toString();
            }
                        if (v instanceof double[] a) {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < a.length; i++) {
                    sb.append(i > 0 ? "," : "").append(number(a[i]));
                }
                return sb.append(']').toString();
            }
            if (v instanceof long[] a) {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < a.length; i++) {
                    sb.append(i > 0 ? "," : "").append(a[i]);
                }
                return sb.append(']').toString();
            }
            if (v instanceof Double d) {
                return number(d);
            }
            if (v instanceof Number || v instanceof Boolean) {
                return v.toString();
            }
            return quote(v.toString());
        }

        private static String number(double d) {
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return "null";
            }
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }

        private static String quote(String s) {
            StringBuilder sb = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            return sb.append('"').toString();
        }
    }
}
