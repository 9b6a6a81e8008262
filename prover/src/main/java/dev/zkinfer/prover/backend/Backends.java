package dev.zkinfer.prover.backend;

import java.lang.System.Logger.Level;

/**
 * Chooses the backend once, at class-load time: the system property {@code zkinfer.backend}
 * ({@code scalar}, {@code vector}, {@code native} or {@code cuda}) if set; else {@code cuda}
 * when {@code libzkinfer_cuda} loads and a CUDA device is present, else {@code native} when
 * {@code libzkinfer} loads (measured faster end to end than {@code vector}: README, "Compute
 * backends"), else {@code vector} when the Vector API module is present, else {@code scalar}.
 * An explicit {@code native} or {@code cuda} falls back to the next available backend, with one
 * logged line saying why, when its library, driver or device is missing.
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

    /** The native (C through JNA) backend, or null when libzkinfer is not loadable ({@link #nativeUnavailableReason}). */
    public static Backend nativeBackend() {
        return NativeBackendHolder.INSTANCE;
    }

    /** Why the native backend is not available, or null when it is. */
    public static String nativeUnavailableReason() {
        return NativeBackend.unavailableReason();
    }

    /** Lazy holder: the native library loads only when asked for. */
    private static final class NativeBackendHolder {
        static final Backend INSTANCE = NativeBackend.unavailableReason() == null
                ? new NativeBackend(javaBackend())
                : null;
    }

    /** Lazy holder: the vector classes load only when asked for. */
    private static final class VectorBackendHolder {
        static final Backend INSTANCE = new VectorBackend();
    }

    static boolean vectorApiPresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The CUDA backend on device 0; IllegalStateException with a one-line reason when unavailable. */
    public static Backend cuda() {
        return CudaBackend.load();
    }

    /** The Java backend: vector when the Vector API module is present, else scalar. */
    private static Backend javaBackend() {
        return vectorApiPresent() ? vector() : scalar();
    }

    /** A backend that loaded, or null and why not. */
    private record Attempt(Backend backend, String reason) {}

    private static Attempt tryCuda() {
        try {
            return new Attempt(CudaBackend.load(), null);
        } catch (IllegalStateException | LinkageError e) {
            return new Attempt(null, e.getMessage());
        }
    }

    private static Attempt tryNative() {
        Backend b = nativeBackend();
        return new Attempt(b, b == null ? nativeUnavailableReason() : null);
    }

    /** The attempt's backend, else the native-or-Java fallback, logging one line at the given level. */
    private static Backend orFallback(String name, Attempt first, Level level) {
        if (first.backend() != null) {
            return first.backend();
        }
        Backend nat = name.equals("native") ? null : tryNative().backend();
        Backend fallback = nat != null ? nat : javaBackend();
        LOG.log(level, "zkinfer: " + name + " backend not used (" + first.reason() + "); using the " + fallback.name() + " backend");
        return fallback;
    }

    static Backend choose(String requested) {
        if (requested == null || requested.isBlank()) {
            Attempt gpu = tryCuda();
            if (gpu.backend() != null) {
                LOG.log(Level.INFO, "zkinfer: using the cuda backend on " + ((CudaBackend) gpu.backend()).device());
                return gpu.backend();
            }
            Backend chosen = orFallback("cuda", gpu, Level.DEBUG);
            if (chosen == ScalarBackend.INSTANCE) {
                LOG.log(Level.INFO, "zkinfer: using the scalar backend; pass --add-modules=jdk.incubator.vector for the vector one");
            }
            return chosen;
        }
        return switch (requested.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "scalar" -> scalar();
            case "vector" -> vector();
            case "native" -> orFallback("native", tryNative(), Level.WARNING);
            case "cuda" -> orFallback("cuda", tryCuda(), Level.WARNING);
            default -> throw new IllegalStateException(
                    "zkinfer.backend=" + requested + " is not a backend (available: scalar, vector, native, cuda)");
        };
    }
}
