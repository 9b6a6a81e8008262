package dev.zkinfer.prover.backend;

import java.lang.System.Logger.Level;

/**
 * Chooses the backend once, at class-load time: the system property {@code zkinfer.backend}
 * ({@code scalar}, {@code vector}, {@code native} or {@code cuda}, case and surrounding blanks
 * ignored) if set; else {@code cuda} when {@code libzkinfer_cuda} loads and a CUDA device is
 * present, else {@code native} when {@code libzkinfer} loads (measured faster end to end than
 * {@code vector}: README, "Compute backends"), else {@code vector} when the Vector API module is
 * present, else {@code scalar}. The choice never fails: a requested backend that is unknown or
 * unavailable ({@code native} or {@code cuda} without its library, driver or device,
 * {@code vector} without the Vector API module), or any failure while loading one, gives one
 * logged warning saying why and the best backend that is available. Thread-safe: the choice is
 * made once and the backends are immutable.
 */
public final class Backends {
    /** The system property that overrides the choice. */
    public static final String PROPERTY = "zkinfer.backend";

    /**
     * Files of which a Linux machine with a usable NVIDIA driver has at least one (the last: WSL).
     * Declared before {@link #DEFAULT}, whose initializer reads it.
     */
    static final java.util.List<String> NVIDIA_DRIVER_FILES = java.util.List.of("/dev/nvidiactl", "/dev/nvidia0", "/proc/driver/nvidia", "/dev/dxg");

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
        if (NativeBackendHolder.INSTANCE == null && NativeBackendHolder.reason != null) {
            return NativeBackendHolder.reason;
        }
        try {
            return NativeBackend.unavailableReason();
        } catch (LinkageError | RuntimeException e) {
            return "libzkinfer not loadable: " + e;
        }
    }

    /** Lazy holder: the native library loads only when asked for. */
    private static final class NativeBackendHolder {
        static String reason;
        static final Backend INSTANCE = loadNative();

        private static Backend loadNative() {
            try {
                return NativeBackend.unavailableReason() == null ? new NativeBackend(javaBackend()) : null;
            } catch (LinkageError | RuntimeException e) {
                // e.g. JNA missing from the class path; nativeUnavailableReason() cannot say so
                // (it would fail the same way), so the reason is kept here.
                reason = "libzkinfer not loadable: " + e;
                return null;
            }
        }
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

    /**
     * Whether the automatic choice should try the CUDA backend: on Linux, only when the NVIDIA
     * driver's device files exist, so that a machine without a GPU does not load JNA and the
     * CUDA library only to learn that (a quarter to half a second of every cold start). An
     * explicit {@code zkinfer.backend=cuda} always tries.
     */
    static boolean cudaDriverPresent() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return true;
        }
        for (String f : NVIDIA_DRIVER_FILES) {
            if (new java.io.File(f).exists()) {
                return true;
            }
        }
        return false;
    }

    /** The backend names {@link #PROPERTY} accepts. */
    static final String NAMES = "scalar, vector, native, cuda";

    /** A backend that loaded, or null and why not. */
    private record Attempt(Backend backend, String reason) {}

    private static Attempt tryCuda() {
        try {
            return new Attempt(CudaBackend.load(), null);
        } catch (RuntimeException | LinkageError e) {
            return new Attempt(null, e.getMessage() != null ? e.getMessage() : e.toString());
        }
    }

    private static Attempt tryNative() {
        try {
            Backend b = nativeBackend();
            return new Attempt(b, b == null ? nativeUnavailableReason() : null);
        } catch (RuntimeException | LinkageError e) {
            return new Attempt(null, "libzkinfer not loadable: " + e);
        }
    }

    private static Attempt tryVector(boolean vectorPresent) {
        if (!vectorPresent) {
            return new Attempt(null, "the Vector API module is absent; pass --add-modules=jdk.incubator.vector");
        }
        try {
            return new Attempt(vector(), null);
        } catch (RuntimeException | LinkageError e) {
            return new Attempt(null, "the Vector API did not load: " + e);
        }
    }

    /** The Java backend the Vector API module allows; never fails. */
    private static Backend javaBackend(boolean vectorPresent) {
        Backend v = tryVector(vectorPresent).backend();
        return v != null ? v : scalar();
    }

    /** The attempt's backend, else the native-or-Java fallback, logging one line at the given level. */
    private static Backend orFallback(String name, Attempt first, Level level, boolean vectorPresent) {
        if (first.backend() != null) {
            return first.backend();
        }
        Backend nat = name.equals("native") || name.equals("vector") ? null : tryNative().backend();
        Backend fallback = nat != null ? nat : javaBackend(vectorPresent);
        LOG.log(level, name + " backend not used (" + first.reason() + "); using the " + fallback.name() + " backend");
        return fallback;
    }

    /** The backend for a value of {@link #PROPERTY} (null or blank: the automatic choice); never throws. */
    static Backend choose(String requested) {
        return choose(requested, vectorApiPresent());
    }

    /**
     * As {@link #choose(String)}, as if the Vector API module were present or not (tests). An
     * unknown name logs one warning naming it and the valid ones, then makes the automatic choice.
     */
    static Backend choose(String requested, boolean vectorPresent) {
        try {
            String name = requested == null ? "" : requested.strip().toLowerCase(java.util.Locale.ROOT);
            return switch (name) {
                case "" -> automatic(vectorPresent);
                case "scalar" -> scalar();
                case "vector" -> orFallback("vector", tryVector(vectorPresent), Level.WARNING, vectorPresent);
                case "native" -> orFallback("native", tryNative(), Level.WARNING, vectorPresent);
                case "cuda" -> orFallback("cuda", tryCuda(), Level.WARNING, vectorPresent);
                default -> {
                    Backend chosen = automatic(vectorPresent, Level.DEBUG);
                    LOG.log(Level.WARNING, PROPERTY + "=" + requested + " is not a backend (valid: " + NAMES + "); using the "
                            + chosen.name() + " backend");
                    yield chosen;
                }
            };
        } catch (RuntimeException | LinkageError e) {
            // Whatever went wrong, proving must still work: the scalar backend needs nothing.
            LOG.log(Level.WARNING, "could not choose a backend (" + e + "); using the scalar backend");
            return scalar();
        }
    }

    private static Backend automatic(boolean vectorPresent) {
        return automatic(vectorPresent, Level.INFO);
    }

    /** The automatic choice: cuda, else native, else vector, else scalar; its lines logged at {@code level} or below. */
    private static Backend automatic(boolean vectorPresent, Level level) {
        Attempt gpu = cudaDriverPresent() ? tryCuda()
                : new Attempt(null, "no NVIDIA driver (none of " + String.join(", ", NVIDIA_DRIVER_FILES) + ")");
        if (gpu.backend() != null) {
            LOG.log(level, "using the cuda backend on " + ((CudaBackend) gpu.backend()).device());
            return gpu.backend();
        }
        Backend chosen = orFallback("cuda", gpu, Level.DEBUG, vectorPresent);
        if (chosen == ScalarBackend.INSTANCE) {
            LOG.log(level, "using the scalar backend; pass --add-modules=jdk.incubator.vector for the vector one");
        }
        return chosen;
    }
}
