/* A small work-sharing thread pool (internal). The calling thread takes chunks itself and
 * waits only for chunks that other threads have already started, never for a thread that
 * has not woken up: on a loaded machine a kernel degrades to the calling thread alone
 * instead of stalling at a barrier (what OpenMP's static teams did here). */
#ifndef ZK_POOL_H
#define ZK_POOL_H
#include <stdint.h>

/* Body of a parallel loop: items [from, to), chunk number `chunk` (for per-chunk results). */
typedef void (*zk_range_fn)(void *ctx, int64_t from, int64_t to, int chunk);

/* The number of chunks zk_parallel_for uses for n items of at least `grain` each. */
int zk_chunks(int64_t n, int64_t grain);

/* Runs fn over [0, n) in zk_chunks(n, grain) chunks, on the pool's threads and the caller. */
void zk_parallel_for(int64_t n, int64_t grain, zk_range_fn fn, void *ctx);

/* Threads that take part (workers + the caller). */
int zk_pool_threads(void);
#endif
