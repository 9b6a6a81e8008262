package dev.zkinfer.prover.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * libzkinfer's kernels stay its own when the CUDA backend's library was loaded first: JNA opens
 * libzkinfer_cuda.so with RTLD_GLOBAL, and that library exports functions of the same names as
 * libzkinfer.so's (zk_product_sums, with device handles for arguments). Without -Bsymbolic
 * (build.sh) the JNI entry points' calls bound to those at their first call, so every proof of a
 * JVM that had probed the CUDA backend got zero round sums and failed to verify (the full prover
 * suite, where a CUDA test runs before the model proofs). The order matters only before the first
 * call, so the check runs in a fresh JVM that loads the CUDA library first. Skipped where either
 * library is not loadable.
 */
class NativeSymbolInterpositionTest {
    static final int SKIP = 3;

    /** In the fresh JVM: load the CUDA library, then compare a native round sum with the scalar one. */
    public static void main(String[] args) {
        if (NativeBackend.unavailableReason() != null) {
            System.exit(SKIP);
        }
        try {
            NativeLibrary.getInstance(CudaLibrary.NAME);
        } catch (UnsatisfiedLinkError e) {
            System.exit(SKIP);
        }
        Backend nat = new NativeBackend(Backends.scalar(), 0);
        Backend scalar = Backends.scalar();
        SplittableRandom rnd = new SplittableRandom(5);
        for (int n = 1; n <= 12; n++) {
            long[] f = rnd.longs(1 << n, 0, Long.MAX_VALUE).toArray();
            long[] g = rnd.longs(1 << n, 0, Long.MAX_VALUE).toArray();
            long[][] tables = {f, g};
            boolean[] base = {true, true};
            int[][] terms = {{0, 1}};
            long[] want = scalar.sumcheck().roundSums(tables, base, terms, 1 << (n - 1), 2);
            long[] got = nat.sumcheck().roundSums(tables, base, terms, 1 << (n - 1), 2);
            if (!Arrays.equals(want, got)) {
                System.out.println("round sums at 2^" + n + ": native " + Arrays.toString(got) + ", scalar " + Arrays.toString(want));
                System.exit(1);
            }
        }
        System.exit(0);
    }

    @Test
    void kernelsStayTheirOwnAfterTheCudaLibraryIsLoaded() throws IOException, InterruptedException {
        assumeTrue(NativeBackend.unavailableReason() == null, "native backend not loadable");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), NativeSymbolInterpositionTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        assumeTrue(p.exitValue() != SKIP, "the CUDA library is not loadable here");
        assertEquals(0, p.exitValue(), out);
    }
}
