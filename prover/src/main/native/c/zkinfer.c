/* Library-level entry points: version and capabilities. */
#include <omp.h>

#include "sha256.h"
#include "zkinfer.h"

int32_t zk_abi_version(void) { return 1; }

int32_t zk_sha_ni(void) { return zk_sha256_uses_ni(); }

int32_t zk_threads(void) { return omp_get_max_threads(); }

void zk_force_portable_sha(int32_t portable) { zk_sha256_force_portable(portable); }

/* Threads adapt to the machine's load (OpenMP dynamic adjustment: at most the idle cores,
 * from the load average): on a shared machine a team larger than the free cores makes every
 * parallel region wait at its barrier for a descheduled thread. */
__attribute__((constructor)) static void adapt_threads(void) { omp_set_dynamic(1); }
