package dev.zkinfer.bench;

import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;

/** The backend named by a benchmark's {@code backend} parameter. */
final class BenchBackends {
    private BenchBackends() {}

    static Backend byName(String name) {
        return switch (name) {
            case "scalar" -> Backends.scalar();
            case "vector" -> Backends.vector();
            case "native" -> {
                Backend b = Backends.nativeBackend();
                if (b == null) {
                    throw new IllegalStateException("native backend not loadable: " + Backends.nativeUnavailableReason());
                }
                yield b;
            }
            default -> throw new IllegalArgumentException("unknown backend " + name);
        };
    }
}
