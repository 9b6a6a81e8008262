/* LogUp-GKR kernels (LogUpKernels): fraction-tree parents and the layer sumcheck's round sums,
 * the latter fused with the previous round's fold as zk_fold_and_product_sums. Layer tables:
 * ps holds p0 at entry 2x and s (or, in children form, p1 with s = p1 + lambda q1) at 2x+1;
 * q holds q0 at 2x and q1 at 2x+1; pair j is entries 4j..4j+3 of both. */
#include <stdlib.h>
#include <string.h>

#include "goldilocks.h"
#include "pool.h"
#include "zkinfer.h"

/* o = a b + c d in the extension, one reduction per coordinate */
ZK_INLINE void ext_mul2(const u64 *a, const u64 *b, const u64 *c, const u64 *d, u64 *o) {
    u64 b1d = gl_dbl(b[1]), b2d = gl_dbl(b[2]), d1d = gl_dbl(d[1]), d2d = gl_dbl(d[2]);
    u64 x[3][6] = {{a[0], b[0], a[1], b2d, a[2], b1d}, {a[0], b[1], a[1], b[0], a[2], b2d}, {a[0], b[2], a[1], b[1], a[2], b[0]}};
    u64 y[3][6] = {{c[0], d[0], c[1], d2d, c[2], d1d}, {c[0], d[1], c[1], d[0], c[2], d2d}, {c[0], d[2], c[1], d[1], c[2], d[0]}};
    for (int k = 0; k < 3; k++) {
        acc192 s = {0, 0};
        for (int i = 0; i < 6; i += 2) {
            acc_add(&s, (u128)x[k][i] * x[k][i + 1]);
            acc_add(&s, (u128)y[k][i] * y[k][i + 1]);
        }
        o[k] = gl_sub(gl_red128(s.s), s.top << 32); /* top <= 5: 2^128 = -2^32 */
    }
}

/* s at a ps entry: the entry itself, or p1 + lambda q1 in children form */
ZK_INLINE void s_at(const u64 *p1, const u64 *q1, const u64 *lam, u64 *s) {
    if (lam) {
        u64 t0, t1, t2;
        ext_mul(lam[0], lam[1], lam[2], q1[0], q1[1], q1[2], &t0, &t1, &t2);
        s[0] = gl_add(p1[0], t0);
        s[1] = gl_add(p1[1], t1);
        s[2] = gl_add(p1[2], t2);
    } else {
        memcpy(s, p1, 3 * sizeof(u64));
    }
}

/* A chunk's sums: sum e G(0) and sum e lead */
struct lu_sums {
    ext_acc g, l;
};

/* adds e G(0) and e lead for the pair at ps, q (12 longs each; s values sa, sb) */
ZK_INLINE void pair_sums(const u64 *ps, const u64 *q, const u64 *sa, const u64 *sb, const u64 *e, struct lu_sums *s) {
    u64 g0[3], ld[3], d1[3], d2[3], d3[3], d4[3];
    ext_mul2(ps, q + 3, q, sa, g0);
    for (int k = 0; k < 3; k++) {
        d1[k] = gl_sub(ps[6 + k], ps[k]);
        d2[k] = gl_sub(q[9 + k], q[3 + k]);
        d3[k] = gl_sub(q[6 + k], q[k]);
        d4[k] = gl_sub(sb[k], sa[k]);
    }
    ext_mul2(d1, d2, d3, d4, ld);
    ext_acc_add(&s->g, e[0], e[1], e[2], g0[0], g0[1], g0[2]);
    ext_acc_add(&s->l, e[0], e[1], e[2], ld[0], ld[1], ld[2]);
}

static void store_sums(const struct lu_sums *s, u64 *part) {
    ext_acc_value(&s->g, part);
    ext_acc_value(&s->l, part + 3);
}

struct lu_ctx {
    const u64 *ps, *q, *lam, *eq;
    u64 *ps_out, *q_out;
    u64 r0, r1, r2, r1d, r2d;
    u64 *parts; /* 6 per chunk */
};

static void sums_range(void *p, int64_t from, int64_t to, int chunk) {
    struct lu_ctx *c = p;
    struct lu_sums s;
    memset(&s, 0, sizeof s);
    for (int64_t j = from; j < to; j++) {
        const u64 *ps = c->ps + 12 * j, *q = c->q + 12 * j;
        u64 sa[3], sb[3];
        s_at(ps + 3, q + 3, c->lam, sa);
        s_at(ps + 9, q + 9, c->lam, sb);
        pair_sums(ps, q, sa, sb, c->eq + 3 * j, &s);
    }
    store_sums(&s, c->parts + 6 * chunk);
}

void zk_logup_sums(const int64_t *ps, const int64_t *q, const int64_t *lambda, const int64_t *eq, int64_t pairs,
                   int64_t *out6) {
    int chunks = zk_chunks(pairs, ZK_MIN_PARALLEL / 4);
    struct lu_ctx c = {(const u64 *)ps, (const u64 *)q, (const u64 *)lambda, (const u64 *)eq, NULL, NULL, 0, 0, 0, 0, 0,
                       malloc(6 * sizeof(u64) * chunks)};
    zk_parallel_for(pairs, ZK_MIN_PARALLEL / 4, sums_range, &c);
    sum_parts(c.parts, chunks, 6, (u64 *)out6);
    free(c.parts);
}

/* folds pair j of the round into entries 2j, 2j+1 of ps_out, q_out; s is linear in (p1, q1),
 * so in children form the folded s is the folded p1 plus lambda times the folded q1 */
ZK_INLINE void fold_pair(const struct lu_ctx *c, int64_t j) {
    const u64 *ps = c->ps + 12 * j, *q = c->q + 12 * j;
    u64 *po = c->ps_out + 6 * j, *qo = c->q_out + 6 * j;
    u64 p1[3];
    fold_ext1(ps, ps + 6, c->r0, c->r1, c->r2, c->r1d, c->r2d, po);
    fold_ext1(ps + 3, ps + 9, c->r0, c->r1, c->r2, c->r1d, c->r2d, p1);
    fold_ext1(q, q + 6, c->r0, c->r1, c->r2, c->r1d, c->r2d, qo);
    fold_ext1(q + 3, q + 9, c->r0, c->r1, c->r2, c->r1d, c->r2d, qo + 3);
    s_at(p1, qo + 3, c->lam, po + 3);
}

/* next-round pair i = this round's pairs 2i, 2i+1: fold both, then the sums of the folded pair */
static void fused_range(void *p, int64_t from, int64_t to, int chunk) {
    struct lu_ctx *c = p;
    struct lu_sums s;
    memset(&s, 0, sizeof s);
    for (int64_t i = from; i < to; i++) {
        fold_pair(c, 2 * i);
        fold_pair(c, 2 * i + 1);
        const u64 *ps = c->ps_out + 12 * i, *q = c->q_out + 12 * i;
        pair_sums(ps, q, ps + 3, ps + 9, c->eq + 3 * i, &s);
    }
    store_sums(&s, c->parts + 6 * chunk);
}

/* An odd pair count leaves one last pair, folded alone; the next round's last pair then reads
 * the entry x = pairs, which the caller has written. */
void zk_logup_fold_and_sums(const int64_t *ps, const int64_t *q, const int64_t *lambda, const int64_t *r, int64_t pairs,
                            const int64_t *eq_next, int64_t *ps_out, int64_t *q_out, int64_t *out6) {
    int64_t next = pairs >> 1;
    int chunks = zk_chunks(next, ZK_MIN_PARALLEL / 8);
    u64 r1 = (u64)r[1], r2 = (u64)r[2];
    struct lu_ctx c = {(const u64 *)ps, (const u64 *)q, (const u64 *)lambda, (const u64 *)eq_next, (u64 *)ps_out,
                       (u64 *)q_out, (u64)r[0], r1, r2, gl_dbl(r1), gl_dbl(r2), malloc(6 * sizeof(u64) * (chunks + 1))};
    zk_parallel_for(next, ZK_MIN_PARALLEL / 8, fused_range, &c);
    int parts = chunks;
    if (pairs & 1) {
        fold_pair(&c, pairs - 1);
        struct lu_ctx last = c;
        last.ps = c.ps_out;
        last.q = c.q_out;
        last.lam = NULL;
        sums_range(&last, next, next + 1, parts++);
    }
    sum_parts(c.parts, parts, 6, (u64 *)out6);
    free(c.parts);
}

struct expand_ctx {
    const u64 *prev, *r;
    u64 *out;
};

static void expand_range(void *ctx, int64_t from, int64_t to, int chunk) {
    struct expand_ctx *c = ctx;
    const u64 *r = c->r;
    for (int64_t j = from; j < to; j++) {
        const u64 *a = c->prev + 3 * j;
        u64 *lo = c->out + 6 * j, *hi = lo + 3;
        ext_mul(a[0], a[1], a[2], r[0], r[1], r[2], hi, hi + 1, hi + 2);
        for (int k = 0; k < 3; k++) lo[k] = gl_sub(a[k], hi[k]);
    }
}

void zk_logup_eq_expand(const int64_t *prev, const int64_t *r, int64_t count, int64_t *out) {
    struct expand_ctx c = {(const u64 *)prev, (const u64 *)r, (u64 *)out};
    zk_parallel_for(count, ZK_MIN_PARALLEL, expand_range, &c);
}

struct parents_ctx {
    const u64 *p, *q;
    int base;
    u64 *up_p, *up_q;
};

static void parents_range(void *ctx, int64_t from, int64_t to, int chunk) {
    struct parents_ctx *c = ctx;
    for (int64_t x = from; x < to; x++) {
        const u64 *pa = c->p + 6 * x, *pb = pa + 3, *qa = c->q + 6 * x, *qb = qa + 3;
        u64 *up = c->up_p + 3 * x, *uq = c->up_q + 3 * x;
        if (c->base) {
            for (int k = 0; k < 3; k++) up[k] = gl_dot3(0, pa[0], qb[k], pb[0], qa[k], 0, 0);
        } else {
            ext_mul2(pa, qb, pb, qa, up);
        }
        ext_mul(qa[0], qa[1], qa[2], qb[0], qb[1], qb[2], uq, uq + 1, uq + 2);
    }
}

void zk_logup_parents(const int64_t *p, const int64_t *q, int32_t base, int64_t count, int64_t *up_p, int64_t *up_q) {
    struct parents_ctx c = {(const u64 *)p, (const u64 *)q, base, (u64 *)up_p, (u64 *)up_q};
    zk_parallel_for(count, ZK_MIN_PARALLEL, parents_range, &c);
}
