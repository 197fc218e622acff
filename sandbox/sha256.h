/* sha256.h — SHA-256 (FIPS 180-4) for the hashes of the files a script
 * left behind. Our own few lines: linking libcrypto into pkgguard-sandbox,
 * which starts once per script, would cost more than it hashes. */
#ifndef PKGGUARD_SHA256_H
#define PKGGUARD_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;      /* bytes hashed so far */
	uint8_t buf[64];
	size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
/* Writes the digest as 64 lowercase hex digits and a NUL into hex[65]. */
void sha256_final_hex(struct sha256 *s, char hex[65]);

#endif
