// zkinfer CUDA kernels: Reed-Solomon encoding (NTT), Merkle trees (SHA-256), the WHIR weighted
// sumcheck, and the degree-2 sumcheck of two tables. The C ABI is in zkinfer_cuda.h; every
// result equals the Java scalar reference bit for bit (Goldilocks arithmetic is exact and all
// values are kept canonical, so the order of additions does not matter).
#include "zkinfer_cuda.h"

#include <cuda_runtime.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t u64;
typedef unsigned int u32;

static __thread char g_error[256];
static char g_error_shared[256];

static int fail(cudaError_t e, const char *what) {
    snprintf(g_error, sizeof g_error, "%s: %s (%d)", what, cudaGetErrorString(e), (int) e);
    memcpy(g_error_shared, g_error, sizeof g_error);
    return (int) e == 0 ? 1 : (int) e;
}

#define CK(call)                                   \
    do {                                           \
        cudaError_t e_ = (call);                   \
        if (e_ != cudaSuccess) return fail(e_, #call); \
    } while (0)

#define CK_LAUNCH(what)                            \
    do {                                           \
        cudaError_t e_ = cudaGetLastError();       \
        if (e_ != cudaSuccess) return fail(e_, what); \
    } while (0)

// ---------------------------------------------------------------- Goldilocks and GF(p^3)

#define GL_P 0xFFFFFFFF00000001ULL
#define GL_EPS 0xFFFFFFFFULL

__device__ __forceinline__ u64 gl_add(u64 a, u64 b) {
    u64 s = a + b;
    if (s < a) return s + GL_EPS;  // 2^64 = EPS (mod p); a + b - p < p
    return s >= GL_P ? s - GL_P : s;
}

__device__ __forceinline__ u64 gl_sub(u64 a, u64 b) {
    u64 d = a - b;
    return a < b ? d - GL_EPS : d;  // + p (mod 2^64) = - EPS
}

__device__ __forceinline__ u64 gl_reduce128(u64 hi, u64 lo) {
    u64 hiHi = hi >> 32, hiLo = hi & GL_EPS;
    u64 t0 = lo - hiHi;
    if (lo < hiHi) t0 -= GL_EPS;
    u64 t1 = (hiLo << 32) - hiLo;
    u64 r = t0 + t1;
    if (r < t1) r += GL_EPS;
    return r >= GL_P ? r - GL_P : r;
}

__device__ __forceinline__ u64 gl_mul(u64 a, u64 b) { return gl_reduce128(__umul64hi(a, b), a * b); }

__device__ __forceinline__ u64 gl_pow(u64 b, u64 e) {
    u64 r = 1;
    while (e) {
        if (e & 1) r = gl_mul(r, b);
        b = gl_mul(b, b);
        e >>= 1;
    }
    return r;
}

struct E3 {
    u64 c0, c1, c2;
};

__device__ __forceinline__ E3 e_add(E3 a, E3 b) { return {gl_add(a.c0, b.c0), gl_add(a.c1, b.c1), gl_add(a.c2, b.c2)}; }
__device__ __forceinline__ E3 e_sub(E3 a, E3 b) { return {gl_sub(a.c0, b.c0), gl_sub(a.c1, b.c1), gl_sub(a.c2, b.c2)}; }

// t^3 = 2
__device__ __forceinline__ E3 e_mul(E3 a, E3 b) {
    u64 s = gl_add(gl_mul(a.c1, b.c2), gl_mul(a.c2, b.c1));
    u64 m22 = gl_mul(a.c2, b.c2);
    E3 r;
    r.c0 = gl_add(gl_mul(a.c0, b.c0), gl_add(s, s));
    r.c1 = gl_add(gl_add(gl_mul(a.c0, b.c1), gl_mul(a.c1, b.c0)), gl_add(m22, m22));
    r.c2 = gl_add(gl_add(gl_mul(a.c0, b.c2), gl_mul(a.c1, b.c1)), gl_mul(a.c2, b.c0));
    return r;
}

__device__ __forceinline__ E3 e_scale(E3 a, u64 s) { return {gl_mul(a.c0, s), gl_mul(a.c1, s), gl_mul(a.c2, s)}; }

__device__ __forceinline__ E3 e_load(const u64 *t, long long i) { return {t[3 * i], t[3 * i + 1], t[3 * i + 2]}; }
__device__ __forceinline__ void e_store(u64 *t, long long i, E3 v) {
    t[3 * i] = v.c0;
    t[3 * i + 1] = v.c1;
    t[3 * i + 2] = v.c2;
}
// entry i of a table that is base (one value per entry) or extension
__device__ __forceinline__ E3 e_entry(const u64 *t, int base, long long i) {
    if (base) return {t[i], 0, 0};
    return e_load(t, i);
}
__device__ __forceinline__ E3 e_twice_minus(E3 b, E3 a) { return e_sub(e_add(b, b), a); }  // value at X = 2

// ---------------------------------------------------------------- reductions

#define RED_THREADS 256
#define RED_BLOCKS 1024
#define MAX_K 9

// Sums K field values per thread over the block, then writes the block's K partial sums.
template <int K>
__device__ __forceinline__ void block_reduce_store(u64 (&acc)[K], u64 *partials) {
    __shared__ u64 sh[K][RED_THREADS];
    for (int k = 0; k < K; k++) sh[k][threadIdx.x] = acc[k];
    __syncthreads();
    for (int s = RED_THREADS / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s)
            for (int k = 0; k < K; k++) sh[k][threadIdx.x] = gl_add(sh[k][threadIdx.x], sh[k][threadIdx.x + s]);
        __syncthreads();
    }
    if (threadIdx.x == 0)
        for (int k = 0; k < K; k++) partials[(long long) blockIdx.x * K + k] = sh[k][0];
}

template <int K>
__global__ void k_finish_reduce(const u64 *partials, int blocks, u64 *out) {
    u64 acc[K];
    for (int k = 0; k < K; k++) acc[k] = 0;
    for (int b = threadIdx.x; b < blocks; b += blockDim.x)
        for (int k = 0; k < K; k++) acc[k] = gl_add(acc[k], partials[(long long) b * K + k]);
    __shared__ u64 sh[K][RED_THREADS];
    for (int k = 0; k < K; k++) sh[k][threadIdx.x] = acc[k];
    __syncthreads();
    for (int s = RED_THREADS / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s)
            for (int k = 0; k < K; k++) sh[k][threadIdx.x] = gl_add(sh[k][threadIdx.x], sh[k][threadIdx.x + s]);
        __syncthreads();
    }
    if (threadIdx.x == 0)
        for (int k = 0; k < K; k++) out[k] = sh[k][0];
}

static u64 *g_partials = nullptr;  // RED_BLOCKS * MAX_K + MAX_K values (the last MAX_K: the total)

static int partials(u64 **p) {
    if (!g_partials) CK(cudaMalloc(&g_partials, sizeof(u64) * (RED_BLOCKS * MAX_K + MAX_K)));
    *p = g_partials;
    return 0;
}

static u64 *g_scratch = nullptr;  // small tables from the host (eq factors, query indices)
static size_t g_scratchBytes = 0;

static int scratch(size_t bytes, u64 **p) {
    if (bytes > g_scratchBytes) {
        if (g_scratch) CK(cudaFree(g_scratch));
        g_scratch = nullptr;
        g_scratchBytes = 0;
        CK(cudaMalloc(&g_scratch, bytes));
        g_scratchBytes = bytes;
    }
    *p = g_scratch;
    return 0;
}

static int blocks_for(long long n) {
    long long b = (n + RED_THREADS - 1) / RED_THREADS;
    return (int) (b < 1 ? 1 : (b > RED_BLOCKS ? RED_BLOCKS : b));
}

template <int K>
static int finish(u64 *part, int blocks, u64 *hostOut) {
    CK_LAUNCH("reduction kernel");
    k_finish_reduce<K><<<1, RED_THREADS>>>(part, blocks, part + RED_BLOCKS * MAX_K);
    CK_LAUNCH("k_finish_reduce");
    CK(cudaMemcpy(hostOut, part + RED_BLOCKS * MAX_K, sizeof(u64) * K, cudaMemcpyDeviceToHost));
    return 0;
}

// ---------------------------------------------------------------- device management

extern "C" int zk_device_count(void) {
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) {
        fail(e, "cudaGetDeviceCount");
        return -(int) e;
    }
    return n;
}

extern "C" int zk_init(char *name, int len) {
    CK(cudaSetDevice(0));
    CK(cudaFree(0));  // creates the context now rather than at the first kernel
    cudaDeviceProp prop;
    CK(cudaGetDeviceProperties(&prop, 0));
    if (name && len > 0) {
        strncpy(name, prop.name, len - 1);
        name[len - 1] = 0;
    }
    u64 *p;
    return partials(&p);
}

extern "C" const char *zk_last_error(void) { return g_error[0] ? g_error : g_error_shared; }

extern "C" int zk_alloc(uint64_t bytes, uint64_t *handle) {
    void *p = nullptr;
    CK(cudaMalloc(&p, bytes == 0 ? 8 : bytes));
    *handle = (uint64_t) p;
    return 0;
}

extern "C" int zk_free(uint64_t handle) {
    if (handle) CK(cudaFree((void *) handle));
    return 0;
}

extern "C" int zk_upload(uint64_t handle, const void *host, uint64_t bytes) {
    CK(cudaMemcpy((void *) handle, host, bytes, cudaMemcpyHostToDevice));
    return 0;
}

extern "C" int zk_download(void *host, uint64_t handle, uint64_t bytes) {
    CK(cudaMemcpy(host, (const void *) handle, bytes, cudaMemcpyDeviceToHost));
    return 0;
}

extern "C" int zk_host_alloc(uint64_t bytes, uint64_t *host) {
    void *p = nullptr;
    CK(cudaHostAlloc(&p, bytes, cudaHostAllocDefault));
    *host = (uint64_t) p;
    return 0;
}

extern "C" int zk_upload_ptr(uint64_t handle, uint64_t host, uint64_t bytes) {
    CK(cudaMemcpy((void *) handle, (const void *) host, bytes, cudaMemcpyHostToDevice));
    return 0;
}

extern "C" int zk_download_ptr(uint64_t host, uint64_t handle, uint64_t bytes) {
    CK(cudaMemcpy((void *) host, (const void *) handle, bytes, cudaMemcpyDeviceToHost));
    return 0;
}

extern "C" int zk_zero(uint64_t handle, uint64_t bytes) {
    CK(cudaMemset((void *) handle, 0, bytes));
    return 0;
}

// ---------------------------------------------------------------- NTT (Reed-Solomon encoding)

__global__ void k_twiddles(u64 *tw, long long half, u64 omega) {
    // tw[k] = omega^k: one pow per block of 64, then 63 multiplications
    long long start = ((long long) blockIdx.x * blockDim.x + threadIdx.x) * 64;
    if (start >= half) return;
    u64 v = gl_pow(omega, (u64) start);
    for (long long k = start; k < start + 64 && k < half; k++) {
        tw[k] = v;
        v = gl_mul(v, omega);
    }
}

// One decimation-in-frequency stage with butterflies of span h (natural order in,
// bit-reversed order out after all stages); twiddle of index k is omega_N^(k * N / 2h).
template <int W>
__global__ void k_dif_stage(u64 *a, long long halfN, int logH, int twShift, const u64 *tw) {
    long long t = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (t >= halfN) return;
    long long h = 1LL << logH;
    long long k = t & (h - 1);
    long long i = ((t >> logH) << (logH + 1)) + k;
    u64 w = tw[k << twShift];
#pragma unroll
    for (int c = 0; c < W; c++) {
        u64 u = a[W * i + c], v = a[W * (i + h) + c];
        a[W * i + c] = gl_add(u, v);
        a[W * (i + h) + c] = k == 0 ? gl_sub(u, v) : gl_mul(gl_sub(u, v), w);
    }
}

// Several DIF stages inside shared memory: blocks of 2^logB consecutive entries (spans
// h = 2^(logB-1) down to 1), once the span fits.
template <int W>
__global__ void k_dif_tail(u64 *a, int logB, int logN, const u64 *tw) {
    extern __shared__ u64 s[];
    long long B = 1LL << logB;
    long long base = (long long) blockIdx.x * B;
    for (long long x = threadIdx.x; x < W * B; x += blockDim.x) s[x] = a[W * base + x];
    __syncthreads();
    for (int logH = logB - 1; logH >= 0; logH--) {
        long long h = 1LL << logH;
        for (long long t = threadIdx.x; t < B / 2; t += blockDim.x) {
            long long k = t & (h - 1);
            long long i = ((t >> logH) << (logH + 1)) + k;
            u64 w = tw[k << (logN - 1 - logH)];
#pragma unroll
            for (int c = 0; c < W; c++) {
                u64 u = s[W * i + c], v = s[W * (i + h) + c];
                s[W * i + c] = gl_add(u, v);
                s[W * (i + h) + c] = k == 0 ? gl_sub(u, v) : gl_mul(gl_sub(u, v), w);
            }
        }
        __syncthreads();
    }
    for (long long x = threadIdx.x; x < W * B; x += blockDim.x) a[W * base + x] = s[x];
}

static u64 *g_tw = nullptr;
static int g_twLog = -1;
static u64 g_twOmega = 0;

static int twiddles(int logN, u64 omega, u64 **out) {
    if (g_twLog != logN || g_twOmega != omega) {
        if (g_tw) CK(cudaFree(g_tw));
        g_tw = nullptr;
        g_twLog = -1;
        long long half = logN == 0 ? 1 : (1LL << (logN - 1));
        CK(cudaMalloc(&g_tw, sizeof(u64) * half));
        long long threads = (half + 63) / 64;
        k_twiddles<<<(unsigned) ((threads + 255) / 256), 256>>>(g_tw, half, omega);
        CK_LAUNCH("k_twiddles");
        g_twLog = logN;
        g_twOmega = omega;
    }
    *out = g_tw;
    return 0;
}

template <int W>
static int dif(u64 *d, int logN, const u64 *tw) {
    long long halfN = 1LL << (logN - 1);
    const int logB = W == 1 ? 11 : 10;  // 16 KiB / 24 KiB of shared memory
    int tail = logN < logB ? logN : logB;
    for (int logH = logN - 1; logH >= tail; logH--) {
        k_dif_stage<W><<<(unsigned) ((halfN + 255) / 256), 256>>>(d, halfN, logH, logN - 1 - logH, tw);
        CK_LAUNCH("k_dif_stage");
    }
    long long blocks = 1LL << (logN - tail);
    k_dif_tail<W><<<(unsigned) blocks, 256, sizeof(u64) * W * (1 << tail)>>>(d, tail, logN, tw);
    CK_LAUNCH("k_dif_tail");
    return 0;
}

extern "C" int zk_encode_bit_reversed(const uint64_t *coeffs, int width, int logMsg, int logN, uint64_t omega,
                                      uint64_t *out) {
    long long n = 1LL << logN;
    size_t bytes = sizeof(u64) * width * n;
    size_t inBytes = sizeof(u64) * width * (1LL << logMsg);
    if (logN == 0) {
        memcpy(out, coeffs, inBytes);
        return 0;
    }
    u64 *d;
    CK(cudaMalloc(&d, bytes));
    int rc = 0;
    u64 *tw;
    if (cudaMemcpy(d, coeffs, inBytes, cudaMemcpyHostToDevice) != cudaSuccess) rc = fail(cudaGetLastError(), "upload");
    if (!rc && bytes > inBytes && cudaMemset((char *) d + inBytes, 0, bytes - inBytes) != cudaSuccess)
        rc = fail(cudaGetLastError(), "memset");
    if (!rc) rc = twiddles(logN, omega, &tw);
    if (!rc) rc = width == 1 ? dif<1>(d, logN, tw) : dif<3>(d, logN, tw);
    if (!rc && cudaMemcpy(out, d, bytes, cudaMemcpyDeviceToHost) != cudaSuccess) rc = fail(cudaGetLastError(), "download");
    cudaFree(d);
    return rc;
}

extern "C" int zk_encode_device(uint64_t devCoeffs, int width, int logMsg, int logN, uint64_t omega, uint64_t *codeword) {
    long long n = 1LL << logN;
    size_t bytes = sizeof(u64) * width * n;
    size_t inBytes = sizeof(u64) * width * (1LL << logMsg);
    u64 *d;
    CK(cudaMalloc(&d, bytes));
    int rc = 0;
    u64 *tw;
    if (cudaMemcpy(d, (const void *) devCoeffs, inBytes, cudaMemcpyDeviceToDevice) != cudaSuccess)
        rc = fail(cudaGetLastError(), "copy");
    if (!rc && bytes > inBytes && cudaMemset((char *) d + inBytes, 0, bytes - inBytes) != cudaSuccess)
        rc = fail(cudaGetLastError(), "memset");
    if (!rc && logN > 0) rc = twiddles(logN, omega, &tw);
    if (!rc && logN > 0) rc = width == 1 ? dif<1>(d, logN, tw) : dif<3>(d, logN, tw);
    if (rc) {
        cudaFree(d);
        return rc;
    }
    *codeword = (uint64_t) d;
    return 0;
}

// v[i | bit] -= v[i] for the pairs of variable k
__global__ void k_mobius(u64 *v, long long pairs, int k) {
    long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= pairs) return;
    long long lowMask = (1LL << k) - 1;
    long long i0 = ((j >> k) << (k + 1)) | (j & lowMask);
    long long i1 = i0 | (1LL << k);
    v[i1] = gl_sub(v[i1], v[i0]);
}

extern "C" int zk_mobius(uint64_t values, int n) {
    long long pairs = n == 0 ? 0 : 1LL << (n - 1);
    for (int k = 0; k < n; k++) {
        k_mobius<<<(unsigned) ((pairs + 255) / 256), 256>>>((u64 *) values, pairs, k);
        CK_LAUNCH("k_mobius");
    }
    return 0;
}

__global__ void k_gather(const u64 *t, const int *idx, int count, int L, u64 *out) {
    long long x = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (x >= (long long) count * L) return;
    long long q = x / L, o = x % L;
    out[x] = t[(long long) idx[q] * L + o];
}

extern "C" int zk_gather_leaves(uint64_t table, const int32_t *idx, int count, int leafLongs, uint64_t *out) {
    if (count == 0) return 0;
    size_t idxBytes = sizeof(int) * count, outBytes = sizeof(u64) * count * (size_t) leafLongs;
    u64 *s;
    int rc = scratch(outBytes + idxBytes + 8, &s);
    if (rc) return rc;
    int *di = (int *) (s + (size_t) count * leafLongs);
    CK(cudaMemcpy(di, idx, idxBytes, cudaMemcpyHostToDevice));
    long long total = (long long) count * leafLongs;
    k_gather<<<(unsigned) ((total + 255) / 256), 256>>>((const u64 *) table, di, count, leafLongs, s);
    CK_LAUNCH("k_gather");
    CK(cudaMemcpy(out, s, outBytes, cudaMemcpyDeviceToHost));
    return 0;
}

// ---------------------------------------------------------------- SHA-256 Merkle trees

__constant__ u32 K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
    0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
    0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
    0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

__device__ __forceinline__ u32 rotr(u32 x, int n) { return __funnelshift_r(x, x, n); }

__device__ void sha_compress(u32 st[8], const u32 w_in[16]) {
    u32 w[16];
#pragma unroll
    for (int i = 0; i < 16; i++) w[i] = w_in[i];
    u32 a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
#pragma unroll
    for (int i = 0; i < 64; i++) {
        u32 wi;
        if (i < 16) {
            wi = w[i];
        } else {
            u32 w15 = w[(i - 15) & 15], w2 = w[(i - 2) & 15];
            u32 s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3);
            u32 s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10);
            wi = w[i & 15] + s0 + w[(i - 7) & 15] + s1;
            w[i & 15] = wi;
        }
        u32 S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        u32 ch = (e & f) ^ (~e & g);
        u32 t1 = h + S1 + ch + K256[i] + wi;
        u32 S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        u32 mj = (a & b) ^ (a & c) ^ (b & c);
        u32 t2 = S0 + mj;
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
}

__device__ __forceinline__ void sha_init(u32 st[8]) {
    st[0] = 0x6a09e667;
    st[1] = 0xbb67ae85;
    st[2] = 0x3c6ef372;
    st[3] = 0xa54ff53a;
    st[4] = 0x510e527f;
    st[5] = 0x9b05688c;
    st[6] = 0x1f83d9ab;
    st[7] = 0x5be0cd19;
}

__device__ __forceinline__ void sha_store(const u32 st[8], unsigned char *out) {
#pragma unroll
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char) (st[i] >> 24);
        out[4 * i + 1] = (unsigned char) (st[i] >> 16);
        out[4 * i + 2] = (unsigned char) (st[i] >> 8);
        out[4 * i + 3] = (unsigned char) st[i];
    }
}

// leaf = SHA-256(0x00 || u64le(v_0) || ... || u64le(v_{L-1}))
__global__ void k_hash_leaves(const u64 *data, long long leaves, int L, unsigned char *out) {
    long long leaf = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (leaf >= leaves) return;
    const unsigned char *vb = (const unsigned char *) (data + leaf * L);
    long long len = 1 + 8LL * L;                 // message bytes
    long long total = ((len + 8) / 64 + 1) * 64;  // padded length
    u32 st[8];
    sha_init(st);
    u32 w[16];
    for (long long blk = 0; blk < total; blk += 64) {
        for (int i = 0; i < 16; i++) {
            u32 word = 0;
            for (int j = 0; j < 4; j++) {
                long long m = blk + 4 * i + j;
                u32 byte;
                if (m == 0) {
                    byte = 0;
                } else if (m < len) {
                    byte = vb[m - 1];  // little-endian device memory: the u64le encoding of the values
                } else if (m == len) {
                    byte = 0x80;
                } else if (m >= total - 8) {
                    byte = (u32) (((u64) len * 8) >> (8 * (total - 1 - m))) & 0xff;
                } else {
                    byte = 0;
                }
                word = (word << 8) | byte;
            }
            w[i] = word;
        }
        sha_compress(st, w);
    }
    sha_store(st, out + 32 * leaf);
}

__device__ __forceinline__ u32 load_be(const unsigned char *p) {
    return ((u32) p[0] << 24) | ((u32) p[1] << 16) | ((u32) p[2] << 8) | (u32) p[3];
}

// node = SHA-256(0x01 || left || right): 65 bytes, two blocks
__global__ void k_hash_parents(const unsigned char *children, long long parents, unsigned char *out) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= parents) return;
    const unsigned char *c = children + 64 * i;
    u32 st[8];
    sha_init(st);
    u32 w[16];
    // block 0: 0x01, c[0..62]
    w[0] = (1u << 24) | ((u32) c[0] << 16) | ((u32) c[1] << 8) | c[2];
    for (int k = 1; k < 16; k++) {
        const unsigned char *p = c + 4 * k - 1;
        w[k] = load_be(p);
    }
    sha_compress(st, w);
    // block 1: c[63], 0x80, zeros, length 520 bits
    w[0] = ((u32) c[63] << 24) | (0x80u << 16);
    for (int k = 1; k < 15; k++) w[k] = 0;
    w[15] = 65 * 8;
    sha_compress(st, w);
    sha_store(st, out + 32 * i);
}

// Every layer of the tree into a new device buffer (leaves first, 32 bytes per node).
static int merkle(const u64 *d, long long leaves, int leafLongs, unsigned char **out) {
    size_t nodeBytes = 32 * (size_t) (2 * leaves - 1);
    unsigned char *nodes;
    CK(cudaMalloc(&nodes, nodeBytes));
    int rc = 0;
    k_hash_leaves<<<(unsigned) ((leaves + 127) / 128), 128>>>(d, leaves, leafLongs, nodes);
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) rc = fail(e, "k_hash_leaves");
    long long off = 0, count = leaves;
    while (!rc && count > 1) {
        long long parents = count / 2;
        k_hash_parents<<<(unsigned) ((parents + 127) / 128), 128>>>(nodes + 32 * off, parents, nodes + 32 * (off + count));
        e = cudaGetLastError();
        if (e != cudaSuccess) rc = fail(e, "k_hash_parents");
        off += count;
        count = parents;
    }
    if (rc) {
        cudaFree(nodes);
        return rc;
    }
    *out = nodes;
    return 0;
}

extern "C" int zk_merkle_tree(const uint64_t *data, int64_t leaves, int leafLongs, uint8_t *out) {
    size_t dataBytes = sizeof(u64) * leaves * leafLongs;
    u64 *d;
    CK(cudaMalloc(&d, dataBytes));
    int rc = 0;
    unsigned char *nodes = nullptr;
    if (cudaMemcpy(d, data, dataBytes, cudaMemcpyHostToDevice) != cudaSuccess) rc = fail(cudaGetLastError(), "upload");
    if (!rc) rc = merkle(d, leaves, leafLongs, &nodes);
    if (!rc && cudaMemcpy(out, nodes, 32 * (size_t) (2 * leaves - 1), cudaMemcpyDeviceToHost) != cudaSuccess)
        rc = fail(cudaGetLastError(), "download");
    cudaFree(nodes);
    cudaFree(d);
    return rc;
}

extern "C" int zk_merkle_tree_device(uint64_t data, int64_t leaves, int leafLongs, uint64_t *nodes) {
    unsigned char *n = nullptr;
    int rc = merkle((const u64 *) data, leaves, leafLongs, &n);
    if (!rc) *nodes = (uint64_t) n;
    return rc;
}

// ---------------------------------------------------------------- WHIR weighted sumcheck

__global__ void k_whir_round(const u64 *f, int fw, const u64 *w, long long pairs, u64 *part) {
    u64 acc[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < pairs; j += (long long) gridDim.x * blockDim.x) {
        E3 f0 = e_entry(f, fw == 1, 2 * j), f1 = e_entry(f, fw == 1, 2 * j + 1);
        E3 w0 = e_load(w, 2 * j), w1 = e_load(w, 2 * j + 1);
        E3 h0 = e_mul(w0, f0), h1 = e_mul(w1, f1), h2 = e_mul(e_twice_minus(w1, w0), e_twice_minus(f1, f0));
        acc[0] = gl_add(acc[0], h0.c0);
        acc[1] = gl_add(acc[1], h0.c1);
        acc[2] = gl_add(acc[2], h0.c2);
        acc[3] = gl_add(acc[3], h1.c0);
        acc[4] = gl_add(acc[4], h1.c1);
        acc[5] = gl_add(acc[5], h1.c2);
        acc[6] = gl_add(acc[6], h2.c0);
        acc[7] = gl_add(acc[7], h2.c1);
        acc[8] = gl_add(acc[8], h2.c2);
    }
    block_reduce_store<9>(acc, part);
}

extern "C" int zk_whir_round(uint64_t f, int fw, uint64_t w, int64_t size, uint64_t *out) {
    u64 *part;
    int rc = partials(&part);
    if (rc) return rc;
    long long pairs = size / 2;
    int blocks = blocks_for(pairs);
    k_whir_round<<<blocks, RED_THREADS>>>((const u64 *) f, fw, (const u64 *) w, pairs, part);
    return finish<9>(part, blocks, out);
}

__global__ void k_whir_fold(const u64 *t, int width, long long pairs, E3 a, int monomial, u64 *out) {
    long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= pairs) return;
    E3 x = e_entry(t, width == 1, 2 * j), y = e_entry(t, width == 1, 2 * j + 1);
    E3 d = monomial ? y : e_sub(y, x);
    E3 p = width == 1 ? e_scale(a, d.c0) : e_mul(a, d);
    e_store(out, j, e_add(x, p));
}

extern "C" int zk_whir_fold(uint64_t t, int width, int64_t size, const uint64_t *alpha, int monomial, uint64_t out) {
    long long pairs = size / 2;
    if (pairs == 0) return 0;
    E3 a = {alpha[0], alpha[1], alpha[2]};
    k_whir_fold<<<(unsigned) ((pairs + 255) / 256), 256>>>((const u64 *) t, width, pairs, a, monomial, (u64 *) out);
    CK_LAUNCH("k_whir_fold");
    return 0;
}

__global__ void k_add_eq_split(u64 *w, long long n, int lo, int count, const u64 *hi, const u64 *low, long long hiLen) {
    long long b = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (b >= n) return;
    long long c = b >> lo, l = b & ((1LL << lo) - 1);
    E3 v = e_load(w, b);
    for (int q = 0; q < count; q++) v = e_add(v, e_mul(e_load(hi, q * hiLen + c), e_load(low, ((long long) q << lo) + l)));
    e_store(w, b, v);
}

extern "C" int zk_add_eq_split(uint64_t w, int m, int lo, int count, const uint64_t *hi, const uint64_t *low) {
    long long hiLen = 1LL << (m - lo), loLen = 1LL << lo;
    size_t hiBytes = sizeof(u64) * 3 * hiLen * count, loBytes = sizeof(u64) * 3 * loLen * count;
    u64 *s;
    int rc = scratch(hiBytes + loBytes, &s);
    if (rc) return rc;
    CK(cudaMemcpy(s, hi, hiBytes, cudaMemcpyHostToDevice));
    CK(cudaMemcpy(s + 3 * hiLen * count, low, loBytes, cudaMemcpyHostToDevice));
    long long n = 1LL << m;
    k_add_eq_split<<<(unsigned) ((n + 255) / 256), 256>>>((u64 *) w, n, lo, count, s, s + 3 * hiLen * count, hiLen);
    CK_LAUNCH("k_add_eq_split");
    return 0;
}

__global__ void k_evaluate_split(const u64 *v, long long n, int lo, const u64 *hi, const u64 *low, u64 *part) {
    u64 acc[3] = {0, 0, 0};
    long long mask = (1LL << lo) - 1;
    for (long long b = (long long) blockIdx.x * blockDim.x + threadIdx.x; b < n; b += (long long) gridDim.x * blockDim.x) {
        E3 e = e_scale(e_mul(e_load(hi, b >> lo), e_load(low, b & mask)), v[b]);
        acc[0] = gl_add(acc[0], e.c0);
        acc[1] = gl_add(acc[1], e.c1);
        acc[2] = gl_add(acc[2], e.c2);
    }
    block_reduce_store<3>(acc, part);
}

extern "C" int zk_evaluate_split(uint64_t values, int m, int lo, const uint64_t *hi, const uint64_t *low, uint64_t *out) {
    long long hiLen = 1LL << (m - lo), loLen = 1LL << lo;
    u64 *s, *part;
    int rc = scratch(sizeof(u64) * 3 * (hiLen + loLen), &s);
    if (!rc) rc = partials(&part);
    if (rc) return rc;
    CK(cudaMemcpy(s, hi, sizeof(u64) * 3 * hiLen, cudaMemcpyHostToDevice));
    CK(cudaMemcpy(s + 3 * hiLen, low, sizeof(u64) * 3 * loLen, cudaMemcpyHostToDevice));
    long long n = 1LL << m;
    int blocks = blocks_for(n);
    k_evaluate_split<<<blocks, RED_THREADS>>>((const u64 *) values, n, lo, s, s + 3 * hiLen, part);
    return finish<3>(part, blocks, out);
}

// ---------------------------------------------------------------- sumcheck of f*g

__device__ __forceinline__ void acc_product(u64 (&acc)[6], E3 a, E3 b, E3 c, E3 d) {
    E3 s0 = e_mul(a, c);
    E3 s2 = e_mul(e_twice_minus(b, a), e_twice_minus(d, c));
    acc[0] = gl_add(acc[0], s0.c0);
    acc[1] = gl_add(acc[1], s0.c1);
    acc[2] = gl_add(acc[2], s0.c2);
    acc[3] = gl_add(acc[3], s2.c0);
    acc[4] = gl_add(acc[4], s2.c1);
    acc[5] = gl_add(acc[5], s2.c2);
}

__global__ void k_product_sums(const u64 *f, int fb, const u64 *g, int gb, long long half, u64 *part) {
    u64 acc[6] = {0, 0, 0, 0, 0, 0};
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < half; j += (long long) gridDim.x * blockDim.x)
        acc_product(acc, e_entry(f, fb, 2 * j), e_entry(f, fb, 2 * j + 1), e_entry(g, gb, 2 * j), e_entry(g, gb, 2 * j + 1));
    block_reduce_store<6>(acc, part);
}

extern "C" int zk_product_sums(uint64_t f, int fBase, uint64_t g, int gBase, int64_t half, uint64_t *out) {
    u64 *part;
    int rc = partials(&part);
    if (rc) return rc;
    int blocks = blocks_for(half);
    k_product_sums<<<blocks, RED_THREADS>>>((const u64 *) f, fBase, (const u64 *) g, gBase, half, part);
    return finish<6>(part, blocks, out);
}

__device__ __forceinline__ E3 fold_pair(const u64 *t, int base, long long j, E3 r) {
    E3 a = e_entry(t, base, 2 * j), b = e_entry(t, base, 2 * j + 1);
    E3 d = e_sub(b, a);
    return e_add(a, base ? e_scale(r, d.c0) : e_mul(d, r));
}

// pair i of the next round is entries 4i..4i+3 of the current table
__global__ void k_product_fold_sums(const u64 *f, int fb, const u64 *g, int gb, long long next, E3 r, u64 *fo, u64 *go,
                                    u64 *part) {
    u64 acc[6] = {0, 0, 0, 0, 0, 0};
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < next; i += (long long) gridDim.x * blockDim.x) {
        E3 a = fold_pair(f, fb, 2 * i, r), b = fold_pair(f, fb, 2 * i + 1, r);
        E3 c = fold_pair(g, gb, 2 * i, r), d = fold_pair(g, gb, 2 * i + 1, r);
        e_store(fo, 2 * i, a);
        e_store(fo, 2 * i + 1, b);
        e_store(go, 2 * i, c);
        e_store(go, 2 * i + 1, d);
        acc_product(acc, a, b, c, d);
    }
    block_reduce_store<6>(acc, part);
}

extern "C" int zk_product_fold_sums(uint64_t f, int fBase, uint64_t g, int gBase, int64_t half, const uint64_t *r,
                                    uint64_t fOut, uint64_t gOut, uint64_t *out) {
    u64 *part;
    int rc = partials(&part);
    if (rc) return rc;
    long long next = half / 2;
    int blocks = blocks_for(next);
    E3 rr = {r[0], r[1], r[2]};
    k_product_fold_sums<<<blocks, RED_THREADS>>>((const u64 *) f, fBase, (const u64 *) g, gBase, next, rr, (u64 *) fOut,
                                                 (u64 *) gOut, part);
    return finish<6>(part, blocks, out);
}

__global__ void k_sumcheck_fold(const u64 *t, int base, long long half, E3 r, u64 *out) {
    long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (j < half) e_store(out, j, fold_pair(t, base, j, r));
}

extern "C" int zk_sumcheck_fold(uint64_t t, int isBase, int64_t half, const uint64_t *r, uint64_t out) {
    if (half == 0) return 0;
    E3 rr = {r[0], r[1], r[2]};
    k_sumcheck_fold<<<(unsigned) ((half + 255) / 256), 256>>>((const u64 *) t, isBase, half, rr, (u64 *) out);
    CK_LAUNCH("k_sumcheck_fold");
    return 0;
}

// ---------------------------------------------------------------- sumcheck of a general sum of products

struct Instance {
    const u64 *t[ZK_MAX_TABLES];
    int base[ZK_MAX_TABLES];
    int termOff[ZK_MAX_TERMS + 1];
    int fac[ZK_MAX_FACTORS];
};

#define GEN_THREADS 256

// Block y handles term blockIdx.y; each thread accumulates the term's values at x = 0, 2, ..., d
// (the table values at x: a + x (b - a), as the reference's b + (b - a) + ...).
__global__ void k_generic_sums(Instance in, long long half, int degree, int blocks, u64 *part) {
    int term = blockIdx.y;
    E3 acc[ZK_MAX_DEGREE];
#pragma unroll
    for (int i = 0; i < ZK_MAX_DEGREE; i++) acc[i] = {0, 0, 0};
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < half; j += (long long) gridDim.x * blockDim.x) {
        E3 prod[ZK_MAX_DEGREE];
        for (int k = in.termOff[term]; k < in.termOff[term + 1]; k++) {
            int f = in.fac[k];
            E3 a = e_entry(in.t[f], in.base[f], 2 * j), b = e_entry(in.t[f], in.base[f], 2 * j + 1);
            E3 d = e_sub(b, a);
            E3 v = e_add(b, d);
            bool first = k == in.termOff[term];
#pragma unroll
            for (int i = 0; i < ZK_MAX_DEGREE; i++) {
                if (i < degree) {
                    E3 x = i == 0 ? a : v;
                    prod[i] = first ? x : e_mul(prod[i], x);
                    if (i > 0) v = e_add(v, d);
                }
            }
        }
#pragma unroll
        for (int i = 0; i < ZK_MAX_DEGREE; i++)
            if (i < degree) acc[i] = e_add(acc[i], prod[i]);
    }
    // block reduction, three values at a time
    __shared__ u64 sh[3][GEN_THREADS];
    for (int i = 0; i < degree; i++) {
        sh[0][threadIdx.x] = acc[i].c0;
        sh[1][threadIdx.x] = acc[i].c1;
        sh[2][threadIdx.x] = acc[i].c2;
        __syncthreads();
        for (int s = GEN_THREADS / 2; s > 0; s >>= 1) {
            if (threadIdx.x < s)
                for (int c = 0; c < 3; c++) sh[c][threadIdx.x] = gl_add(sh[c][threadIdx.x], sh[c][threadIdx.x + s]);
            __syncthreads();
        }
        if (threadIdx.x == 0)
            for (int c = 0; c < 3; c++) part[(((long long) term * blocks + blockIdx.x) * degree + i) * 3 + c] = sh[c][0];
        __syncthreads();
    }
}

// out[(term * degree + i) * 3 + c] = sum over blocks of the partials
__global__ void k_generic_finish(const u64 *part, int blocks, int degree, u64 *out) {
    int term = blockIdx.x;
    int k = threadIdx.x;  // one thread per value of the term
    if (k >= 3 * degree) return;
    u64 s = 0;
    for (int b = 0; b < blocks; b++) s = gl_add(s, part[((long long) term * blocks + b) * degree * 3 + k]);
    out[(long long) term * degree * 3 + k] = s;
}

extern "C" int zk_generic_sums(const uint64_t *tables, const int32_t *isBase, int nt, const int32_t *termOff, const int32_t *factors,
                               int nterms, int64_t half, int degree, uint64_t *out) {
    if (nt > ZK_MAX_TABLES || nterms > ZK_MAX_TERMS || termOff[nterms] > ZK_MAX_FACTORS || degree > ZK_MAX_DEGREE || degree < 1) {
        snprintf(g_error, sizeof g_error, "zk_generic_sums: instance too large (%d tables, %d terms, degree %d)", nt, nterms, degree);
        return -1;
    }
    Instance in;
    memset(&in, 0, sizeof in);
    for (int f = 0; f < nt; f++) {
        in.t[f] = (const u64 *) tables[f];
        in.base[f] = isBase[f];
    }
    for (int t = 0; t <= nterms; t++) in.termOff[t] = termOff[t];
    for (int k = 0; k < termOff[nterms]; k++) in.fac[k] = factors[k];
    long long b = (half + GEN_THREADS - 1) / GEN_THREADS;
    int blocks = (int) (b < 1 ? 1 : (b > 256 ? 256 : b));
    size_t partBytes = sizeof(u64) * (size_t) nterms * blocks * degree * 3;
    size_t outBytes = sizeof(u64) * (size_t) nterms * degree * 3;
    u64 *part;
    CK(cudaMalloc(&part, partBytes + outBytes));
    int rc = 0;
    dim3 grid(blocks, nterms);
    k_generic_sums<<<grid, GEN_THREADS>>>(in, half, degree, blocks, part);
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) rc = fail(e, "k_generic_sums");
    if (!rc) {
        u64 *dout = part + partBytes / sizeof(u64);
        k_generic_finish<<<nterms, 32>>>(part, blocks, degree, dout);
        e = cudaGetLastError();
        if (e != cudaSuccess) rc = fail(e, "k_generic_finish");
        if (!rc && cudaMemcpy(out, dout, outBytes, cudaMemcpyDeviceToHost) != cudaSuccess) rc = fail(cudaGetLastError(), "download");
    }
    cudaFree(part);
    return rc;
}
