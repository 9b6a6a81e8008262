package dev.zkinfer.prover.backend;

/** Backends that tests in other packages need and the public API does not make. */
public final class TestBackends {
    private TestBackends() {}

    /** The native backend with the given threshold ({@code zkinfer.native.min}; 32 in the launcher's short runs), or null without libzkinfer. */
    public static Backend nativeFrom(int minNative) {
        return NativeBackend.unavailableReason() == null ? new NativeBackend(Backends.scalar(), minNative) : null;
    }
}
