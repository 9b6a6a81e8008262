/* Sumcheck kernels (SumcheckKernels): folds and round sums of the common product f*g,
 * fused as in FusedSumcheck, with delayed reduction in 128-bit accumulators. */
#include <stdlib.h>
#include <string.h>

#include "goldilocks.h"
#include "pool.h"
#include "zkinfer.h"

/* a + r (b - a) for base a, b and extension r */
ZK_INLINE void fold_base1(u64 a, u64 b, u64 r0, u64 r1, u64 r2, u64 *o) { fold_base_diff(a, gl_sub(b, a), r0, r1, r2, o); }

struct sc_ctx {
    const u64 *f, *g;
    u64 *fo, *go;
    int base;
    u64 r0, r1, r2, r1d, r2d;
    u64 *parts; /* 6 per chunk */
};

static void product_range(void *p, int64_t from, int64_t to, int chunk) {
    struct sc_ctx *c = p;
    const u64 *f = c->f, *g = c->g;
    u64 *part = c->parts + 6 * chunk;
    memset(part, 0, 6 * sizeof(u64));
    if (c->base) {
        acc192 s0 = {0, 0}, s2 = {0, 0};
        for (int64_t j = from; j < to; j++) {
            u64 a = f[2 * j], b = f[2 * j + 1], x = g[2 * j], d = g[2 * j + 1];
            acc_add(&s0, (u128)a * x);
            acc_add(&s2, (u128)gl_sub(gl_dbl(b), a) * gl_sub(gl_dbl(d), x));
        }
        part[0] = acc_value(s0);
        part[3] = acc_value(s2);
    } else {
        ext_acc s0, s2;
        memset(&s0, 0, sizeof s0);
        memset(&s2, 0, sizeof s2);
        for (int64_t j = from; j < to; j++) {
            const u64 *a = f + 6 * j, *b = a + 3, *x = g + 6 * j, *d = x + 3;
            ext_acc_add(&s0, a[0], a[1], a[2], x[0], x[1], x[2]);
            ext_acc_add(&s2, gl_sub(gl_dbl(b[0]), a[0]), gl_sub(gl_dbl(b[1]), a[1]), gl_sub(gl_dbl(b[2]), a[2]),
                        gl_sub(gl_dbl(d[0]), x[0]), gl_sub(gl_dbl(d[1]), x[1]), gl_sub(gl_dbl(d[2]), x[2]));
        }
        ext_acc_value(&s0, part);
        ext_acc_value(&s2, part + 3);
    }
}

void zk_product_sums(const int64_t *f, const int64_t *g, int32_t base, int64_t half, int64_t *out6) {
    int chunks = zk_chunks(half, ZK_MIN_PARALLEL);
    struct sc_ctx c = {(const u64 *)f, (const u64 *)g, NULL, NULL, base, 0, 0, 0, 0, 0, malloc(6 * sizeof(u64) * chunks)};
    zk_parallel_for(half, ZK_MIN_PARALLEL, product_range, &c);
    sum_parts(c.parts, chunks, 6, (u64 *)out6);
    free(c.parts);
}

static void fold_base_range(void *p, int64_t from, int64_t to, int chunk) {
    struct sc_ctx *c = p;
    for (int64_t j = from; j < to; j++) fold_base1(c->f[2 * j], c->f[2 * j + 1], c->r0, c->r1, c->r2, c->fo + 3 * j);
}

static void fold_ext_range(void *p, int64_t from, int64_t to, int chunk) {
    struct sc_ctx *c = p;
    for (int64_t j = from; j < to; j++) fold_ext1(c->f + 6 * j, c->f + 6 * j + 3, c->r0, c->r1, c->r2, c->r1d, c->r2d, c->fo + 3 * j);
}

static struct sc_ctx fold_ctx(const int64_t *t, const int64_t *r, int64_t *out) {
    u64 r1 = (u64)r[1], r2 = (u64)r[2];
    struct sc_ctx c = {(const u64 *)t, NULL, (u64 *)out, NULL, 0, (u64)r[0], r1, r2, gl_dbl(r1), gl_dbl(r2), NULL};
    return c;
}

void zk_fold_base(const int64_t *v, int64_t half, const int64_t *r, int64_t *out) {
    struct sc_ctx c = fold_ctx(v, r, out);
    zk_parallel_for(half, ZK_MIN_PARALLEL, fold_base_range, &c);
}

void zk_fold_ext(const int64_t *t, int64_t half, const int64_t *r, int64_t *out) {
    struct sc_ctx c = fold_ctx(t, r, out);
    zk_parallel_for(half, ZK_MIN_PARALLEL, fold_ext_range, &c);
}

/* Entry j is written from entries 2j, 2j+1: sequentially from j = 0 that is safe in place;
 * in parallel, fold into a scratch buffer and copy back. */
void zk_fold_ext_in_place(int64_t *t, int64_t half, const int64_t *r) {
    if (zk_chunks(half, ZK_MIN_PARALLEL) == 1) {
        struct sc_ctx c = fold_ctx(t, r, NULL);
        u64 *a = (u64 *)t;
        for (int64_t j = 0; j < half; j++) {
            u64 o[3];
            fold_ext1(a + 6 * j, a + 6 * j + 3, c.r0, c.r1, c.r2, c.r1d, c.r2d, o);
            memcpy(a + 3 * j, o, sizeof o);
        }
        return;
    }
    int64_t *tmp = malloc(sizeof(int64_t) * 3 * (size_t)half);
    zk_fold_ext(t, half, r, tmp);
    memcpy(t, tmp, sizeof(int64_t) * 3 * (size_t)half);
    free(tmp);
}

static void fused_range(void *p, int64_t from, int64_t to, int chunk) {
    struct sc_ctx *c = p;
    const u64 *f = c->f, *g = c->g;
    u64 *fo = c->fo, *go = c->go;
    u64 r0 = c->r0, r1 = c->r1, r2 = c->r2, r1d = c->r1d, r2d = c->r2d;
    u64 *part = c->parts + 6 * chunk;
    if (c->base) {
        acc192 a[6];
        memset(a, 0, sizeof a);
        for (int64_t i = from; i < to; i++) {
            const u64 *fq = f + 4 * i, *gq = g + 4 * i;
            u64 x0 = fq[0], u0 = gl_sub(fq[1], x0), x1 = fq[2], u1 = gl_sub(fq[3], x1);
            u64 y0 = gq[0], v0 = gl_sub(gq[1], y0), y1 = gq[2], v1 = gl_sub(gq[3], y1);
            u64 *o = fo + 6 * i, *q = go + 6 * i;
            fold_base_diff(x0, u0, r0, r1, r2, o);
            fold_base_diff(x1, u1, r0, r1, r2, o + 3);
            fold_base_diff(y0, v0, r0, r1, r2, q);
            fold_base_diff(y1, v1, r0, r1, r2, q + 3);
            acc_add(&a[0], (u128)x0 * y0);
            acc_add(&a[1], (u128)x0 * v0);
            acc_add(&a[1], (u128)u0 * y0);
            acc_add(&a[2], (u128)u0 * v0);
            u64 x2 = gl_sub(gl_dbl(x1), x0), u2 = gl_sub(gl_dbl(u1), u0);
            u64 y2 = gl_sub(gl_dbl(y1), y0), v2 = gl_sub(gl_dbl(v1), v0);
            acc_add(&a[3], (u128)x2 * y2);
            acc_add(&a[4], (u128)x2 * v2);
            acc_add(&a[4], (u128)u2 * y2);
            acc_add(&a[5], (u128)u2 * v2);
        }
        for (int i = 0; i < 6; i++) part[i] = acc_value(a[i]);
    } else {
        ext_acc s0, s2;
        memset(&s0, 0, sizeof s0);
        memset(&s2, 0, sizeof s2);
        for (int64_t i = from; i < to; i++) {
            const u64 *fq = f + 12 * i, *gq = g + 12 * i;
            u64 *o = fo + 6 * i, *q = go + 6 * i;
            fold_ext1(fq, fq + 3, r0, r1, r2, r1d, r2d, o);
            fold_ext1(fq + 6, fq + 9, r0, r1, r2, r1d, r2d, o + 3);
            fold_ext1(gq, gq + 3, r0, r1, r2, r1d, r2d, q);
            fold_ext1(gq + 6, gq + 9, r0, r1, r2, r1d, r2d, q + 3);
            ext_acc_add(&s0, o[0], o[1], o[2], q[0], q[1], q[2]);
            ext_acc_add(&s2, gl_sub(gl_dbl(o[3]), o[0]), gl_sub(gl_dbl(o[4]), o[1]), gl_sub(gl_dbl(o[5]), o[2]),
                        gl_sub(gl_dbl(q[3]), q[0]), gl_sub(gl_dbl(q[4]), q[1]), gl_sub(gl_dbl(q[5]), q[2]));
        }
        ext_acc_value(&s0, part);
        ext_acc_value(&s2, part + 3);
    }
}

/*
 * Round k's fold and round k+1's sums in one pass (FusedSumcheck): pair i of the next round
 * is entries 4i..4i+3 of the current tables. Base tables: folded entries are x + r u with
 * base x, u, so the sums are a + b r + d r^2 with the base sums a = sum x y, b = sum (x v + u y),
 * d = sum u v at the points 0 and 2. An odd half leaves one last entry, folded alone.
 */
void zk_fold_and_product_sums(const int64_t *f, const int64_t *g, int32_t base, int64_t half, const int64_t *r,
                              int64_t *f_out, int64_t *g_out, int64_t *out6) {
    int64_t next = half >> 1;
    int chunks = zk_chunks(next, ZK_MIN_PARALLEL);
    struct sc_ctx c = fold_ctx(f, r, f_out);
    c.g = (const u64 *)g;
    c.go = (u64 *)g_out;
    c.base = base;
    c.parts = malloc(6 * sizeof(u64) * chunks);
    zk_parallel_for(next, ZK_MIN_PARALLEL, fused_range, &c);
    u64 res[6];
    sum_parts(c.parts, chunks, 6, res);
    free(c.parts);
    if (half & 1) {
        int64_t j = half - 1;
        if (base) {
            fold_base1(c.f[2 * j], c.f[2 * j + 1], c.r0, c.r1, c.r2, c.fo + 3 * j);
            fold_base1(c.g[2 * j], c.g[2 * j + 1], c.r0, c.r1, c.r2, c.go + 3 * j);
        } else {
            fold_ext1(c.f + 6 * j, c.f + 6 * j + 3, c.r0, c.r1, c.r2, c.r1d, c.r2d, c.fo + 3 * j);
            fold_ext1(c.g + 6 * j, c.g + 6 * j + 3, c.r0, c.r1, c.r2, c.r1d, c.r2d, c.go + 3 * j);
        }
    }
    if (base) {
        /* a + b r + d r^2 at each point */
        u64 q0, q1, q2;
        ext_mul(c.r0, c.r1, c.r2, c.r0, c.r1, c.r2, &q0, &q1, &q2);
        for (int p = 0; p < 2; p++) {
            u64 a = res[3 * p], b = res[3 * p + 1], d = res[3 * p + 2];
            out6[3 * p] = (int64_t)gl_dot3(a, b, c.r0, d, q0, 0, 0);
            out6[3 * p + 1] = (int64_t)gl_dot3(0, b, c.r1, d, q1, 0, 0);
            out6[3 * p + 2] = (int64_t)gl_dot3(0, b, c.r2, d, q2, 0, 0);
        }
    } else {
        for (int i = 0; i < 6; i++) out6[i] = (int64_t)res[i];
    }
}

/* ---------------------------------------------------------------- any sum of products */

struct gen_ctx {
    const u64 *t[ZK_MAX_TABLES];
    int base_mask, ntables, nterms, npts;
    const int32_t *factors, *offsets; /* term k: factors[offsets[k] .. offsets[k+1]) */
    u64 *parts;                       /* 3 nterms npts per chunk */
};

/*
 * RoundSums.range for any terms: per pair, each table's values at x = 0, 2, ..., degree
 * (a, then b + d, b + 2d, ... with d = b - a), each term's product at each point, summed in
 * 64-bit lanes with carry counts.
 */
static void general_range(void *p, int64_t from, int64_t to, int chunk) {
    struct gen_ctx *c = p;
    int npts = c->npts, nacc = c->nterms * npts;
    u64 vals[ZK_MAX_TABLES][ZK_MAX_DEGREE][3];
    ext_acc acc[ZK_MAX_TERMS * ZK_MAX_DEGREE];
    memset(acc, 0, sizeof(ext_acc) * nacc);
    for (int64_t j = from; j < to; j++) {
        for (int f = 0; f < c->ntables; f++) {
            const u64 *t = c->t[f];
            u64 a[3], b[3];
            if (c->base_mask >> f & 1) {
                a[0] = t[2 * j];
                b[0] = t[2 * j + 1];
                a[1] = a[2] = b[1] = b[2] = 0;
            } else {
                memcpy(a, t + 6 * j, sizeof a);
                memcpy(b, t + 6 * j + 3, sizeof b);
            }
            for (int k = 0; k < 3; k++) {
                vals[f][0][k] = a[k];
                u64 d = gl_sub(b[k], a[k]), v = gl_add(b[k], d);
                for (int i = 1; i < npts; i++) {
                    vals[f][i][k] = v;
                    v = gl_add(v, d);
                }
            }
        }
        for (int t = 0; t < c->nterms; t++) {
            const int32_t *fac = c->factors + c->offsets[t];
            int len = c->offsets[t + 1] - c->offsets[t];
            for (int i = 0; i < npts; i++) {
                const u64 *x = vals[fac[0]][i];
                u64 p0 = x[0], p1 = x[1], p2 = x[2];
                for (int m = 1; m < len; m++) {
                    const u64 *y = vals[fac[m]][i];
                    ext_mul(p0, p1, p2, y[0], y[1], y[2], &p0, &p1, &p2);
                }
                ext_acc_add_value(&acc[t * npts + i], p0, p1, p2);
            }
        }
    }
    for (int k = 0; k < nacc; k++) ext_acc_value(&acc[k], c->parts + (size_t)3 * nacc * chunk + 3 * k);
}

void zk_round_sums(const int64_t *t0, const int64_t *t1, const int64_t *t2, const int64_t *t3, const int64_t *t4,
                   const int64_t *t5, const int64_t *t6, const int64_t *t7, const int64_t *t8, const int64_t *t9,
                   const int64_t *t10, const int64_t *t11, const int64_t *t12, const int64_t *t13,
                   const int64_t *t14, const int64_t *t15, int32_t ntables, int32_t base_mask,
                   const int32_t *factors, const int32_t *offsets, int32_t nterms, int64_t half, int32_t degree,
                   int64_t *out) {
    struct gen_ctx c = {{(const u64 *)t0, (const u64 *)t1, (const u64 *)t2, (const u64 *)t3, (const u64 *)t4,
                         (const u64 *)t5, (const u64 *)t6, (const u64 *)t7, (const u64 *)t8, (const u64 *)t9,
                         (const u64 *)t10, (const u64 *)t11, (const u64 *)t12, (const u64 *)t13, (const u64 *)t14,
                         (const u64 *)t15},
                        base_mask, ntables, nterms, degree, factors, offsets, NULL};
    int nacc = nterms * degree;
    int chunks = zk_chunks(half, ZK_MIN_PARALLEL / 4);
    c.parts = malloc(sizeof(u64) * 3 * nacc * chunks);
    zk_parallel_for(half, ZK_MIN_PARALLEL / 4, general_range, &c);
    sum_parts(c.parts, chunks, 3 * nacc, (u64 *)out);
    free(c.parts);
}

/* ---------------------------------------------------------------- eq-product sumcheck */

/* One pass of EqProductRounds (SumcheckKernels.eqProductPass, EqProductPass the reference):
 * per entry y0 = h lo_size of the high eq table, fold the entries the block needs (when r is
 * given), then sum lo[l] t[2y + x] over the block and multiply by hi[h]. */
struct eqp_ctx {
    const u64 *src;
    int base;
    const u64 *r; /* NULL: no fold */
    u64 *dst;
    const u64 *lo, *hi;
    int64_t lo_size;
    u64 *parts; /* 6 per chunk */
};

static void eqp_range(void *p, int64_t from, int64_t to, int chunk) {
    struct eqp_ctx *c = p;
    u64 r0 = 0, r1 = 0, r2 = 0, r1d = 0, r2d = 0;
    if (c->r) {
        r0 = c->r[0];
        r1 = c->r[1];
        r2 = c->r[2];
        r1d = gl_dbl(r1);
        r2d = gl_dbl(r2);
    }
    ext_acc acc0 = {0}, acc1 = {0};
    for (int64_t h = from; h < to; h++) {
        int64_t y0 = h * c->lo_size;
        const u64 *t = c->src;
        int tbase = c->base;
        if (c->r) {
            for (int64_t i = 2 * y0; i < 2 * (y0 + c->lo_size); i++) {
                if (c->base) {
                    u64 a = c->src[2 * i];
                    fold_base_diff(a, gl_sub(c->src[2 * i + 1], a), r0, r1, r2, c->dst + 3 * i);
                } else {
                    fold_ext1(c->src + 6 * i, c->src + 6 * i + 3, r0, r1, r2, r1d, r2d, c->dst + 3 * i);
                }
            }
            t = c->dst;
            tbase = 0;
        }
        ext_acc in0 = {0}, in1 = {0};
        for (int64_t l = 0; l < c->lo_size; l++) {
            int64_t y = y0 + l;
            const u64 *e = c->lo + 3 * l;
            if (tbase) {
                u64 v0 = t[2 * y], v1 = t[2 * y + 1];
                ext_acc_add_value(&in0, gl_mul(e[0], v0), gl_mul(e[1], v0), gl_mul(e[2], v0));
                ext_acc_add_value(&in1, gl_mul(e[0], v1), gl_mul(e[1], v1), gl_mul(e[2], v1));
            } else {
                const u64 *a = t + 6 * y, *b = a + 3;
                ext_acc_add(&in0, e[0], e[1], e[2], a[0], a[1], a[2]);
                ext_acc_add(&in1, e[0], e[1], e[2], b[0], b[1], b[2]);
            }
        }
        u64 v0[3], v1[3];
        ext_acc_value(&in0, v0);
        ext_acc_value(&in1, v1);
        const u64 *g = c->hi + 3 * h;
        ext_acc_add(&acc0, g[0], g[1], g[2], v0[0], v0[1], v0[2]);
        ext_acc_add(&acc1, g[0], g[1], g[2], v1[0], v1[1], v1[2]);
    }
    ext_acc_value(&acc0, c->parts + 6 * (size_t)chunk);
    ext_acc_value(&acc1, c->parts + 6 * (size_t)chunk + 3);
}

void zk_eq_product_pass(const int64_t *src, int32_t base, const int64_t *r, int32_t fold, int64_t *dst, const int64_t *lo,
                        int64_t lo_size, const int64_t *hi, int64_t hi_size, int64_t *out6) {
    int64_t grain = lo_size >= ZK_MIN_PARALLEL ? 1 : ZK_MIN_PARALLEL / lo_size;
    int chunks = zk_chunks(hi_size, grain);
    struct eqp_ctx c = {(const u64 *)src, base, fold ? (const u64 *)r : NULL, (u64 *)dst, (const u64 *)lo, (const u64 *)hi, lo_size,
                        calloc(6 * (size_t)chunks, sizeof(u64))};
    zk_parallel_for(hi_size, grain, eqp_range, &c);
    sum_parts(c.parts, chunks, 6, (u64 *)out6);
    free(c.parts);
}
