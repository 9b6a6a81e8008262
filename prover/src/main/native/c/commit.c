/* Commitment kernels (CommitKernels): Reed-Solomon encoding by NTT, the Mobius transform,
 * Merkle hashing, eq tables and WHIR's weighted sumcheck. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "goldilocks.h"
#include "pool.h"
#include "sha256.h"
#include "zkinfer.h"

/* ---------------------------------------------------------------- NTT */

/* Per-level twiddles of a 2^log_m-point NTT: T[h + k] = w_{2h}^k for h = 1, 2, ..., M/2, k < h
 * (VectorCommitKernels.twiddles). Computed once per size and kept, up to TW_LOG: a level's entries
 * do not depend on the transform's size, so a larger transform reads the levels up to 2^(TW_LOG-1)
 * butterflies from twiddles(TW_LOG) and its larger levels from split_twiddles. A whole table per
 * size above that is what this file kept before 2026-12-05: 2 GiB of native memory for a 2^28-point
 * transform and one more table per size, ~4 GiB outside the heap for the life of a GPT-2 proof. */
#define TW_LOG 20
/* The butterflies of one piece of a level too large for the table (dif_level_range): w_{2h}^k for
 * k = TW_PIECE i + j is hi[i] lo[j], one multiplication per butterfly and no large table. */
#define TW_PIECE 1024
static u64 *twiddle_cache[TW_LOG + 1];
static pthread_mutex_t twiddle_lock = PTHREAD_MUTEX_INITIALIZER;

static const u64 *twiddles(int log_m) {
    if (log_m > TW_LOG) log_m = TW_LOG;
    u64 *t = __atomic_load_n(&twiddle_cache[log_m], __ATOMIC_ACQUIRE);
    if (t) return t;
    pthread_mutex_lock(&twiddle_lock);
    t = twiddle_cache[log_m];
    if (!t) {
        size_t n = log_m < 1 ? 2 : (size_t)1 << log_m;
        t = malloc(n * sizeof(u64));
        t[0] = 0;
        t[1] = 1;
        for (int lg = 1; lg <= log_m; lg++) {
            size_t h = (size_t)1 << (lg - 1);
            u64 w = gl_root_of_unity(lg);
            t[h] = 1;
            for (size_t k = 1; k < h; k++) t[h + k] = gl_mul(t[h + k - 1], w);
        }
        __atomic_store_n(&twiddle_cache[log_m], t, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&twiddle_lock);
    return t;
}

/* Level lg > TW_LOG (h = 2^(lg-1) butterflies, w = w_{2^lg}): lo[j] = w^j for j < TW_PIECE, then
 * hi[i] = w^(TW_PIECE i) for i < h / TW_PIECE, in one allocation (at lg = 28: 1 MiB). Kept. */
static u64 *split_cache[64];

static const u64 *split_twiddles(int lg) {
    u64 *t = __atomic_load_n(&split_cache[lg], __ATOMIC_ACQUIRE);
    if (t) return t;
    pthread_mutex_lock(&twiddle_lock);
    t = split_cache[lg];
    if (!t) {
        size_t hi = ((size_t)1 << (lg - 1)) / TW_PIECE;
        t = malloc((TW_PIECE + hi) * sizeof(u64));
        u64 w = gl_root_of_unity(lg);
        t[0] = 1;
        for (size_t j = 1; j < TW_PIECE; j++) t[j] = gl_mul(t[j - 1], w);
        u64 step = gl_mul(t[TW_PIECE - 1], w);
        t[TW_PIECE] = 1;
        for (size_t i = 1; i < hi; i++) t[TW_PIECE + i] = gl_mul(t[TW_PIECE + i - 1], step);
        __atomic_store_n(&split_cache[lg], t, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&twiddle_lock);
    return t;
}

/* One decimation-in-frequency level on the block at a (2*half elements of `width` longs):
 * (u, v) -> (u + v, (u - v) w_{2half}^k), butterflies k in [k0, k1), with t[k - k0] = w_{2half}^k. */
ZK_INLINE void dif_level(u64 *a, size_t half, const u64 *t, int width, size_t k0, size_t k1) {
    const size_t base = k0;
    if (k0 == 0 && k1 > 0) {
        /* twiddle w^0 = 1: no multiplication (all of the last level, half of the one before, ...) */
        for (int c = 0; c < width; c++) {
            u64 u = a[c], v = a[width * half + c];
            a[c] = gl_add(u, v);
            a[width * half + c] = gl_sub(u, v);
        }
        k0 = 1;
    }
    if (width == 1) {
        for (size_t k = k0; k < k1; k++) {
            u64 u = a[k], v = a[k + half];
            a[k] = gl_add(u, v);
            a[k + half] = gl_mul(gl_sub(u, v), t[k - base]);
        }
    } else {
        u64 *b = a + 3 * half;
        for (size_t k = k0; k < k1; k++) {
            u64 w = t[k - base];
            for (int c = 0; c < 3; c++) {
                u64 u = a[3 * k + c], v = b[3 * k + c];
                a[3 * k + c] = gl_add(u, v);
                b[3 * k + c] = gl_mul(gl_sub(u, v), w);
            }
        }
    }
}

/* Sub-transforms of at most 2^LOG_IN_CACHE elements run level by level inside the cache. */
#define LOG_IN_CACHE 13

static void dif_small(u64 *a, int log_m, const u64 *tw, int width) {
    for (int lg = log_m; lg >= 1; lg--) {
        size_t half = (size_t)1 << (lg - 1);
        for (size_t i = 0; i < ((size_t)1 << log_m); i += 2 * half) dif_level(a + width * i, half, tw + half, width, 0, half);
    }
}

struct dif_ctx {
    u64 *a;
    const u64 *tw;
    const u64 *split; /* split_twiddles of this level when it is above TW_LOG, else NULL */
    int width, low, log_m, log_half;
    size_t half, per;
};

/* butterflies of one level over all blocks, `per` pieces per block (of TW_PIECE butterflies each
 * where the level has more) */
static void dif_level_range(void *p, int64_t from, int64_t to, int chunk) {
    struct dif_ctx *c = p;
    if (c->split) {
        /* len == TW_PIECE here (half > 2^TW_LOG / 2); piece-major order, so that each piece's
         * twiddles w_{2half}^(TW_PIECE part + j) are computed once for all the blocks */
        u64 w[TW_PIECE];
        size_t blocks = (size_t)1 << c->log_m >> c->log_half >> 1, last = (size_t)-1;
        for (int64_t t = from; t < to; t++) {
            size_t part = (size_t)t / blocks, blk = (size_t)t % blocks, k0 = part * TW_PIECE;
            if (part != last) {
                u64 h = c->split[TW_PIECE + part];
                for (size_t j = 0; j < TW_PIECE; j++) w[j] = gl_mul(c->split[j], h);
                last = part;
            }
            dif_level(c->a + c->width * blk * 2 * c->half, c->half, w, c->width, k0, k0 + TW_PIECE);
        }
        return;
    }
    for (int64_t t = from; t < to; t++) {
        size_t blk = (size_t)t / c->per, part = (size_t)t % c->per, len = c->half / c->per;
        size_t k0 = part * len, k1 = part + 1 == c->per ? c->half : k0 + len;
        dif_level(c->a + c->width * blk * 2 * c->half, c->half, c->tw + c->half + k0, c->width, k0, k1);
    }
}

static void dif_blocks_range(void *p, int64_t from, int64_t to, int chunk) {
    struct dif_ctx *c = p;
    for (int64_t b = from; b < to; b++) dif_small(c->a + c->width * ((size_t)b << c->low), c->low, c->tw, c->width);
}

/* In-place DIF NTT (natural in, bit-reversed out) of 2^log_m elements of `width` longs.
 * With par set, the levels above the cache size are split over the threads, then the
 * cache-sized blocks are; otherwise everything runs on the calling thread. */
static void dif_ntt(u64 *a, int log_m, const u64 *tw, int width, int par) {
    size_t m = (size_t)1 << log_m;
    int top = log_m > LOG_IN_CACHE ? log_m - LOG_IN_CACHE : 0;
    struct dif_ctx c = {a, tw, NULL, width, log_m - top, log_m, 0, 0, 1};
    for (int lg = log_m; lg > log_m - top; lg--) {
        c.half = (size_t)1 << (lg - 1);
        c.log_half = lg - 1;
        c.per = c.half / TW_PIECE ? c.half / TW_PIECE : 1;
        c.split = lg > TW_LOG ? split_twiddles(lg) : NULL;
        int64_t total = (int64_t)(m / (2 * c.half) * c.per);
        if (par) {
            zk_parallel_for(total, 4, dif_level_range, &c);
        } else {
            dif_level_range(&c, 0, total, 0);
        }
    }
    int64_t nblocks = (int64_t)(m >> c.low);
    if (par) {
        zk_parallel_for(nblocks, 1, dif_blocks_range, &c);
    } else {
        dif_blocks_range(&c, 0, nblocks, 0);
    }
}

static inline size_t bit_reverse(size_t x, int bits) {
    size_t r = 0;
    for (int i = 0; i < bits; i++) {
        r = (r << 1) | (x & 1);
        x >>= 1;
    }
    return r;
}

void zk_ntt(int64_t *values, int32_t log_n) {
    u64 *a = (u64 *)values;
    size_t n = (size_t)1 << log_n;
    dif_ntt(a, log_n, twiddles(log_n), 1, n >= ZK_MIN_PARALLEL);
    /* bit-reversed -> natural order (j = rev(i), maintained incrementally) */
    for (size_t i = 1, j = 0; i < n; i++) {
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) {
            u64 t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

/* dst[c] = src[width c + q] step^c for c < m (four independent power chains). */
static void scale_by_powers(const u64 *src, int width, int q, u64 *dst, int dst_width, size_t m, u64 step) {
    u64 p[4];
    p[0] = 1;
    for (int i = 1; i < 4; i++) p[i] = gl_mul(p[i - 1], step);
    u64 step4 = gl_mul(p[3], step);
    size_t c = 0;
    for (; c + 4 <= m; c += 4) {
        for (int i = 0; i < 4; i++) {
            dst[dst_width * (c + i) + q] = gl_mul(src[width * (c + i) + q], p[i]);
            p[i] = gl_mul(p[i], step4);
        }
    }
    for (int i = 0; c < m; c++, i++) dst[dst_width * c + q] = gl_mul(src[width * c + q], p[i]);
}

/* Reed-Solomon encoding in bit-reversed order (VectorCommitKernels' derivation): with
 * N = 2^r M, the block rev_r(s) of the output is the M-point DIF NTT of the coefficients
 * scaled by w_N^(s c). Cosets are the parallel tasks when there are enough of them;
 * otherwise each NTT is split over the threads. */
struct encode_ctx {
    const u64 *src;
    u64 *dst;
    const u64 *tw;
    u64 omega_n;
    size_t m;
    int width, r, log_msg, inner_par;
};

static void encode_range(void *p, int64_t from, int64_t to, int chunk) {
    struct encode_ctx *c = p;
    for (int64_t s = from; s < to; s++) {
        size_t block = bit_reverse((size_t)s, c->r);
        u64 step = gl_pow(c->omega_n, (u64)s);
        u64 *o = c->dst + (size_t)c->width * c->m * block;
        for (int q = 0; q < c->width; q++) scale_by_powers(c->src, c->width, q, o, c->width, c->m, step);
        dif_ntt(o, c->log_msg, c->tw, c->width, c->inner_par);
    }
}

void zk_encode_bit_reversed(const int64_t *coeffs, int32_t width, int32_t log_msg, int32_t log_n, int64_t *out) {
    int r = log_n - log_msg;
    size_t m = (size_t)1 << log_msg;
    int64_t cosets = (int64_t)1 << r;
    int threads = zk_pool_threads();
    struct encode_ctx c = {(const u64 *)coeffs, (u64 *)out, twiddles(log_msg), gl_root_of_unity(log_n), m, width, r, log_msg, 0};
    c.inner_par = cosets < 2 * threads && m >= ZK_MIN_PARALLEL;
    if (c.inner_par || (size_t)cosets * m < ZK_MIN_PARALLEL) {
        encode_range(&c, 0, cosets, 0);
    } else {
        zk_parallel_for(cosets, 1, encode_range, &c);
    }
}

/* ---------------------------------------------------------------- Mobius transform */

struct mobius_ctx {
    u64 *v;
    int low, k;
};

static void mobius_blocks(void *p, int64_t from, int64_t to, int chunk) {
    struct mobius_ctx *c = p;
    for (int64_t b = from; b < to; b++) {
        u64 *x = c->v + ((size_t)b << c->low);
        for (int k = 0; k < c->low; k++) {
            size_t bit = (size_t)1 << k;
            for (size_t i = 0; i < ((size_t)1 << c->low); i += 2 * bit) {
                for (size_t j = i; j < i + bit; j++) x[j | bit] = gl_sub(x[j | bit], x[j]);
            }
        }
    }
}

static void mobius_pairs(void *p, int64_t from, int64_t to, int chunk) {
    struct mobius_ctx *c = p;
    int k = c->k;
    size_t bit = (size_t)1 << k;
    for (int64_t jj = from; jj < to; jj++) {
        size_t j = (size_t)jj;
        size_t i0 = ((j >> k) << (k + 1)) | (j & (bit - 1));
        c->v[i0 | bit] = gl_sub(c->v[i0 | bit], c->v[i0]);
    }
}

/* v[i | bit] -= v[i] for every variable: variables below LOG_IN_CACHE inside cache-sized
 * blocks, the rest as strided passes (the steps for different variables commute). */
void zk_evaluations_to_coefficients(int64_t *values, int32_t log_n) {
    size_t n = (size_t)1 << log_n;
    struct mobius_ctx c = {(u64 *)values, log_n < LOG_IN_CACHE ? log_n : LOG_IN_CACHE, 0};
    zk_parallel_for((int64_t)(n >> c.low), 1, mobius_blocks, &c);
    for (c.k = c.low; c.k < log_n; c.k++) zk_parallel_for((int64_t)(n >> 1), 8192, mobius_pairs, &c);
}

/* ---------------------------------------------------------------- Merkle hashing */

/* Merkle digests of items [from, to): SHA-256(prefix || item), two messages at a time. */
struct hash_ctx {
    const uint8_t *items;
    size_t item_bytes;
    uint8_t prefix;
    uint8_t *out;
};

/* Leaves of up to this many longs are hashed from a stack buffer. */
#define STACK_LEAF_LONGS 64

static void hash_range(void *p, int64_t from, int64_t to, int chunk) {
    struct hash_ctx *c = p;
    size_t len = 1 + c->item_bytes;
    uint8_t stack[2 * (1 + 8 * STACK_LEAF_LONGS)];
    uint8_t *buf = 2 * len <= sizeof stack ? stack : malloc(2 * len);
    uint8_t *buf2 = buf + len;
    buf[0] = c->prefix;
    buf2[0] = c->prefix;
    int64_t i = from;
    for (; i + 1 < to; i += 2) {
        memcpy(buf + 1, c->items + (size_t)i * c->item_bytes, c->item_bytes);
        memcpy(buf2 + 1, c->items + (size_t)(i + 1) * c->item_bytes, c->item_bytes);
        zk_sha256_x2(buf, buf2, len, c->out + 32 * (size_t)i, c->out + 32 * (size_t)(i + 1));
    }
    if (i < to) {
        memcpy(buf + 1, c->items + (size_t)i * c->item_bytes, c->item_bytes);
        zk_sha256(buf, len, c->out + 32 * (size_t)i);
    }
    if (buf != stack) free(buf);
}

/* leaf digest = SHA-256(0x00 || u64le(v_0) || ... ) (MerkleHash.hashLeaf; x86-64 is little-endian) */
void zk_hash_leaves(const int64_t *data, int64_t leaves, int32_t leaf_longs, uint8_t *out) {
    struct hash_ctx c = {(const uint8_t *)data, 8 * (size_t)leaf_longs, 0, out};
    zk_parallel_for(leaves, 64, hash_range, &c);
}

/* Salted leaves of a hiding tree: SHA-256(0x02 || salt || u64le(v_0) || ...), one hash per leaf
 * (MerkleHash.hashSaltedLeaf; ABI 7; ABI 5-6 hashed the salt over the unsalted leaf digest). */
struct salted_ctx {
    const uint8_t *items;
    size_t item_bytes;
    const uint8_t *salts;
    uint8_t *out;
};

#define SALT_BYTES 16

static void salted_range(void *p, int64_t from, int64_t to, int chunk) {
    struct salted_ctx *c = p;
    size_t head = 1 + SALT_BYTES, len = head + c->item_bytes;
    uint8_t stack[2 * (1 + SALT_BYTES + 8 * STACK_LEAF_LONGS)];
    uint8_t *buf = 2 * len <= sizeof stack ? stack : malloc(2 * len);
    uint8_t *buf2 = buf + len;
    buf[0] = 2;
    buf2[0] = 2;
    int64_t i = from;
    for (; i + 1 < to; i += 2) {
        memcpy(buf + 1, c->salts + SALT_BYTES * (size_t)i, SALT_BYTES);
        memcpy(buf2 + 1, c->salts + SALT_BYTES * (size_t)(i + 1), SALT_BYTES);
        memcpy(buf + head, c->items + (size_t)i * c->item_bytes, c->item_bytes);
        memcpy(buf2 + head, c->items + (size_t)(i + 1) * c->item_bytes, c->item_bytes);
        zk_sha256_x2(buf, buf2, len, c->out + 32 * (size_t)i, c->out + 32 * (size_t)(i + 1));
    }
    if (i < to) {
        memcpy(buf + 1, c->salts + SALT_BYTES * (size_t)i, SALT_BYTES);
        memcpy(buf + head, c->items + (size_t)i * c->item_bytes, c->item_bytes);
        zk_sha256(buf, len, c->out + 32 * (size_t)i);
    }
    if (buf != stack) free(buf);
}

void zk_hash_salted_leaves(const int64_t *data, int64_t leaves, int32_t leaf_longs, const uint8_t *salts, uint8_t *out) {
    struct salted_ctx c = {(const uint8_t *)data, 8 * (size_t)leaf_longs, salts, out};
    zk_parallel_for(leaves, 64, salted_range, &c);
}

/* node digest = SHA-256(0x01 || left || right) (MerkleHash.hashNode) */
void zk_hash_parents(const uint8_t *children, int64_t parents, uint8_t *out) {
    struct hash_ctx c = {children, 64, 1, out};
    zk_parallel_for(parents, 512, hash_range, &c);
}

/* ---------------------------------------------------------------- eq tables */

/* eq(point[offset .. offset+m), b) for b in {0,1}^m, array form, times coef (CommitArithmetic.eqTable:
 * highest variable first, so that variable j ends up as bit j). */
static u64 *eq_table(const u64 *point, int offset, int m, const u64 *coef) {
    u64 *t = malloc(sizeof(u64) * 3 * ((size_t)1 << m));
    t[0] = coef[0];
    t[1] = coef[1];
    t[2] = coef[2];
    size_t size = 1;
    for (int j = m - 1; j >= 0; j--) {
        const u64 *r = point + 3 * (offset + j);
        for (size_t b = size; b-- > 0;) {
            /* v r and v (1 - r) = v - v r: one product per entry */
            u64 v0 = t[3 * b], v1 = t[3 * b + 1], v2 = t[3 * b + 2], p0, p1, p2;
            ext_mul(v0, v1, v2, r[0], r[1], r[2], &p0, &p1, &p2);
            t[3 * (2 * b + 1)] = p0;
            t[3 * (2 * b + 1) + 1] = p1;
            t[3 * (2 * b + 1) + 2] = p2;
            t[6 * b] = gl_sub(v0, p0);
            t[6 * b + 1] = gl_sub(v1, p1);
            t[6 * b + 2] = gl_sub(v2, p2);
        }
        size <<= 1;
    }
    return t;
}

/* eq(point[0..m), b) for a point in the base field: 2^m base values (one product each), into out[b stride]. */
static void eq_table_base(const u64 *point, int m, u64 *out, size_t stride) {
    u64 *t = malloc(sizeof(u64) * ((size_t)1 << m));
    t[0] = 1;
    size_t size = 1;
    for (int j = m - 1; j >= 0; j--) {
        u64 r = point[3 * j];
        for (size_t b = size; b-- > 0;) {
            u64 v = t[b], p = gl_mul(v, r);
            t[2 * b + 1] = p;
            t[2 * b] = gl_sub(v, p);
        }
        size <<= 1;
    }
    for (size_t b = 0; b < size; b++) out[b * stride] = t[b];
    free(t);
}

static int is_base_point(const u64 *point, int m) {
    for (int i = 0; i < m; i++) {
        if (point[3 * i + 1] | point[3 * i + 2]) return 0;
    }
    return 1;
}

static const u64 ONE[3] = {1, 0, 0};

struct mle_ctx {
    const u64 *v, *low, *hi;
    int lo;
    u64 *parts; /* 3 per chunk */
};

static void mle_range(void *p, int64_t from, int64_t to, int chunk) {
    struct mle_ctx *c = p;
    size_t low_size = (size_t)1 << c->lo;
    u64 p0 = 0, p1 = 0, p2 = 0;
    for (int64_t h = from; h < to; h++) {
        acc192 s0 = {0, 0}, s1 = {0, 0}, s2 = {0, 0};
        const u64 *x = c->v + ((size_t)h << c->lo);
        for (size_t b = 0; b < low_size; b++) {
            acc_add(&s0, (u128)x[b] * c->low[3 * b]);
            acc_add(&s1, (u128)x[b] * c->low[3 * b + 1]);
            acc_add(&s2, (u128)x[b] * c->low[3 * b + 2]);
        }
        u64 t0, t1, t2;
        ext_mul(acc_value(s0), acc_value(s1), acc_value(s2), c->hi[3 * h], c->hi[3 * h + 1], c->hi[3 * h + 2], &t0, &t1, &t2);
        p0 = gl_add(p0, t0);
        p1 = gl_add(p1, t1);
        p2 = gl_add(p2, t2);
    }
    c->parts[3 * chunk] = p0;
    c->parts[3 * chunk + 1] = p1;
    c->parts[3 * chunk + 2] = p2;
}

/* Variables in the low factor when an eq table is split as eq(low) x eq(high): the low table
 * (2^12 extension entries, 96 KiB) is read again for every high index. */
#define SPLIT_LOW_VARS 12

/* The low half of an m-variable point whose eq tables are made separately: about half, at most SPLIT_LOW_VARS. */
static inline int split_low(int m) { return m / 2 < SPLIT_LOW_VARS ? m / 2 : SPLIT_LOW_VARS; }

/* f(point) = sum_c hi[c] sum_b values[c 2^lo + b] low[b] */
void zk_evaluate_mle(const int64_t *values, const int64_t *point, int32_t m, int64_t *out3) {
    const u64 *z = (const u64 *)point;
    /* the point split in half: its two eq tables cost 2^(m/2) products each (a low table of
     * min(m, 12) variables cost as much as the sum itself); small tables on the calling thread */
    int lo = split_low(m);
    int64_t high = (int64_t)1 << (m - lo);
    int64_t grain = lo >= 12 ? 1 : (int64_t)ZK_MIN_PARALLEL >> lo;
    u64 *low = eq_table(z, 0, lo, ONE), *hi = eq_table(z, lo, m - lo, ONE);
    int chunks = zk_chunks(high, grain);
    u64 *parts = calloc(3 * (size_t)chunks, sizeof(u64));
    struct mle_ctx c = {(const u64 *)values, low, hi, lo, parts};
    zk_parallel_for(high, grain, mle_range, &c);
    sum_parts(parts, chunks, 3, (u64 *)out3);
    free(parts);
    free(low);
    free(hi);
}

/* Low variables of the base-point batch: 2^9 entries x count queries stay in the L2 cache. */
#define BATCH_LOW_VARS 9

struct eq_ctx {
    u64 *w;
    const u64 *low_t, *hi_t; /* query-minor tables (general: 3 longs per low entry, 5 per high) */
    int count, lo, tile;
};

static void eq_base_range(void *p, int64_t from, int64_t to, int chunk) {
    struct eq_ctx *e = p;
    size_t low_size = (size_t)1 << e->lo;
    int count = e->count;
    for (int64_t cc = from; cc < to; cc++) {
        size_t c = (size_t)cc;
        const u64 *h = e->hi_t + 3 * c * count;
        for (size_t b = 0; b < low_size; b++) {
            const u64 *l = e->low_t + b * count;
            acc192 s0 = {0, 0}, s1 = {0, 0}, s2 = {0, 0};
            for (int q = 0; q < count; q++) {
                u64 x = l[q];
                acc_add(&s0, (u128)h[3 * q] * x);
                acc_add(&s1, (u128)h[3 * q + 1] * x);
                acc_add(&s2, (u128)h[3 * q + 2] * x);
            }
            u64 *o = e->w + 3 * ((c << e->lo) + b);
            o[0] = gl_add(o[0], acc_value(s0));
            o[1] = gl_add(o[1], acc_value(s1));
            o[2] = gl_add(o[2], acc_value(s2));
        }
    }
}

/* General points: w[c 2^lo + b] += sum_q hi_q[c] low_q[b], the nine 128-bit products of each
 * extension product summed over a tile of queries and reduced once per tile (the eq tables
 * split in half, so that making them costs 2^(m/2) products per query instead of 2^m). */
static void eq_general_range(void *p, int64_t from, int64_t to, int chunk) {
    struct eq_ctx *e = p;
    size_t low_size = (size_t)1 << e->lo;
    int count = e->count, tile = e->tile;
    for (int64_t cc = from; cc < to; cc++) {
        size_t c = (size_t)cc;
        const u64 *hc = e->hi_t + 5 * c * count;
        u64 *o = e->w + 3 * (c << e->lo);
        for (int q0 = 0; q0 < count; q0 += tile) {
            int q1 = count - q0 > tile ? q0 + tile : count;
            if (q1 - q0 == 1) {
                /* one query: a reduced product per entry (cheaper than three sums reduced once) */
                const u64 *h = hc + 5 * q0;
                for (size_t b = 0; b < low_size; b++) {
                    const u64 *x = e->low_t + 3 * (b * count + q0);
                    u64 p0, p1, p2, *ob = o + 3 * b;
                    ext_mul(h[0], h[1], h[2], x[0], x[1], x[2], &p0, &p1, &p2);
                    ob[0] = gl_add(ob[0], p0);
                    ob[1] = gl_add(ob[1], p1);
                    ob[2] = gl_add(ob[2], p2);
                }
                continue;
            }
            for (size_t b = 0; b < low_size; b++) {
                const u64 *l = e->low_t + 3 * b * count;
                acc192 s0 = {0, 0}, s1 = {0, 0}, s2 = {0, 0};
                for (int q = q0; q < q1; q++) {
                    const u64 *h = hc + 5 * q, *x = l + 3 * q;
                    /* (h0 + h1 t + h2 t^2)(x0 + x1 t + x2 t^2) with t^3 = 2; h[3] = 2 h1, h[4] = 2 h2 */
                    acc_add(&s0, (u128)h[0] * x[0]);
                    acc_add(&s0, (u128)h[3] * x[2]);
                    acc_add(&s0, (u128)h[4] * x[1]);
                    acc_add(&s1, (u128)h[0] * x[1]);
                    acc_add(&s1, (u128)h[1] * x[0]);
                    acc_add(&s1, (u128)h[4] * x[2]);
                    acc_add(&s2, (u128)h[0] * x[2]);
                    acc_add(&s2, (u128)h[1] * x[1]);
                    acc_add(&s2, (u128)h[2] * x[0]);
                }
                u64 *ob = o + 3 * b;
                ob[0] = gl_add(ob[0], acc_value(s0));
                ob[1] = gl_add(ob[1], acc_value(s1));
                ob[2] = gl_add(ob[2], acc_value(s2));
            }
        }
    }
}

/* Queries per tile of the general batch: the tile's low tables (2^lo x tile entries) stay in the L2 cache. */
#define GENERAL_TILE_ENTRIES 8192

void zk_add_scaled_eq_batch(int64_t *w_, const int64_t *points_, const int64_t *coefs_, int32_t count, int32_t m) {
    const u64 *points = (const u64 *)points_, *coefs = (const u64 *)coefs_;
    int all_base = 1;
    for (int q = 0; q < count; q++) all_base &= is_base_point(points + 3 * (size_t)m * q, m);
    struct eq_ctx e = {(u64 *)w_, NULL, NULL, count, 0, 1};
    if (all_base) {
        /* w[c 2^lo + b] += sum_q hi_q[c] low_q[b]: three 128-bit dot products over q, one reduction each */
        e.lo = m < BATCH_LOW_VARS ? m : BATCH_LOW_VARS;
        size_t low_size = (size_t)1 << e.lo, high_size = (size_t)1 << (m - e.lo);
        u64 *low_t = malloc(sizeof(u64) * low_size * count);
        u64 *hi_t = malloc(sizeof(u64) * 3 * high_size * count);
        for (int q = 0; q < count; q++) {
            const u64 *z = points + 3 * (size_t)m * q;
            eq_table_base(z, e.lo, low_t + q, (size_t)count);
            u64 *hi = eq_table(z, e.lo, m - e.lo, coefs + 3 * q);
            for (size_t c = 0; c < high_size; c++) memcpy(hi_t + 3 * (c * count + q), hi + 3 * c, 3 * sizeof(u64));
            free(hi);
        }
        e.low_t = low_t;
        e.hi_t = hi_t;
        zk_parallel_for((int64_t)high_size, 1, eq_base_range, &e);
        free(low_t);
        free(hi_t);
        return;
    }
    /* general points: eq(low half) and coef eq(high half) per query, query-minor, then the batched products */
    e.lo = split_low(m);
    e.tile = GENERAL_TILE_ENTRIES >> e.lo > 1 ? GENERAL_TILE_ENTRIES >> e.lo : 1;
    size_t low_size = (size_t)1 << e.lo, high_size = (size_t)1 << (m - e.lo);
    u64 *low_t = malloc(sizeof(u64) * 3 * low_size * count);
    u64 *hi_t = malloc(sizeof(u64) * 5 * high_size * count);
    for (int q = 0; q < count; q++) {
        const u64 *z = points + 3 * (size_t)m * q;
        u64 *low = eq_table(z, 0, e.lo, ONE);
        for (size_t b = 0; b < low_size; b++) memcpy(low_t + 3 * (b * count + q), low + 3 * b, 3 * sizeof(u64));
        u64 *hi = eq_table(z, e.lo, m - e.lo, coefs + 3 * q);
        for (size_t c = 0; c < high_size; c++) {
            u64 *d = hi_t + 5 * (c * count + q);
            d[0] = hi[3 * c];
            d[1] = hi[3 * c + 1];
            d[2] = hi[3 * c + 2];
            d[3] = gl_dbl(hi[3 * c + 1]);
            d[4] = gl_dbl(hi[3 * c + 2]);
        }
        free(low);
        free(hi);
    }
    e.low_t = low_t;
    e.hi_t = hi_t;
    /* a small batch on the calling thread (a parallel loop's hand-off costs more than it does) */
    int64_t per_item = (int64_t)low_size * count;
    int64_t grain = per_item >= ZK_MIN_PARALLEL ? 1 : (ZK_MIN_PARALLEL + per_item - 1) / per_item;
    zk_parallel_for((int64_t)high_size, grain, eq_general_range, &e);
    free(low_t);
    free(hi_t);
}

/* ---------------------------------------------------------------- WHIR sumcheck */

struct whir_ctx {
    const u64 *f, *w;
    u64 *out;
    u64 a0, a1, a2;
    int width, monomial;
    u64 *parts; /* 9 per chunk */
};

static void whir_round_range(void *p, int64_t from, int64_t to, int chunk) {
    struct whir_ctx *c = p;
    const u64 *f = c->f, *w = c->w;
    u64 *part = c->parts + 9 * chunk;
    if (c->width == 1) {
        acc192 a[9];
        memset(a, 0, sizeof a);
        for (int64_t j = from; j < to; j++) {
            const u64 *u = w + 6 * j, *v = u + 3;
            u64 x = f[2 * j], y = f[2 * j + 1], e = gl_sub(gl_dbl(y), x);
            for (int k = 0; k < 3; k++) {
                acc_add(&a[k], (u128)u[k] * x);
                acc_add(&a[3 + k], (u128)v[k] * y);
                acc_add(&a[6 + k], (u128)gl_sub(gl_dbl(v[k]), u[k]) * e);
            }
        }
        for (int i = 0; i < 9; i++) part[i] = acc_value(a[i]);
    } else {
        ext_acc a[3];
        memset(a, 0, sizeof a);
        for (int64_t j = from; j < to; j++) {
            const u64 *u = w + 6 * j, *v = u + 3, *x = f + 6 * j, *y = x + 3;
            ext_acc_add(&a[0], u[0], u[1], u[2], x[0], x[1], x[2]);
            ext_acc_add(&a[1], v[0], v[1], v[2], y[0], y[1], y[2]);
            ext_acc_add(&a[2], gl_sub(gl_dbl(v[0]), u[0]), gl_sub(gl_dbl(v[1]), u[1]), gl_sub(gl_dbl(v[2]), u[2]),
                        gl_sub(gl_dbl(y[0]), x[0]), gl_sub(gl_dbl(y[1]), x[1]), gl_sub(gl_dbl(y[2]), x[2]));
        }
        for (int i = 0; i < 3; i++) ext_acc_value(&a[i], part + 3 * i);
    }
}

/* h(0), h(1), h(2) of sum_b w(b) f(b) binding variable 0 (CommitArithmetic.sumcheckRange). */
void zk_whir_sumcheck_round(const int64_t *f, int32_t fw, const int64_t *w, int64_t size, int64_t *out9) {
    int64_t pairs = size >> 1;
    int chunks = zk_chunks(pairs, ZK_MIN_PARALLEL);
    struct whir_ctx c = {(const u64 *)f, (const u64 *)w, NULL, 0, 0, 0, fw, 0, calloc(9 * (size_t)chunks, sizeof(u64))};
    zk_parallel_for(pairs, ZK_MIN_PARALLEL, whir_round_range, &c);
    sum_parts(c.parts, chunks, 9, (u64 *)out9);
    free(c.parts);
}

static void whir_fold_range(void *p, int64_t from, int64_t to, int chunk) {
    struct whir_ctx *c = p;
    const u64 *t = c->f;
    u64 a0 = c->a0, a1 = c->a1, a2 = c->a2, a1d = gl_dbl(a1), a2d = gl_dbl(a2);
    for (int64_t j = from; j < to; j++) {
        u64 *o = c->out + 3 * j;
        if (c->width == 1) {
            u64 x = t[2 * j], d = c->monomial ? t[2 * j + 1] : gl_sub(t[2 * j + 1], x);
            fold_base_diff(x, d, a0, a1, a2, o);
        } else {
            const u64 *x = t + 6 * j, *y = x + 3;
            u64 d0 = y[0], d1 = y[1], d2 = y[2];
            if (!c->monomial) {
                d0 = gl_sub(d0, x[0]);
                d1 = gl_sub(d1, x[1]);
                d2 = gl_sub(d2, x[2]);
            }
            o[0] = gl_dot3(x[0], d0, a0, d1, a2d, d2, a1d);
            o[1] = gl_dot3(x[1], d0, a1, d1, a0, d2, a2d);
            o[2] = gl_dot3(x[2], d0, a2, d1, a1, d2, a0);
        }
    }
}

/* out[j] = t[2j] + alpha (t[2j+1] - t[2j]) (Lagrange) or t[2j] + alpha t[2j+1] (monomial). */
void zk_whir_fold(const int64_t *t, int32_t width, int64_t size, const int64_t *alpha, int32_t monomial, int64_t *out) {
    struct whir_ctx c = {(const u64 *)t, NULL, (u64 *)out, (u64)alpha[0], (u64)alpha[1], (u64)alpha[2], width, monomial, NULL};
    zk_parallel_for(size >> 1, ZK_MIN_PARALLEL, whir_fold_range, &c);
}

/* ---------------------------------------------------------------- hiding opening: mask sums */

struct mask_ctx {
    const u64 *w, *parts;
    int64_t low_size, high_size;
    int c;
    u64 *out; /* c 3 low_size per chunk */
};

static void mask_range(void *p, int64_t from, int64_t to, int chunk) {
    struct mask_ctx *m = p;
    size_t width = 3 * (size_t)m->low_size, total = width * (size_t)m->c;
    acc192 *acc = calloc(total, sizeof(acc192));
    for (int64_t h = from; h < to; h++) {
        const u64 *row = m->w + width * (size_t)h;
        for (int a = 0; a < m->c; a++) {
            u64 s = m->parts[(size_t)a * m->high_size + h];
            acc192 *o = acc + (size_t)a * width;
            for (size_t i = 0; i < width; i++) acc_add(&o[i], (u128)row[i] * s);
        }
    }
    u64 *out = m->out + total * (size_t)chunk;
    for (size_t i = 0; i < total; i++) out[i] = acc_value(acc[i]);
    free(acc);
}

void zk_mask_low_sums(const int64_t *w, int64_t low_size, int64_t high_size, const int64_t *parts, int32_t c, int64_t *out) {
    int64_t grain = low_size >= ZK_MIN_PARALLEL ? 1 : ZK_MIN_PARALLEL / low_size;
    int chunks = zk_chunks(high_size, grain);
    size_t total = 3 * (size_t)low_size * (size_t)c;
    struct mask_ctx m = {(const u64 *)w, (const u64 *)parts, low_size, high_size, c, calloc(total * (size_t)chunks, sizeof(u64))};
    zk_parallel_for(high_size, grain, mask_range, &m);
    sum_parts(m.out, chunks, (int)total, (u64 *)out);
    free(m.out);
}

/* ---------------------------------------------------------------- hiding opening: rho f_1 + g_1 */

struct combine_ctx {
    const u64 *t, *parts, *rho, *e;
    int64_t size;
    int c;
    u64 *out;
};

static void combine_range(void *p, int64_t from, int64_t to, int chunk) {
    (void)chunk;
    struct combine_ctx *m = p;
    u64 r0 = m->rho[0], r1 = m->rho[1], r2 = m->rho[2];
    for (int64_t b = from; b < to; b++) {
        const u64 *x = m->t + 3 * b;
        u64 v0, v1, v2;
        ext_mul(x[0], x[1], x[2], r0, r1, r2, &v0, &v1, &v2);
        acc192 a0 = {v0, 0}, a1 = {v1, 0}, a2 = {v2, 0};
        for (int a = 0; a < m->c; a++) {
            u64 s = m->parts[(size_t)a * (size_t)m->size + (size_t)b];
            const u64 *e = m->e + 3 * a;
            acc_add(&a0, (u128)e[0] * s);
            acc_add(&a1, (u128)e[1] * s);
            acc_add(&a2, (u128)e[2] * s);
        }
        u64 *o = m->out + 3 * b;
        o[0] = acc_value(a0);
        o[1] = acc_value(a1);
        o[2] = acc_value(a2);
    }
}

void zk_mask_combine(const int64_t *t, int64_t size, const int64_t *rho, const int64_t *parts, int32_t c, const int64_t *e, int64_t *out) {
    struct combine_ctx m = {(const u64 *)t, (const u64 *)parts, (const u64 *)rho, (const u64 *)e, size, c, (u64 *)out};
    zk_parallel_for(size, ZK_MIN_PARALLEL, combine_range, &m);
}
