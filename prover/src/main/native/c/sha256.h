/* SHA-256, internal to the native kernels. */
#ifndef ZK_SHA256_H
#define ZK_SHA256_H
#include <stddef.h>
#include <stdint.h>
void zk_sha256(const uint8_t *msg, size_t len, uint8_t out[32]);
/* Two messages of the same length at once (interleaved SHA-NI where available); same digests. */
void zk_sha256_x2(const uint8_t *ma, const uint8_t *mb, size_t len, uint8_t outa[32], uint8_t outb[32]);
int zk_sha256_uses_ni(void);
/* For tests: 1 forces the portable compression function, 0 restores the automatic choice. */
void zk_sha256_force_portable(int portable);
#endif
