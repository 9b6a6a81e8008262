package dev.zkinfer.cli;

import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Makes the library's {@link System.Logger} records (whose default backend is
 * java.util.logging) print as one line each on standard error, {@code zkinfer: warning:
 * message}, instead of JUL's two-line format with a date and a class name. WARNING and above
 * are shown; {@code -Dzkinfer.log=info|debug} shows more, {@code -Dzkinfer.log=off} nothing.
 * A logging configuration of the user's own ({@code -Djava.util.logging.config.file} or
 * {@code .class}) is left alone. Thread-safe: the handler writes each record with one call.
 */
final class CliLogging {
    /** The system property that sets the level shown (default warning). */
    static final String LEVEL_PROPERTY = "zkinfer.log";

    private static volatile boolean installed;

    private CliLogging() {}

    static synchronized void install() {
        if (installed || System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Level level = level(System.getProperty(LEVEL_PROPERTY));
        Handler handler = new OneLineHandler();
        handler.setLevel(level);
        root.addHandler(handler);
        root.setLevel(level);
        installed = true;
    }

    private static Level level(String name) {
        if (name == null || name.isBlank()) {
            return Level.WARNING;
        }
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "off" -> Level.OFF;
            case "error" -> Level.SEVERE;
            case "info" -> Level.INFO;
            case "debug" -> Level.FINE;
            case "trace", "all" -> Level.ALL;
            default -> Level.WARNING;
        };
    }

    /** The line for a record: "zkinfer: warning: message" (and the cause, on the same line). */
    static String line(LogRecord r) {
        int v = r.getLevel().intValue();
        String kind = v >= Level.SEVERE.intValue() ? "error" : v >= Level.WARNING.intValue() ? "warning"
                : v >= Level.INFO.intValue() ? "info" : "debug";
        String msg = FORMATTER.formatMessage(r);
        if (r.getThrown() != null) {
            msg += " (" + r.getThrown() + ")";
        }
        return "zkinfer: " + kind + ": " + msg.replace('\n', ' ');
    }

    private static final Formatter FORMATTER = new Formatter() {
        @Override
        public String format(LogRecord r) {
            return line(r) + System.lineSeparator();
        }
    };

    /** Writes to the current {@link System#err} at each record, so that a replaced stream (tests, embedding) gets it. */
    private static final class OneLineHandler extends Handler {
        OneLineHandler() {
            setFormatter(FORMATTER);
        }

        @Override
        public void publish(LogRecord r) {
            if (isLoggable(r)) {
                System.err.print(getFormatter().format(r));
                System.err.flush();
            }
        }

        @Override
        public void flush() {
            System.err.flush();
        }

        @Override
        public void close() {}
    }
}
