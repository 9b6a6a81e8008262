/*
 * zkinfer native kernels: the prover's hot loops in C, called from Java through JNA
 * (dev.zkinfer.prover.backend.NativeKernels). Every function returns exactly the field
 * elements / digests of the Java reference (ScalarCommitKernels, RoundSums): the
 * arithmetic is exact, so threads and delayed reduction change nothing but speed.
 *
 * Conventions (as in CommitKernels / SumcheckKernels):
 *  - base-field values are canonical uint64 in [0, p), p = 2^64 - 2^32 + 1 (Goldilocks);
 *  - an extension element of GF(p)[t]/(t^3 - 2) is three consecutive longs c0, c1, c2;
 *  - "width" is 1 (base table) or 3 (extension table);
 *  - sizes are element counts, not long counts, unless named *_longs.
 */
#ifndef ZKINFER_H
#define ZKINFER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A version number Java checks at load time, so a stale library is refused. */
int32_t zk_abi_version(void);
/* 1 when the SHA-NI compression function is in use, 0 for the portable one. */
int32_t zk_sha_ni(void);
/* Worker threads used for large buffers. */
int32_t zk_threads(void);
/* For tests: 1 forces the portable SHA-256 compression function, 0 restores the automatic choice. */
void zk_force_portable_sha(int32_t portable);

/* ---- commitment ---- */
void zk_ntt(int64_t *values, int32_t log_n);
void zk_encode_bit_reversed(const int64_t *coeffs, int32_t width, int32_t log_msg, int32_t log_n, int64_t *out);
void zk_evaluations_to_coefficients(int64_t *values, int32_t log_n);
void zk_hash_leaves(const int64_t *data, int64_t leaves, int32_t leaf_longs, uint8_t *out);
void zk_hash_parents(const uint8_t *children, int64_t parents, uint8_t *out);
/* The hiding opening's mask sums (CommitKernels.maskLowSums): out[a 3 low_size + 3 l + k] = coordinate k of
 * sum_h w[l + low_size h] parts[a high_size + h] for c parts (ABI 5). */
void zk_mask_low_sums(const int64_t *w, int64_t low_size, int64_t high_size, const int64_t *parts, int32_t c, int64_t *out);
/* The hiding opening's rho f_1 + g_1 (CommitKernels.maskCombine): out[b] = rho t[b] + sum_a e[a] parts[a size + b] for
 * array-form t and out (size extension values), c base-field parts and their c extension coefficients e (ABI 6). */
void zk_mask_combine(const int64_t *t, int64_t size, const int64_t *rho, const int64_t *parts, int32_t c, const int64_t *e, int64_t *out);
/* Salted leaf digests of a hiding tree: SHA-256(0x02 || salt_i || u64le leaf values_i), 16-byte salts (ABI 7; ABI 5-6:
 * SHA-256(0x02 || salt_i || leaf digest_i)). */
void zk_hash_salted_leaves(const int64_t *data, int64_t leaves, int32_t leaf_longs, const uint8_t *salts, uint8_t *out);
void zk_evaluate_mle(const int64_t *values, const int64_t *point, int32_t m, int64_t *out3);
/* w += sum_q coefs[q] * eq(points[q], .), points: count * 3m longs, coefs: count * 3 longs */
void zk_add_scaled_eq_batch(int64_t *w, const int64_t *points, const int64_t *coefs, int32_t count, int32_t m);
void zk_whir_sumcheck_round(const int64_t *f, int32_t f_width, const int64_t *w, int64_t size, int64_t *out9);
void zk_whir_fold(const int64_t *table, int32_t width, int64_t size, const int64_t *alpha, int32_t monomial, int64_t *out);
/* The longest proof-of-work prefix zk_grind accepts. */
#define ZK_POW_MAX_PREFIX 120
/* The smallest nonce >= 0 with SHA-256(prefix || u64le(nonce)) starting with `bits` zero bits
 * (most significant bit of byte 0 first); -1 if none below 2^63, -2 for invalid arguments. */
int64_t zk_grind(const uint8_t *prefix, int32_t len, int32_t bits);

/* ---- sumcheck ---- */
/* sum f*g over `half` pairs: values at 0 and 2 (6 longs, array form). base: both tables base-field. */
void zk_product_sums(const int64_t *f, const int64_t *g, int32_t base, int64_t half, int64_t *out6);
/* One pass of the eq-product sumcheck (SumcheckKernels.eqProductPass): with fold, dst = src folded by r over
 * 2 lo_size hi_size entries, then t(x) = sum_y lo[y % lo_size] hi[y / lo_size] dst[2y + x]; without, the same
 * sum over src. out6: t(0), t(1) (ABI 5). */
void zk_eq_product_pass(const int64_t *src, int32_t base, const int64_t *r, int32_t fold, int64_t *dst, const int64_t *lo,
                        int64_t lo_size, const int64_t *hi, int64_t hi_size, int64_t *out6);
void zk_fold_base(const int64_t *values, int64_t half, const int64_t *r, int64_t *out);
void zk_fold_ext(const int64_t *table, int64_t half, const int64_t *r, int64_t *out);
void zk_fold_ext_in_place(int64_t *table, int64_t half, const int64_t *r);
/* folds f, g (half pairs) into f_out, g_out (half entries each) and returns the next round's sums */
void zk_fold_and_product_sums(const int64_t *f, const int64_t *g, int32_t base, int64_t half, const int64_t *r,
                              int64_t *f_out, int64_t *g_out, int64_t *out6);

/* ---- LogUp-GKR (LogUpKernels) ---- */
/* fraction-tree parents x < count; base: every p in the base field (first coordinate read) */
void zk_logup_parents(const int64_t *p, const int64_t *q, int32_t base, int64_t count, int64_t *up_p, int64_t *up_q);
/* out[2j + b] = prev[j] (b ? r : 1 - r) for j < count */
void zk_logup_eq_expand(const int64_t *prev, const int64_t *r, int64_t count, int64_t *out);
/* layer sums over `pairs` pairs: sum eq G(0), sum eq lead (6 longs); lambda NULL unless ps is in children form */
void zk_logup_sums(const int64_t *ps, const int64_t *q, const int64_t *lambda, const int64_t *eq, int64_t pairs,
                   int64_t *out6);
/* folds `pairs` pairs by r into ps_out, q_out, then the sums of the folded tables over (pairs + 1) / 2 pairs */
void zk_logup_fold_and_sums(const int64_t *ps, const int64_t *q, const int64_t *lambda, const int64_t *r, int64_t pairs,
                            const int64_t *eq_next, int64_t *ps_out, int64_t *q_out, int64_t *out6);

/* Bounds of zk_round_sums (the caller uses Java beyond them). */
#define ZK_MAX_TABLES 16
#define ZK_MAX_DEGREE 8
#define ZK_MAX_TERMS 32
/*
 * SumcheckKernels.roundSums for any terms over up to 16 tables t0..t15 (unused ones NULL):
 * base_mask bit f set = table f holds 2 half base values; term k's factors are
 * factors[offsets[k] .. offsets[k+1]); out: 3 nterms degree longs, term-major, points 0, 2, ..., degree.
 */
void zk_round_sums(const int64_t *t0, const int64_t *t1, const int64_t *t2, const int64_t *t3, const int64_t *t4,
                   const int64_t *t5, const int64_t *t6, const int64_t *t7, const int64_t *t8, const int64_t *t9,
                   const int64_t *t10, const int64_t *t11, const int64_t *t12, const int64_t *t13,
                   const int64_t *t14, const int64_t *t15, int32_t ntables, int32_t base_mask,
                   const int32_t *factors, const int32_t *offsets, int32_t nterms, int64_t half, int32_t degree,
                   int64_t *out);

#ifdef __cplusplus
}
#endif
#endif
