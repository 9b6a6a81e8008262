package dev.zkinfer.prover.backend;

import java.lang.System.Logger.Level;

/**
 * Chooses the backend once, at class-load time: the system property {@code zkinfer.backend}
 * ({@code scalar}, {@code vector} or {@code native}) if set; else {@code native} when
 * {@code libzkinfer} loads (measured faster end to end than {@code vector}: README, "Compute
 * backends"), else {@code vector} when the Vector API module is present, else {@code scalar}.
 * An explicit {@code native} falls back to the Java backend, with one logged line saying why,
 * when the library is absent or does not load.
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
                ? new NativeBackend(vectorApiPresent() ? vector() : scalar())
                : null;
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
            Backend nat = nativeBackend();
            if (nat != null) {
                return nat;
            }
            LOG.log(Level.DEBUG, "zkinfer: native backend unavailable (" + nativeUnavailableReason() + ")");
            if (vectorApiPresent()) {
                return vector();
            }
            LOG.log(Level.INFO, "zkinfer: using the scalar backend; pass --add-modules=jdk.incubator.vector for the vector one");
            return scalar();
        }
        return switch (requested.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "scalar" -> scalar();
            case "vector" -> vector();
            case "native" -> {
                Backend b = nativeBackend();
                if (b != null) {
                    yield b;
                }
                Backend fallback = vectorApiPresent() ? vector() : scalar();
                LOG.log(Level.WARNING, "zkinfer: zkinfer.backend=native unavailable (" + nativeUnavailableReason()
                        + "); using the " + fallback.name() + " backend");
                yield fallback;
            }
            // CUDA: wire CudaBackend in here (same shape as "native": load, else log one line and fall back).
            case "cuda" -> throw new IllegalStateException(
                    "zkinfer.backend=" + requested + ": the " + requested + " backend is not built in this version (available: scalar, vector, native)");
            default -> throw new IllegalStateException(
                    "zkinfer.backend=" + requested + " is not a backend (available: scalar, vector, native)");
        };
    }
}
