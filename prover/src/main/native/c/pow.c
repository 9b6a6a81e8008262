/* Proof-of-work search for WHIR's grinding (WhirProtocol.powValid): the smallest nonce >= 0
 * whose SHA-256(prefix || u64le(nonce)) starts with `bits` zero bits. Nonces are searched in
 * rounds of consecutive batches, one batch per pool chunk; the first batch (in nonce order)
 * with a hit holds the smallest valid nonce, so the result does not depend on the threads. */
#include "zkinfer.h"
#include "pool.h"
#include "sha256.h"
#include <string.h>

/* Batches per round at most (one pool chunk each). */
#define POW_MAX_BATCHES 256

typedef struct {
    const uint8_t *prefix;
    int32_t len;
    int32_t bits;
    int64_t base;
    int64_t batch; /* nonces per batch, even */
    int64_t found[POW_MAX_BATCHES];
} pow_ctx;

static int pow_ok(const uint8_t d[32], int32_t bits) {
    int32_t full = bits >> 3;
    for (int32_t i = 0; i < full; i++) {
        if (d[i] != 0) return 0;
    }
    int32_t rest = bits & 7;
    return rest == 0 || (d[full] >> (8 - rest)) == 0;
}

static void put_nonce(uint8_t *at, int64_t nonce) {
    for (int i = 0; i < 8; i++) at[i] = (uint8_t)((uint64_t)nonce >> (8 * i));
}

static void pow_batches(void *vctx, int64_t from, int64_t to, int chunk) {
    pow_ctx *c = vctx;
    uint8_t ma[ZK_POW_MAX_PREFIX + 8], mb[ZK_POW_MAX_PREFIX + 8], da[32], db[32];
    memcpy(ma, c->prefix, (size_t)c->len);
    memcpy(mb, c->prefix, (size_t)c->len);
    for (int64_t b = from; b < to; b++) {
        int64_t start = c->base + b * c->batch;
        c->found[b] = -1;
        for (int64_t n = start; n < start + c->batch; n += 2) {
            put_nonce(ma + c->len, n);
            put_nonce(mb + c->len, n + 1);
            zk_sha256_x2(ma, mb, (size_t)c->len + 8, da, db);
            if (pow_ok(da, c->bits)) {
                c->found[b] = n;
                break;
            }
            if (pow_ok(db, c->bits)) {
                c->found[b] = n + 1;
                break;
            }
        }
    }
}

int64_t zk_grind(const uint8_t *prefix, int32_t len, int32_t bits) {
    if (len < 0 || len > ZK_POW_MAX_PREFIX || bits < 0 || bits > 64) return -2;
    int64_t batches = 4 * (int64_t)zk_pool_threads();
    if (batches > POW_MAX_BATCHES) batches = POW_MAX_BATCHES;
    /* about 2^bits nonces (the expected search) per round, in batches of 64 to 4096 */
    int64_t batch = bits >= 40 ? 4096 : ((int64_t)1 << bits) / batches;
    batch = batch < 64 ? 64 : batch > 4096 ? 4096 : batch & ~(int64_t)1;
    pow_ctx c = {prefix, len, bits, 0, batch, {0}};
    for (c.base = 0; c.base <= INT64_MAX - batches * batch; c.base += batches * batch) {
        zk_parallel_for(batches, 1, pow_batches, &c);
        for (int64_t b = 0; b < batches; b++) {
            if (c.found[b] >= 0) return c.found[b];
        }
    }
    return -1;
}
