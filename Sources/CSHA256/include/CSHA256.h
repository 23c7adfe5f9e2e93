// SHA-256's compression function with the x86 SHA extensions (SHA-NI), for hashing model files:
// every `embed` and `retrieve` fingerprints the embedding model's weights (90 MB for MiniLM), and
// the portable Swift compression in LoragBasics/SHA256.swift runs at ~260 MB/s here, a third of a
// second per run. The SHA instructions do the same rounds several times faster. x86-64 only,
// chosen at run time; the Swift code remains the fallback and the oracle in tests.

#ifndef CSHA256_H
#define CSHA256_H

#include <stdint.h>

/// 1 when this CPU has the SHA extensions, SSSE3 and SSE4.1 (the function below may be called).
int lorag_sha256_ni_available(void);

/// Compresses `blocks` 64-byte blocks at `data` into `state` (a..h, FIPS 180-4 §6.2.2), with the
/// 64 round constants `k` of §4.2.2 (the caller's table, so there is one copy of them).
void lorag_sha256_ni_compress(uint32_t state[8], const uint8_t *data, long blocks, const uint32_t k[64]);

#endif
