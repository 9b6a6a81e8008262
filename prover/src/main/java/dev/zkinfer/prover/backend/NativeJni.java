package dev.zkinfer.prover.backend;

/**
 * libzkinfer's kernels as JNI methods (c/jni.c), which {@link NativeKernels} calls in place of
 * its foreign-function downcalls once {@link NativeKernels} has loaded the library with
 * {@link System#load} and {@link #abiVersion} answers: a JNI method is bound by a symbol lookup
 * on its first call, where a downcall handle spins hidden classes (~10 each, with the class-file
 * API that a cold JVM interprets, then compiles): ~0.2 s of CPU for the 20 kernels of a LeNet-5
 * proof. The arrays are passed by pointer for the call (JNI's critical access, as the downcalls'
 * heap segments); a null array is a NULL pointer. Each method is the C function of zkinfer.h of
 * the same name in snake case, with {@code zk_}; {@link #roundSums} takes its tables as one array.
 */
final class NativeJni {
    private NativeJni() {}

    static native int abiVersion();
    static native int shaNi();
    static native int threads();
    static native void forcePortableSha(int portable);
    static native void ntt(long[] values, int logN);
    static native void encodeBitReversed(long[] coeffs, int width, int logMsg, int logN, long[] out);
    static native void evaluationsToCoefficients(long[] values, int logN);
    static native void hashLeaves(long[] data, long leaves, int leafLongs, byte[] out);
    static native void hashSaltedLeaves(long[] data, long leaves, int leafLongs, byte[] salts, byte[] out);
    static native void hashParents(byte[] children, long parents, byte[] out);
    static native void maskLowSums(long[] w, long lowSize, long highSize, long[] parts, int c, long[] out);
    static native void maskCombine(long[] t, long size, long[] rho, long[] parts, int c, long[] e, long[] out);
    static native void evaluateMle(long[] values, long[] point, int m, long[] out3);
    static native void addScaledEqBatch(long[] w, long[] points, long[] coefs, int count, int m);
    static native void whirSumcheckRound(long[] f, int fWidth, long[] w, long size, long[] out9);
    static native void whirFold(long[] table, int width, long size, long[] alpha, int monomial, long[] out);
    static native void eqProductPass(long[] src, int base, long[] r, int fold, long[] dst, long[] lo, long loSize, long[] hi, long hiSize, long[] out6);
    static native void productSums(long[] f, long[] g, int base, long half, long[] out6);
    static native void foldAndProductSums(long[] f, long[] g, int base, long half, long[] r, long[] fOut, long[] gOut, long[] out6);
    static native void foldBase(long[] values, long half, long[] r, long[] out);
    static native void foldExt(long[] table, long half, long[] r, long[] out);
    static native void foldExtInPlace(long[] table, long half, long[] r);
    static native void logupParents(long[] p, long[] q, int base, long count, long[] upP, long[] upQ);
    static native void logupEqExpand(long[] prev, long[] r, long count, long[] out);
    static native void logupSums(long[] ps, long[] q, long[] lambda, long[] eq, long pairs, long[] out6);
    static native void logupFoldAndSums(long[] ps, long[] q, long[] lambda, long[] r, long pairs, long[] eqNext, long[] psOut, long[] qOut, long[] out6);
    static native long grind(byte[] prefix, int len, int bits);
    static native void roundSums(long[][] tables, int baseMask, int[] factors, int[] offsets, int nterms, long half, int degree, long[] out);
}
