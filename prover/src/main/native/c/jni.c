/*
 * JNI entry points of libzkinfer, one per kernel of zkinfer.h, for NativeJni: the same kernels as
 * the foreign-function downcalls of NativeKernels, without their cost in a cold JVM (making a
 * downcall handle spins ~10 hidden classes with the class-file API, which a short proof's
 * interpreter and C1 compiler pay for: ~0.2 s of CPU for a LeNet-5 proof's 20 kernels). A Java
 * array is passed by pointer while the call runs (GetPrimitiveArrayCritical: pinned, or the
 * collector waits), as the downcalls pass heap segments; a null array is a NULL pointer.
 * Built only where jni.h is found (build.sh); without it the downcalls are used.
 */
#include <jni.h>
#include <stddef.h>
#include "zkinfer.h"

static void *crit(JNIEnv *env, jarray a) {
    return a == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, a, NULL);
}

static void uncrit(JNIEnv *env, jarray a, void *p) {
    if (p != NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, a, p, 0);
    }
}

JNIEXPORT jint JNICALL Java_dev_zkinfer_prover_backend_NativeJni_abiVersion(JNIEnv *env, jclass cls) {
    jint r = 0;
    r = zk_abi_version();
    return r;
}

JNIEXPORT jint JNICALL Java_dev_zkinfer_prover_backend_NativeJni_shaNi(JNIEnv *env, jclass cls) {
    jint r = 0;
    r = zk_sha_ni();
    return r;
}

JNIEXPORT jint JNICALL Java_dev_zkinfer_prover_backend_NativeJni_threads(JNIEnv *env, jclass cls) {
    jint r = 0;
    r = zk_threads();
    return r;
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_forcePortableSha(JNIEnv *env, jclass cls, jint portable) {
    zk_force_portable_sha(portable);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_ntt(JNIEnv *env, jclass cls, jlongArray values, jint logN) {
    void *p_values = crit(env, values);
    if (!((values && !p_values))) {
        zk_ntt((int64_t *) p_values, logN);
    }
    uncrit(env, values, p_values);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_encodeBitReversed(JNIEnv *env, jclass cls, jlongArray coeffs, jint width, jint logMsg, jint logN, jlongArray out) {
    void *p_coeffs = crit(env, coeffs);
    void *p_out = crit(env, out);
    if (!((coeffs && !p_coeffs) || (out && !p_out))) {
        zk_encode_bit_reversed((int64_t *) p_coeffs, width, logMsg, logN, (int64_t *) p_out);
    }
    uncrit(env, out, p_out);
    uncrit(env, coeffs, p_coeffs);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_evaluationsToCoefficients(JNIEnv *env, jclass cls, jlongArray values, jint logN) {
    void *p_values = crit(env, values);
    if (!((values && !p_values))) {
        zk_evaluations_to_coefficients((int64_t *) p_values, logN);
    }
    uncrit(env, values, p_values);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_hashLeaves(JNIEnv *env, jclass cls, jlongArray data, jlong leaves, jint leafLongs, jbyteArray out) {
    void *p_data = crit(env, data);
    void *p_out = crit(env, out);
    if (!((data && !p_data) || (out && !p_out))) {
        zk_hash_leaves((int64_t *) p_data, leaves, leafLongs, (uint8_t *) p_out);
    }
    uncrit(env, out, p_out);
    uncrit(env, data, p_data);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_hashSaltedLeaves(JNIEnv *env, jclass cls, jlongArray data, jlong leaves, jint leafLongs, jbyteArray salts, jbyteArray out) {
    void *p_data = crit(env, data);
    void *p_salts = crit(env, salts);
    void *p_out = crit(env, out);
    if (!((data && !p_data) || (salts && !p_salts) || (out && !p_out))) {
        zk_hash_salted_leaves((int64_t *) p_data, leaves, leafLongs, (uint8_t *) p_salts, (uint8_t *) p_out);
    }
    uncrit(env, out, p_out);
    uncrit(env, salts, p_salts);
    uncrit(env, data, p_data);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_hashParents(JNIEnv *env, jclass cls, jbyteArray children, jlong parents, jbyteArray out) {
    void *p_children = crit(env, children);
    void *p_out = crit(env, out);
    if (!((children && !p_children) || (out && !p_out))) {
        zk_hash_parents((uint8_t *) p_children, parents, (uint8_t *) p_out);
    }
    uncrit(env, out, p_out);
    uncrit(env, children, p_children);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_maskLowSums(JNIEnv *env, jclass cls, jlongArray w, jlong lowSize, jlong highSize, jlongArray parts, jint c, jlongArray out) {
    void *p_w = crit(env, w);
    void *p_parts = crit(env, parts);
    void *p_out = crit(env, out);
    if (!((w && !p_w) || (parts && !p_parts) || (out && !p_out))) {
        zk_mask_low_sums((int64_t *) p_w, lowSize, highSize, (int64_t *) p_parts, c, (int64_t *) p_out);
    }
    uncrit(env, out, p_out);
    uncrit(env, parts, p_parts);
    uncrit(env, w, p_w);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_maskCombine(JNIEnv *env, jclass cls, jlongArray t, jlong size, jlongArray rho, jlongArray parts, jint c, jlongArray e, jlongArray out) {
    void *p_t = crit(env, t);
    void *p_rho = crit(env, rho);
    void *p_parts = crit(env, parts);
    void *p_e = crit(env, e);
    void *p_out = crit(env, out);
    if (!((t && !p_t) || (rho && !p_rho) || (parts && !p_parts) || (e && !p_e) || (out && !p_out))) {
        zk_mask_combine((int64_t *) p_t, size, (int64_t *) p_rho, (int64_t *) p_parts, c, (int64_t *) p_e, (int64_t *) p_out);
    }
    uncrit(env, out, p_out);
    uncrit(env, e, p_e);
    uncrit(env, parts, p_parts);
    uncrit(env, rho, p_rho);
    uncrit(env, t, p_t);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_evaluateMle(JNIEnv *env, jclass cls, jlongArray values, jlongArray point, jint m, jlongArray out3) {
    void *p_values = crit(env, values);
    void *p_point = crit(env, point);
    void *p_out3 = crit(env, out3);
    if (!((values && !p_values) || (point && !p_point) || (out3 && !p_out3))) {
        zk_evaluate_mle((int64_t *) p_values, (int64_t *) p_point, m, (int64_t *) p_out3);
    }
    uncrit(env, out3, p_out3);
    uncrit(env, point, p_point);
    uncrit(env, values, p_values);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_addScaledEqBatch(JNIEnv *env, jclass cls, jlongArray w, jlongArray points, jlongArray coefs, jint count, jint m) {
    void *p_w = crit(env, w);
    void *p_points = crit(env, points);
    void *p_coefs = crit(env, coefs);
    if (!((w && !p_w) || (points && !p_points) || (coefs && !p_coefs))) {
        zk_add_scaled_eq_batch((int64_t *) p_w, (int64_t *) p_points, (int64_t *) p_coefs, count, m);
    }
    uncrit(env, coefs, p_coefs);
    uncrit(env, points, p_points);
    uncrit(env, w, p_w);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_whirSumcheckRound(JNIEnv *env, jclass cls, jlongArray f, jint fWidth, jlongArray w, jlong size, jlongArray out9) {
    void *p_f = crit(env, f);
    void *p_w = crit(env, w);
    void *p_out9 = crit(env, out9);
    if (!((f && !p_f) || (w && !p_w) || (out9 && !p_out9))) {
        zk_whir_sumcheck_round((int64_t *) p_f, fWidth, (int64_t *) p_w, size, (int64_t *) p_out9);
    }
    uncrit(env, out9, p_out9);
    uncrit(env, w, p_w);
    uncrit(env, f, p_f);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_whirFold(JNIEnv *env, jclass cls, jlongArray table, jint width, jlong size, jlongArray alpha, jint monomial, jlongArray out) {
    void *p_table = crit(env, table);
    void *p_alpha = crit(env, alpha);
    void *p_out = crit(env, out);
    if (!((table && !p_table) || (alpha && !p_alpha) || (out && !p_out))) {
        zk_whir_fold((int64_t *) p_table, width, size, (int64_t *) p_alpha, monomial, (int64_t *) p_out);
    }
    uncrit(env, out, p_out);
    uncrit(env, alpha, p_alpha);
    uncrit(env, table, p_table);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_eqProductPass(JNIEnv *env, jclass cls, jlongArray src, jint base, jlongArray r, jint fold, jlongArray dst, jlongArray lo, jlong loSize, jlongArray hi, jlong hiSize, jlongArray out6) {
    void *p_src = crit(env, src);
    void *p_r = crit(env, r);
    void *p_dst = crit(env, dst);
    void *p_lo = crit(env, lo);
    void *p_hi = crit(env, hi);
    void *p_out6 = crit(env, out6);
    if (!((src && !p_src) || (r && !p_r) || (dst && !p_dst) || (lo && !p_lo) || (hi && !p_hi) || (out6 && !p_out6))) {
        zk_eq_product_pass((int64_t *) p_src, base, (int64_t *) p_r, fold, (int64_t *) p_dst, (int64_t *) p_lo, loSize, (int64_t *) p_hi, hiSize, (int64_t *) p_out6);
    }
    uncrit(env, out6, p_out6);
    uncrit(env, hi, p_hi);
    uncrit(env, lo, p_lo);
    uncrit(env, dst, p_dst);
    uncrit(env, r, p_r);
    uncrit(env, src, p_src);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_productSums(JNIEnv *env, jclass cls, jlongArray f, jlongArray g, jint base, jlong half, jlongArray out6) {
    void *p_f = crit(env, f);
    void *p_g = crit(env, g);
    void *p_out6 = crit(env, out6);
    if (!((f && !p_f) || (g && !p_g) || (out6 && !p_out6))) {
        zk_product_sums((int64_t *) p_f, (int64_t *) p_g, base, half, (int64_t *) p_out6);
    }
    uncrit(env, out6, p_out6);
    uncrit(env, g, p_g);
    uncrit(env, f, p_f);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_foldAndProductSums(JNIEnv *env, jclass cls, jlongArray f, jlongArray g, jint base, jlong half, jlongArray r, jlongArray fOut, jlongArray gOut, jlongArray out6) {
    void *p_f = crit(env, f);
    void *p_g = crit(env, g);
    void *p_r = crit(env, r);
    void *p_fOut = crit(env, fOut);
    void *p_gOut = crit(env, gOut);
    void *p_out6 = crit(env, out6);
    if (!((f && !p_f) || (g && !p_g) || (r && !p_r) || (fOut && !p_fOut) || (gOut && !p_gOut) || (out6 && !p_out6))) {
        zk_fold_and_product_sums((int64_t *) p_f, (int64_t *) p_g, base, half, (int64_t *) p_r, (int64_t *) p_fOut, (int64_t *) p_gOut, (int64_t *) p_out6);
    }
    uncrit(env, out6, p_out6);
    uncrit(env, gOut, p_gOut);
    uncrit(env, fOut, p_fOut);
    uncrit(env, r, p_r);
    uncrit(env, g, p_g);
    uncrit(env, f, p_f);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_foldBase(JNIEnv *env, jclass cls, jlongArray values, jlong half, jlongArray r, jlongArray out) {
    void *p_values = crit(env, values);
    void *p_r = crit(env, r);
    void *p_out = crit(env, out);
    if (!((values && !p_values) || (r && !p_r) || (out && !p_out))) {
        zk_fold_base((int64_t *) p_values, half, (int64_t *) p_r, (int64_t *) p_out);
    }
    uncrit(env, out, p_out);
    uncrit(env, r, p_r);
    uncrit(env, values, p_values);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_foldExt(JNIEnv *env, jclass cls, jlongArray table, jlong half, jlongArray r, jlongArray out) {
    void *p_table = crit(env, table);
    void *p_r = crit(env, r);
    void *p_out = crit(env, out);
    if (!((table && !p_table) || (r && !p_r) || (out && !p_out))) {
        zk_fold_ext((int64_t *) p_table, half, (int64_t *) p_r, (int64_t *) p_out);
    }
    uncrit(env, out, p_out);
    uncrit(env, r, p_r);
    uncrit(env, table, p_table);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_foldExtInPlace(JNIEnv *env, jclass cls, jlongArray table, jlong half, jlongArray r) {
    void *p_table = crit(env, table);
    void *p_r = crit(env, r);
    if (!((table && !p_table) || (r && !p_r))) {
        zk_fold_ext_in_place((int64_t *) p_table, half, (int64_t *) p_r);
    }
    uncrit(env, r, p_r);
    uncrit(env, table, p_table);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_logupParents(JNIEnv *env, jclass cls, jlongArray p, jlongArray q, jint base, jlong count, jlongArray upP, jlongArray upQ) {
    void *p_p = crit(env, p);
    void *p_q = crit(env, q);
    void *p_upP = crit(env, upP);
    void *p_upQ = crit(env, upQ);
    if (!((p && !p_p) || (q && !p_q) || (upP && !p_upP) || (upQ && !p_upQ))) {
        zk_logup_parents((int64_t *) p_p, (int64_t *) p_q, base, count, (int64_t *) p_upP, (int64_t *) p_upQ);
    }
    uncrit(env, upQ, p_upQ);
    uncrit(env, upP, p_upP);
    uncrit(env, q, p_q);
    uncrit(env, p, p_p);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_logupEqExpand(JNIEnv *env, jclass cls, jlongArray prev, jlongArray r, jlong count, jlongArray out) {
    void *p_prev = crit(env, prev);
    void *p_r = crit(env, r);
    void *p_out = crit(env, out);
    if (!((prev && !p_prev) || (r && !p_r) || (out && !p_out))) {
        zk_logup_eq_expand((int64_t *) p_prev, (int64_t *) p_r, count, (int64_t *) p_out);
    }
    uncrit(env, out, p_out);
    uncrit(env, r, p_r);
    uncrit(env, prev, p_prev);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_logupSums(JNIEnv *env, jclass cls, jlongArray ps, jlongArray q, jlongArray lambda, jlongArray eq, jlong pairs, jlongArray out6) {
    void *p_ps = crit(env, ps);
    void *p_q = crit(env, q);
    void *p_lambda = crit(env, lambda);
    void *p_eq = crit(env, eq);
    void *p_out6 = crit(env, out6);
    if (!((ps && !p_ps) || (q && !p_q) || (lambda && !p_lambda) || (eq && !p_eq) || (out6 && !p_out6))) {
        zk_logup_sums((int64_t *) p_ps, (int64_t *) p_q, (int64_t *) p_lambda, (int64_t *) p_eq, pairs, (int64_t *) p_out6);
    }
    uncrit(env, out6, p_out6);
    uncrit(env, eq, p_eq);
    uncrit(env, lambda, p_lambda);
    uncrit(env, q, p_q);
    uncrit(env, ps, p_ps);
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_logupFoldAndSums(JNIEnv *env, jclass cls, jlongArray ps, jlongArray q, jlongArray lambda, jlongArray r, jlong pairs, jlongArray eqNext, jlongArray psOut, jlongArray qOut, jlongArray out6) {
    void *p_ps = crit(env, ps);
    void *p_q = crit(env, q);
    void *p_lambda = crit(env, lambda);
    void *p_r = crit(env, r);
    void *p_eqNext = crit(env, eqNext);
    void *p_psOut = crit(env, psOut);
    void *p_qOut = crit(env, qOut);
    void *p_out6 = crit(env, out6);
    if (!((ps && !p_ps) || (q && !p_q) || (lambda && !p_lambda) || (r && !p_r) || (eqNext && !p_eqNext) || (psOut && !p_psOut) || (qOut && !p_qOut) || (out6 && !p_out6))) {
        zk_logup_fold_and_sums((int64_t *) p_ps, (int64_t *) p_q, (int64_t *) p_lambda, (int64_t *) p_r, pairs, (int64_t *) p_eqNext, (int64_t *) p_psOut, (int64_t *) p_qOut, (int64_t *) p_out6);
    }
    uncrit(env, out6, p_out6);
    uncrit(env, qOut, p_qOut);
    uncrit(env, psOut, p_psOut);
    uncrit(env, eqNext, p_eqNext);
    uncrit(env, r, p_r);
    uncrit(env, lambda, p_lambda);
    uncrit(env, q, p_q);
    uncrit(env, ps, p_ps);
}

JNIEXPORT jlong JNICALL Java_dev_zkinfer_prover_backend_NativeJni_grind(JNIEnv *env, jclass cls, jbyteArray prefix, jint len, jint bits) {
    void *p_prefix = crit(env, prefix);
    jlong r = 0;
    if (!((prefix && !p_prefix))) {
        r = zk_grind((uint8_t *) p_prefix, len, bits);
    }
    uncrit(env, prefix, p_prefix);
    return r;
}

JNIEXPORT void JNICALL Java_dev_zkinfer_prover_backend_NativeJni_roundSums(JNIEnv *env, jclass cls, jobjectArray tables,
        jint baseMask, jintArray factors, jintArray offsets, jint nterms, jlong half, jint degree, jlongArray out) {
    jsize n = (*env)->GetArrayLength(env, tables);
    if (n > ZK_MAX_TABLES) {
        return; /* NativeKernels checks the bound first */
    }
    /* every element first: no other JNI call may come between the critical ones */
    jlongArray a[ZK_MAX_TABLES] = {0};
    for (jsize f = 0; f < n; f++) {
        a[f] = (jlongArray) (*env)->GetObjectArrayElement(env, tables, f);
    }
    void *t[ZK_MAX_TABLES] = {0};
    int ok = 1;
    for (jsize f = 0; f < n; f++) {
        t[f] = crit(env, a[f]);
        ok &= a[f] == NULL || t[f] != NULL;
    }
    void *p_factors = crit(env, factors);
    void *p_offsets = crit(env, offsets);
    void *p_out = crit(env, out);
    if (ok && p_factors != NULL && p_offsets != NULL && p_out != NULL) {
        zk_round_sums(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], t[12], t[13], t[14], t[15],
                n, baseMask, (const int32_t *) p_factors, (const int32_t *) p_offsets, nterms, half, degree, (int64_t *) p_out);
    }
    uncrit(env, out, p_out);
    uncrit(env, offsets, p_offsets);
    uncrit(env, factors, p_factors);
    for (jsize f = n - 1; f >= 0; f--) {
        uncrit(env, a[f], t[f]);
    }
}
