package dev.zkinfer.prover.backend;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * JNA direct mapping of {@code libzkinfer_cuda} (C ABI: prover/src/main/native/cuda/zkinfer_cuda.h,
 * which documents every function). Device tables are handles (device pointers as longs); every
 * function returns 0 or an error code whose text {@link #zk_last_error()} gives. Callers hold
 * {@link CudaBackend#LOCK}: the library keeps per-process scratch buffers.
 */
final class CudaLibrary {
    /** The library's base name: linux-x86-64/libzkinfer_cuda.so on the class path or jna.library.path. */
    static final String NAME = "zkinfer_cuda";

    private CudaLibrary() {}

    /** Binds the natives; throws UnsatisfiedLinkError (with the loader's reason) when the library is absent. */
    static void register() {
        Native.register(CudaLibrary.class, NativeLibrary.getInstance(NAME));
    }

    static native int zk_device_count();

    static native int zk_init(byte[] name, int len);

    static native String zk_last_error();

    static native int zk_alloc(long bytes, long[] handle);

    static native int zk_free(long handle);

    static native int zk_upload(long handle, long[] host, long bytes);

    static native int zk_download(long[] host, long handle, long bytes);

    static native int zk_zero(long handle, long bytes);

    static native int zk_host_alloc(long bytes, long[] host);

    static native int zk_upload_ptr(long handle, long host, long bytes);

    static native int zk_download_ptr(long host, long handle, long bytes);

    static native int zk_encode_bit_reversed(long[] coeffs, int width, int logMsg, int logN, long omega, long[] out);

    static native int zk_encode_device(long devCoeffs, int width, int logMsg, int logN, long omega, long[] codeword);

    static native int zk_mobius(long values, int n);

    static native int zk_gather_leaves(long table, int[] idx, int count, int leafLongs, long[] out);

    static native int zk_merkle_tree(long[] data, long leaves, int leafLongs, byte[] out);

    static native int zk_merkle_tree_device(long data, long leaves, int leafLongs, long[] nodes);

    static native int zk_whir_round(long f, int fw, long w, long size, long[] out);

    static native int zk_whir_fold(long t, int width, long size, long[] alpha, int monomial, long out);

    static native int zk_add_eq_split(long w, int m, int lo, int count, long[] hi, long[] low);

    static native int zk_evaluate_split(long values, int m, int lo, long[] hi, long[] low, long[] out);

    static native int zk_product_sums(long f, int fBase, long g, int gBase, long half, long[] out);

    static native int zk_product_fold_sums(long f, int fBase, long g, int gBase, long half, long[] r, long fOut, long gOut,
            long[] out);

    static native int zk_sumcheck_fold(long t, int isBase, long half, long[] r, long out);

    static native int zk_generic_sums(long[] tables, int[] isBase, int nt, int[] termOff, int[] factors, int nterms, long half,
            int degree, long[] out);
}
