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

    /** The CUDA backend on device 0; IllegalStateException with a one-line reason when unavailable. */
    public static Backend cuda() {
        return CudaBackend.load();
    }

    /** The best available CPU backend: native, else vector, else scalar. */
    private static Backend bestCpu() {
        Backend nat = nativeBackend();
        return nat != null ? nat : vectorApiPresent() ? vector() : scalar();
    }

    static Backend choose(String requested) {
        if (requested == null || requested.isBlank()) {
            try {
                CudaBackend gpu = CudaBackend.load();
                LOG.log(Level.INFO, "zkinfer: using the cuda backend on " + gpu.device());
                return gpu;
            } catch (IllegalStateException | LinkageError e) {
                LOG.log(Level.DEBUG, "zkinfer: cuda backend unavailable (" + e.getMessage() + ")");
            }
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
            case "cuda" -> {
                try {
                    yield CudaBackend.load();
                } catch (IllegalStateException | LinkageError e) {
                    Backend fallback = bestCpu();
                    LOG.log(Level.WARNING, "zkinfer: zkinfer.backend=cuda unavailable (" + e.getMessage()
                            + "); using the " + fallback.name() + " backend");
                    yield fallback;
                }
            }
            default -> throw new IllegalStateException(
                    "zkinfer.backend=" + requested + " is not a backend (available: scalar, vector, native, cuda)");
        };
    }
}
