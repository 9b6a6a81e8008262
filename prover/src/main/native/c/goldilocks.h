/* Goldilocks and GF(p^3) arithmetic, inlined into the kernels (same algebra as
 * dev.zkinfer.field.Goldilocks / Ext3). Internal header. */
#ifndef ZK_GOLDILOCKS_H
#define ZK_GOLDILOCKS_H

#include <stdint.h>

typedef uint64_t u64;
typedef unsigned __int128 u128;

#define GL_P 0xFFFFFFFF00000001ULL
#define GL_EPS 0xFFFFFFFFULL

#define ZK_INLINE static inline __attribute__((always_inline))

/* Branch-free forms (conditional moves): with random field elements the carries are coin
 * flips, and a mispredicted branch costs more than the whole operation. */
ZK_INLINE u64 gl_add(u64 a, u64 b) {
    u64 nb = GL_P - b; /* in [1, p] */
    u64 d = a - nb;    /* a + b - p, valid when a >= p - b */
    return a >= nb ? d : a + b;
}

ZK_INLINE u64 gl_sub(u64 a, u64 b) {
    u64 d = a - b;
    return a < b ? d + GL_P : d;
}

ZK_INLINE u64 gl_dbl(u64 a) { return gl_add(a, a); }

/* (hi 2^64 + lo) mod p, as Goldilocks.reduce128: 2^96 = -1, 2^64 = 2^32 - 1. */
ZK_INLINE u64 gl_red128(u128 x) {
    u64 lo = (u64)x, hi = (u64)(x >> 64);
    u64 hh = hi >> 32, hl = hi & GL_EPS;
    u64 t0 = lo - hh;
    t0 -= GL_EPS & -(u64)(lo < hh);
    u64 t1 = hl * GL_EPS;
    u64 r;
    u64 c = __builtin_add_overflow(t0, t1, &r);
    r += GL_EPS & -c;
    u64 d = r - GL_P;
    return r >= GL_P ? d : r;
}

ZK_INLINE u64 gl_mul(u64 a, u64 b) { return gl_red128((u128)a * b); }

static inline u64 gl_pow(u64 b, u64 e) {
    u64 r = 1;
    while (e) {
        if (e & 1) r = gl_mul(r, b);
        b = gl_mul(b, b);
        e >>= 1;
    }
    return r;
}

/* The 2^log_n-th root of unity of Goldilocks.rootOfUnity: 7^((p-1)/2^32) squared 32 - log_n times. */
static inline u64 gl_root_of_unity(int log_n) {
    u64 g = gl_pow(7, (GL_P - 1) >> 32);
    for (int i = log_n; i < 32; i++) g = gl_mul(g, g);
    return g;
}

/* A sum of 128-bit products with a count of its wrap-arounds: value = top 2^128 + s. */
typedef struct {
    u128 s;
    u64 top;
} acc192;

ZK_INLINE void acc_add(acc192 *a, u128 p) {
    u128 s = a->s + p;
    a->top += s < p;
    a->s = s;
}

/* 2^128 = -2^32 (mod p); top < p always (a count). */
ZK_INLINE u64 acc_value(acc192 a) { return gl_sub(gl_red128(a.s), gl_mul(a.top, 1ULL << 32)); }

/* x + a0 b0 + a1 b1 + a2 b2 mod p, one reduction (FusedSumcheck.dot3). */
ZK_INLINE u64 gl_dot3(u64 x, u64 a0, u64 b0, u64 a1, u64 b1, u64 a2, u64 b2) {
    u128 p0 = (u128)a0 * b0, p1 = (u128)a1 * b1, p2 = (u128)a2 * b2;
    u128 s = p0 + p1;
    u64 top = s < p0;
    s += p2;
    top += s < p2;
    s += x;
    top += s < (u128)x;
    return gl_sub(gl_red128(s), top << 32);
}

/* out = a * b in GF(p)[t]/(t^3 - 2). */
ZK_INLINE void ext_mul(u64 a0, u64 a1, u64 a2, u64 b0, u64 b1, u64 b2, u64 *o0, u64 *o1, u64 *o2) {
    u64 b1d = gl_dbl(b1), b2d = gl_dbl(b2);
    *o0 = gl_dot3(0, a0, b0, a1, b2d, a2, b1d);
    *o1 = gl_dot3(0, a0, b1, a1, b0, a2, b2d);
    *o2 = gl_dot3(0, a0, b2, a1, b1, a2, b0);
}

/* o = x + d r for base x, d and extension r */
ZK_INLINE void fold_base_diff(u64 x, u64 d, u64 r0, u64 r1, u64 r2, u64 *o) {
    o[0] = gl_dot3(x, d, r0, 0, 0, 0, 0);
    o[1] = gl_mul(d, r1);
    o[2] = gl_mul(d, r2);
}

/* x + r (y - x) in the extension; r1d = 2 r1, r2d = 2 r2 */
ZK_INLINE void fold_ext1(const u64 *x, const u64 *y, u64 r0, u64 r1, u64 r2, u64 r1d, u64 r2d, u64 *o) {
    u64 e0 = gl_sub(y[0], x[0]), e1 = gl_sub(y[1], x[1]), e2 = gl_sub(y[2], x[2]);
    o[0] = gl_dot3(x[0], e0, r0, e1, r2d, e2, r1d);
    o[1] = gl_dot3(x[1], e0, r1, e1, r0, e2, r2d);
    o[2] = gl_dot3(x[2], e0, r2, e1, r1, e2, r0);
}

/* per-chunk partial sums added in chunk order (field addition is exact: any order gives the same) */
static inline void sum_parts(const u64 *parts, int chunks, int width, u64 *res) {
    for (int i = 0; i < width; i++) res[i] = 0;
    for (int k = 0; k < chunks * width; k++) res[k % width] = gl_add(res[k % width], parts[k]);
}

/* A sum of extension products: each product reduced (ext_mul), each coordinate summed in
 * 64 bits with a count of its wrap-arounds (value = s + 2^64 c), reduced once at the end.
 * Twelve registers; the raw 128-bit sums of the nine partial products would spill. */
typedef struct {
    u64 s0, s1, s2, c0, c1, c2;
} ext_acc;

/* e += p0 + p1 t + p2 t^2 (an already reduced extension element) */
ZK_INLINE void ext_acc_add_value(ext_acc *e, u64 p0, u64 p1, u64 p2) {
    e->s0 += p0;
    e->c0 += e->s0 < p0;
    e->s1 += p1;
    e->c1 += e->s1 < p1;
    e->s2 += p2;
    e->c2 += e->s2 < p2;
}

/* e += a * b */
ZK_INLINE void ext_acc_add(ext_acc *e, u64 a0, u64 a1, u64 a2, u64 b0, u64 b1, u64 b2) {
    u64 p0, p1, p2;
    ext_mul(a0, a1, a2, b0, b1, b2, &p0, &p1, &p2);
    ext_acc_add_value(e, p0, p1, p2);
}

ZK_INLINE void ext_acc_value(const ext_acc *e, u64 *out) {
    out[0] = gl_red128((u128)e->c0 << 64 | e->s0);
    out[1] = gl_red128((u128)e->c1 << 64 | e->s1);
    out[2] = gl_red128((u128)e->c2 << 64 | e->s2);
}

/* Below this many elements a kernel runs on the calling thread only. */
#define ZK_MIN_PARALLEL 4096

#endif
