package dev.zkinfer.prover.backend;

import java.lang.System.Logger.Level;

/**
 * Chooses the backend once, at class-load time: the system property {@code zkinfer.backend}
 * ({@code scalar} or {@code vector}) if set, else {@code vector} when the Vector API module
 * is present, else {@code scalar}. The choice and any fallback are logged in one line.
 */
public final class Backends {
    /** The system property that overrides the choice. */
    public static final String PROPERTY = "zkinfer.backend";

    private static final System.Logger LOG = System.getLogger("zkinfer.backend");
    private static final Backend DEFAULT = choose(System.getProperty(PROPERTY));

    private Backends() {}

    /** The backend chosen at start-up. */
    public static Backend get() {
        return DEFAULT;
    }

    public static Backend scalar() {
        return ScalarBackend.INSTANCE;
    }

    /** The Vector API, multi-threaded backend; throws if the Vector API module is missing. */
    public static Backend vector() {
        if (!vectorApiPresent()) {
            throw new IllegalStateException("the vector backend needs the JVM flag --add-modules=jdk.incubator.vector");
        }
        return VectorBackendHolder.INSTANCE;
    }

    /** Lazy holder: the vector classes load only when asked for. */
    private static final class VectorBackendHolder {
        static final Backend INSTANCE = new VectorBackend();
    }

    static boolean vectorApiPresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    static Backend choose(String requested) {
        if (requested == null || requested.isBlank()) {
            if (vectorApiPresent()) {
                return vector();
            }
            LOG.log(Level.INFO, "zkinfer: using the scalar backend; pass --add-modules=jdk.incubator.vector for the vector one");
            return scalar();
        }
        return switch (requested.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "scalar" -> scalar();
            case "vector" -> vector();
            case "native", "cuda" -> throw new IllegalStateException(
                    "zkinfer.backend=" + requested + ": the " + requested + " backend is not built in this version (available: scalar, vector)");
            default -> throw new IllegalStateException(
                    "zkinfer.backend=" + requested + " is not a backend (available: scalar, vector)");
        };
    }
}
