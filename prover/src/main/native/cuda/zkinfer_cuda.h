/*
 * zkinfer CUDA backend: the C ABI that dev.zkinfer.prover.backend.CudaBackend binds through JNA.
 *
 * Conventions (those of CommitKernels / SumcheckKernels):
 *   - field elements are canonical Goldilocks values (p = 2^64 - 2^32 + 1) in uint64_t;
 *   - an extension element (GF(p)[t]/(t^3 - 2)) is three consecutive values c0, c1, c2;
 *   - every result equals the scalar reference bit for bit (the arithmetic is exact).
 *
 * Memory: device buffers are opaque handles (device pointers as uint64_t) made by
 * zk_alloc and released by zk_free; the host side passes ordinary host arrays to the
 * upload/download calls. All calls are synchronous on the default stream.
 *
 * Every function returns 0 on success, or a non-zero CUDA error code, whose text
 * zk_last_error() returns (valid until the next failing call on any thread).
 */
#ifndef ZKINFER_CUDA_H
#define ZKINFER_CUDA_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Number of CUDA devices, or -(error code) when the runtime/driver is unusable. */
int zk_device_count(void);
/* Selects device 0 and creates its context; writes its name (NUL-terminated) into name[len]. */
int zk_init(char *name, int len);
const char *zk_last_error(void);

int zk_alloc(uint64_t bytes, uint64_t *handle);
int zk_free(uint64_t handle);
int zk_upload(uint64_t handle, const void *host, uint64_t bytes);
int zk_download(void *host, uint64_t handle, uint64_t bytes);
int zk_zero(uint64_t handle, uint64_t bytes);
/* Page-locked host memory (for staged transfers at full PCIe speed); host addresses as uint64_t. */
int zk_host_alloc(uint64_t bytes, uint64_t *host);
int zk_upload_ptr(uint64_t handle, uint64_t host, uint64_t bytes);
int zk_download_ptr(uint64_t host, uint64_t handle, uint64_t bytes);

/*
 * Reed-Solomon encoding in bit-reversed order: coeffs (width * 2^logMsg values, host) are
 * zero-padded to 2^logN points per coordinate; out (width * 2^logN, host) gets at position
 * p the value at omega^rev(p), omega = rootOfUnity(logN) (passed by the caller).
 */
int zk_encode_bit_reversed(const uint64_t *coeffs, int width, int logMsg, int logN, uint64_t omega, uint64_t *out);
/*
 * The same encoding from a device table of coefficients (devCoeffs) into a new device table
 * (*codeword, width * 2^logN values; the caller frees it).
 */
int zk_encode_device(uint64_t devCoeffs, int width, int logMsg, int logN, uint64_t omega, uint64_t *codeword);
/* In place on a device table of 2^n base values: hypercube values to monomial coefficients (Moebius). */
int zk_mobius(uint64_t values, int n);
/* out (host, count * leafLongs values) = leaves idx[0..count) of a device table. */
int zk_gather_leaves(uint64_t table, const int32_t *idx, int count, int leafLongs, uint64_t *out);

/*
 * A whole Merkle tree (MerkleHash): leaves are consecutive runs of leafLongs values of
 * data (host, leaves * leafLongs values); out (host) receives every layer, leaves first,
 * 32 bytes per node: (2 * leaves - 1) * 32 bytes.
 */
int zk_merkle_tree(const uint64_t *data, int64_t leaves, int leafLongs, uint8_t *out);
/* The same tree over a device table, left in a new device buffer (*nodes, same layout; the caller frees it). */
int zk_merkle_tree_device(uint64_t data, int64_t leaves, int leafLongs, uint64_t *nodes);

/* WHIR weighted sumcheck round over `size` entries of device tables f (width fw) and w (width 3): 9 values to out. */
int zk_whir_round(uint64_t f, int fw, uint64_t w, int64_t size, uint64_t *out);
/* out (device, 3 * size/2) = fold of t (device, width, first size entries) by alpha (3 values). */
int zk_whir_fold(uint64_t t, int width, int64_t size, const uint64_t *alpha, int monomial, uint64_t out);
/*
 * w (device, 2^m extension entries) += sum over q < count of hi_q[b >> lo] * low_q[b & (2^lo - 1)]:
 * the split form of coef_q * eq(point_q, b) (hi: count * 2^(m-lo), low: count * 2^lo extension
 * values, host; the caller computes them as the reference does).
 */
int zk_add_eq_split(uint64_t w, int m, int lo, int count, const uint64_t *hi, const uint64_t *low);

/* sum over b of values[b] * hi[b >> lo] * low[b & (2^lo - 1)] for a device table of 2^m base values: 3 values to out. */
int zk_evaluate_split(uint64_t values, int m, int lo, const uint64_t *hi, const uint64_t *low, uint64_t *out);

/*
 * Sum of products f*g (degree 2, one term) on device tables; isBase flags (1: 2*half base
 * values, 0: 2*half extension values). Writes the 6 longs of SumcheckKernels.roundSums.
 */
int zk_product_sums(uint64_t f, int fBase, uint64_t g, int gBase, int64_t half, uint64_t *out);
/*
 * Fold f and g (device) by r into fOut, gOut (device, 3 * half values each; may not alias
 * the inputs) and write the next round's 6 sums over half/2 pairs (half >= 2).
 */
int zk_product_fold_sums(uint64_t f, int fBase, uint64_t g, int gBase, int64_t half, const uint64_t *r,
                         uint64_t fOut, uint64_t gOut, uint64_t *out);
/*
 * Per-term round sums of a general sum of products (SumcheckKernels.roundSums): tables[f]
 * (device, base if isBase[f]: 2*half values, else 6*half), terms given by termOff (nterms + 1
 * offsets into factors), degree d; out receives nterms * d extension values, term-major.
 * Limits: ZK_MAX_TABLES tables, ZK_MAX_TERMS terms, ZK_MAX_FACTORS factors, degree <= ZK_MAX_DEGREE.
 */
#define ZK_MAX_TABLES 32
#define ZK_MAX_TERMS 32
#define ZK_MAX_FACTORS 128
#define ZK_MAX_DEGREE 8
int zk_generic_sums(const uint64_t *tables, const int32_t *isBase, int nt, const int32_t *termOff, const int32_t *factors,
                    int nterms, int64_t half, int degree, uint64_t *out);
/* out (device, 3 * half) = fold of the device table t (base or extension) by r. */
int zk_sumcheck_fold(uint64_t t, int isBase, int64_t half, const uint64_t *r, uint64_t out);

#ifdef __cplusplus
}
#endif
#endif
