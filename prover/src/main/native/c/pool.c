#include "pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_CHUNKS 256

struct job {
    zk_range_fn fn;
    void *ctx;
    int64_t n;
    int chunks;
    int next;   /* next chunk to claim (atomic) */
    int active; /* workers inside the job (under mu) */
    uint64_t gen;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t idle_cv = PTHREAD_COND_INITIALIZER;
static struct job *current;
static uint64_t generation;
static int workers = -1;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void run_chunks(struct job *j) {
    for (;;) {
        int c = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED);
        if (c >= j->chunks) {
            return;
        }
        int64_t from = j->n * c / j->chunks, to = j->n * (c + 1) / j->chunks;
        j->fn(j->ctx, from, to, c);
    }
}

static void *worker(void *arg) {
    (void)arg;
    uint64_t seen = 0;
    pthread_mutex_lock(&mu);
    for (;;) {
        while (current == NULL || current->gen == seen) {
            pthread_cond_wait(&work_cv, &mu);
        }
        struct job *j = current;
        seen = j->gen;
        j->active++;
        pthread_mutex_unlock(&mu);
        run_chunks(j);
        pthread_mutex_lock(&mu);
        if (--j->active == 0) {
            pthread_cond_broadcast(&idle_cv);
        }
    }
    return NULL;
}

static void start(void) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    const char *env = getenv("ZKINFER_THREADS");
    if (env && atoi(env) > 0) {
        cpus = atoi(env);
    }
    int n = cpus > 1 ? (int)cpus - 1 : 0;
    int started = 0;
    for (int i = 0; i < n; i++) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, worker, NULL) == 0) {
            started++;
        }
        pthread_attr_destroy(&attr);
    }
    workers = started;
}

int zk_pool_threads(void) {
    pthread_once(&once, start);
    return workers + 1;
}

int zk_chunks(int64_t n, int64_t grain) {
    int threads = zk_pool_threads();
    if (threads == 1 || n < 2 * grain) {
        return 1;
    }
    int64_t c = n / grain;
    int64_t cap = (int64_t)threads * 8 < MAX_CHUNKS ? (int64_t)threads * 8 : MAX_CHUNKS;
    return (int)(c < cap ? c : cap);
}

void zk_parallel_for(int64_t n, int64_t grain, zk_range_fn fn, void *ctx) {
    struct job j = {fn, ctx, n, zk_chunks(n, grain), 0, 0, 0};
    if (j.chunks == 1) {
        fn(ctx, 0, n, 0);
        return;
    }
    pthread_mutex_lock(&mu);
    if (current != NULL) {
        /* another Java thread's kernel holds the pool: run this one on the calling thread */
        pthread_mutex_unlock(&mu);
        run_chunks(&j);
        return;
    }
    j.gen = ++generation;
    current = &j;
    pthread_cond_broadcast(&work_cv);
    pthread_mutex_unlock(&mu);
    run_chunks(&j);
    pthread_mutex_lock(&mu);
    current = NULL; /* late workers will not join */
    while (j.active > 0) {
        pthread_cond_wait(&idle_cv, &mu);
    }
    pthread_mutex_unlock(&mu);
}
