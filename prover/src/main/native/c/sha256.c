/* SHA-256 (FIPS 180-4): the SHA-NI compression function where the CPU has it, a portable
 * one elsewhere, chosen once at load time. Used for Merkle leaves and nodes (MerkleHash). */
#include "sha256.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define ZK_X86 1
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static const uint32_t IV[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress_portable(uint32_t st[8], const uint8_t *p, size_t blocks) {
    while (blocks--) {
        uint32_t w[64];
        for (int i = 0; i < 16; i++) {
            w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
        }
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
        for (int i = 0; i < 64; i++) {
            uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
            uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        st[0] += a;
        st[1] += b;
        st[2] += c;
        st[3] += d;
        st[4] += e;
        st[5] += f;
        st[6] += g;
        st[7] += h;
        p += 64;
    }
}

#ifdef ZK_X86
#define ZK_SHANI __attribute__((target("sha,sse4.1,ssse3")))

/* The state A..H as the register pair of sha256rnds2: ABEF and CDGH. */
ZK_SHANI static inline void shani_load(const uint32_t st[8], __m128i *abef, __m128i *cdgh) {
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[0]), 0xB1); /* CDAB */
    __m128i efgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[4]), 0x1B); /* EFGH */
    *abef = _mm_alignr_epi8(tmp, efgh, 8);
    *cdgh = _mm_blend_epi16(efgh, tmp, 0xF0);
}

/* The inverse of shani_load. */
ZK_SHANI static inline void shani_store(__m128i abef, __m128i cdgh, uint32_t st[8]) {
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&st[0], _mm_blend_epi16(feba, dchg, 0xF0)); /* DCBA */
    _mm_storeu_si128((__m128i *)&st[4], _mm_alignr_epi8(dchg, feba, 8));    /* HGFE */
}

/* Message words 4i..4i+3 of the block at p: loaded (byte-swapped) for i < 4, else by
 * sha256msg1/msg2 (W_i = msg2(msg1(W_{i-4}, W_{i-3}) + alignr(W_{i-1}, W_{i-2}, 4), W_{i-1})). */
ZK_SHANI static inline __m128i shani_message(const __m128i *w, int i, const uint8_t *p) {
    if (i < 4) {
        const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
        return _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), mask);
    }
    __m128i t = _mm_add_epi32(_mm_sha256msg1_epu32(w[i - 4], w[i - 3]), _mm_alignr_epi8(w[i - 1], w[i - 2], 4));
    return _mm_sha256msg2_epu32(t, w[i - 1]);
}

/* Intel SHA extensions: four rounds per pair of sha256rnds2. */
ZK_SHANI static void compress_shani(uint32_t st[8], const uint8_t *p, size_t blocks) {
    __m128i s0, s1;
    shani_load(st, &s0, &s1);
    while (blocks--) {
        __m128i abef = s0, cdgh = s1;
        __m128i w[16];
        for (int i = 0; i < 16; i++) {
            w[i] = shani_message(w, i, p);
            __m128i msg = _mm_add_epi32(w[i], _mm_loadu_si128((const __m128i *)&K[4 * i]));
            s1 = _mm_sha256rnds2_epu32(s1, s0, msg);
            msg = _mm_shuffle_epi32(msg, 0x0E);
            s0 = _mm_sha256rnds2_epu32(s0, s1, msg);
        }
        s0 = _mm_add_epi32(s0, abef);
        s1 = _mm_add_epi32(s1, cdgh);
        p += 64;
    }
    shani_store(s0, s1, st);
}

/* Two independent messages of the same length in lockstep: sha256rnds2 has a latency of
 * several cycles, so interleaving two dependency chains keeps the SHA unit busier (same
 * digests as two calls of compress_shani). */
ZK_SHANI static void compress_shani_x2(uint32_t sta[8], const uint8_t *pa, uint32_t stb[8], const uint8_t *pb,
                                       size_t blocks) {
    __m128i a0, a1, b0, b1;
    shani_load(sta, &a0, &a1);
    shani_load(stb, &b0, &b1);
    while (blocks--) {
        __m128i sa0 = a0, sa1 = a1, sb0 = b0, sb1 = b1;
        __m128i wa[16], wb[16];
        for (int i = 0; i < 16; i++) {
            wa[i] = shani_message(wa, i, pa);
            wb[i] = shani_message(wb, i, pb);
            __m128i k = _mm_loadu_si128((const __m128i *)&K[4 * i]);
            __m128i ma = _mm_add_epi32(wa[i], k), mb = _mm_add_epi32(wb[i], k);
            a1 = _mm_sha256rnds2_epu32(a1, a0, ma);
            b1 = _mm_sha256rnds2_epu32(b1, b0, mb);
            ma = _mm_shuffle_epi32(ma, 0x0E);
            mb = _mm_shuffle_epi32(mb, 0x0E);
            a0 = _mm_sha256rnds2_epu32(a0, a1, ma);
            b0 = _mm_sha256rnds2_epu32(b0, b1, mb);
        }
        a0 = _mm_add_epi32(a0, sa0);
        a1 = _mm_add_epi32(a1, sa1);
        b0 = _mm_add_epi32(b0, sb0);
        b1 = _mm_add_epi32(b1, sb1);
        pa += 64;
        pb += 64;
    }
    shani_store(a0, a1, sta);
    shani_store(b0, b1, stb);
}

static int cpu_has_sha_ni(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int sse41 = (c >> 19) & 1, ssse3 = (c >> 9) & 1;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return sse41 && ssse3 && ((b >> 29) & 1);
}
#endif

typedef void (*compress_fn)(uint32_t *, const uint8_t *, size_t);
static compress_fn compress = compress_portable;
static int using_sha_ni = 0;

__attribute__((constructor)) static void choose_compress(void) {
#ifdef ZK_X86
    if (cpu_has_sha_ni()) {
        compress = compress_shani;
        using_sha_ni = 1;
    }
#endif
}

int zk_sha256_uses_ni(void) { return using_sha_ni; }

void zk_sha256_force_portable(int portable) {
    if (portable) {
        compress = compress_portable;
        using_sha_ni = 0;
    } else {
        choose_compress();
    }
}

/* The final block(s) of a message of len bytes whose last rem = len mod 64 bytes are at
 * msg_tail: the rest of the message, 0x80, zeros and the bit length. Returns the block count. */
static size_t pad_tail(const uint8_t *msg_tail, size_t rem, size_t len, uint8_t tail[128]) {
    memcpy(tail, msg_tail, rem);
    tail[rem] = 0x80;
    size_t tlen = rem + 9 <= 64 ? 64 : 128;
    memset(tail + rem + 1, 0, tlen - rem - 1);
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++) tail[tlen - 1 - i] = (uint8_t)(bits >> (8 * i));
    return tlen / 64;
}

static void store_digest(const uint32_t st[8], uint8_t out[32]) {
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(st[i] >> 24);
        out[4 * i + 1] = (uint8_t)(st[i] >> 16);
        out[4 * i + 2] = (uint8_t)(st[i] >> 8);
        out[4 * i + 3] = (uint8_t)st[i];
    }
}

void zk_sha256(const uint8_t *msg, size_t len, uint8_t out[32]) {
    uint32_t st[8];
    memcpy(st, IV, sizeof st);
    size_t full = len / 64;
    if (full) compress(st, msg, full);
    uint8_t tail[128];
    size_t tblocks = pad_tail(msg + 64 * full, len - 64 * full, len, tail);
    compress(st, tail, tblocks);
    store_digest(st, out);
}

void zk_sha256_x2(const uint8_t *ma, const uint8_t *mb, size_t len, uint8_t outa[32], uint8_t outb[32]) {
#ifdef ZK_X86
    if (using_sha_ni) {
        uint32_t sa[8], sb[8];
        memcpy(sa, IV, sizeof sa);
        memcpy(sb, IV, sizeof sb);
        size_t full = len / 64;
        if (full) compress_shani_x2(sa, ma, sb, mb, full);
        uint8_t ta[128], tb[128];
        size_t rem = len - 64 * full;
        size_t tblocks = pad_tail(ma + 64 * full, rem, len, ta);
        pad_tail(mb + 64 * full, rem, len, tb);
        compress_shani_x2(sa, ta, sb, tb, tblocks);
        store_digest(sa, outa);
        store_digest(sb, outb);
        return;
    }
#endif
    zk_sha256(ma, len, outa);
    zk_sha256(mb, len, outb);
}
