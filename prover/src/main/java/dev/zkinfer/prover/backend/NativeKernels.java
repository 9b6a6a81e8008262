package dev.zkinfer.prover.backend;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * JNA direct mapping of {@code libzkinfer} ({@code prover/src/main/native/c/zkinfer.h}): each
 * method is one coarse call over whole tables. Arrays are passed as Java arrays; the C side
 * reads and writes them in place. {@link #LOAD_ERROR} is null when the library loaded.
 */
final class NativeKernels {
    /** The library's ABI version this class was written against (zk_abi_version). */
    static final int ABI_VERSION = 1;

    /** Why the library could not be used, or null when it loaded. */
    static final String LOAD_ERROR = load();

    private NativeKernels() {}

    private static String load() {
        try {
            // finds libzkinfer.so on jna.library.path, the system paths, or the classpath
            // (linux-x86-64/libzkinfer.so inside the prover jar)
            Native.register(NativeKernels.class, NativeLibrary.getInstance("zkinfer"));
            int abi = zk_abi_version();
            if (abi != ABI_VERSION) {
                return "libzkinfer has ABI version " + abi + ", expected " + ABI_VERSION;
            }
            return null;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | IllegalStateException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            int nl = msg.indexOf('\n');
            return "libzkinfer not loadable: " + (nl < 0 ? msg : msg.substring(0, nl));
        }
    }

    static native int zk_abi_version();

    static native int zk_sha_ni();

    static native int zk_threads();

    static native void zk_force_portable_sha(int portable);

    static native void zk_ntt(long[] values, int logN);

    static native void zk_encode_bit_reversed(long[] coeffs, int width, int logMsg, int logN, long[] out);

    static native void zk_evaluations_to_coefficients(long[] values, int logN);

    static native void zk_hash_leaves(long[] data, long leaves, int leafLongs, byte[] out);

    static native void zk_hash_parents(byte[] children, long parents, byte[] out);

    static native void zk_evaluate_mle(long[] values, long[] point, int m, long[] out3);

    static native void zk_add_scaled_eq_batch(long[] w, long[] points, long[] coefs, int count, int m);

    static native void zk_whir_sumcheck_round(long[] f, int fWidth, long[] w, long size, long[] out9);

    static native void zk_whir_fold(long[] table, int width, long size, long[] alpha, int monomial, long[] out);

    static native void zk_product_sums(long[] f, long[] g, int base, long half, long[] out6);

    static native void zk_fold_base(long[] values, long half, long[] r, long[] out);

    static native void zk_fold_ext(long[] table, long half, long[] r, long[] out);

    static native void zk_fold_ext_in_place(long[] table, long half, long[] r);

    static native void zk_fold_and_product_sums(long[] f, long[] g, int base, long half, long[] r, long[] fOut,
            long[] gOut, long[] out6);
}
