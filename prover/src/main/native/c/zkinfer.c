/* Library-level entry points: version and capabilities. */
#include "pool.h"
#include "sha256.h"
#include "zkinfer.h"

int32_t zk_abi_version(void) { return 7; }

int32_t zk_sha_ni(void) { return zk_sha256_uses_ni(); }

int32_t zk_threads(void) { return zk_pool_threads(); }

void zk_force_portable_sha(int32_t portable) { zk_sha256_force_portable(portable); }

