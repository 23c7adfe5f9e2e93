// SHA-256 compression with SHA-NI (CSHA256.h). The instructions work on the state split into
// two registers, (a, b, e, f) and (c, d, g, h); `sha256rnds2` does two rounds, `sha256msg1` and
// `sha256msg2` the two halves of the message schedule of FIPS 180-4 §6.2.2 step 1, four words at
// a time. Instruction semantics: Intel 64 and IA-32 Architectures Software Developer's Manual,
// SHA256RNDS2 / SHA256MSG1 / SHA256MSG2.

#include "CSHA256.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define KERNEL __attribute__((target("sha,ssse3,sse4.1")))

int lorag_sha256_ni_available(void) {
    __builtin_cpu_init();
    unsigned int a, b, c, d;
    // CPUID leaf 7, sub-leaf 0: EBX bit 29 is SHA.
    __asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
    return ((b >> 29) & 1) && __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("sse4.1");
}

KERNEL void lorag_sha256_ni_compress(uint32_t state[8], const uint8_t *data, long blocks, const uint32_t k[64]) {
    // From (a, b, c, d), (e, f, g, h) in memory order to the instructions' (a, b, e, f) and
    // (c, d, g, h), each with its first word in the highest lane.
    __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
    // Message words are big-endian: byte-swap each 32-bit word.
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);

    for (long block = 0; block < blocks; block++, data += 64) {
        const __m128i abefStart = abef, cdghStart = cdgh;
        __m128i w[4];  // the last four groups of four schedule words, group g in w[g % 4]
        for (int g = 0; g < 16; g++) {
            if (g < 4) {
                w[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * g)), swap);
            } else {
                // W[t] = σ1(W[t−2]) + W[t−7] + σ0(W[t−15]) + W[t−16] for the group's four t.
                __m128i partial = _mm_sha256msg1_epu32(w[g % 4], w[(g + 1) % 4]);
                partial = _mm_add_epi32(partial, _mm_alignr_epi8(w[(g + 3) % 4], w[(g + 2) % 4], 4));
                w[g % 4] = _mm_sha256msg2_epu32(partial, w[(g + 3) % 4]);
            }
            __m128i wk = _mm_add_epi32(w[g % 4], _mm_loadu_si128((const __m128i *)&k[4 * g]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);               // rounds 4g, 4g+1
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));  // 4g+2, 4g+3
            // Each call returns the new (a, b, e, f); the old one is the new (c, d, g, h). So
            // after the first `cdgh` holds (a, b, e, f) and `abef` (c, d, g, h), and after the
            // second both names are right again.
        }
        abef = _mm_add_epi32(abef, abefStart);
        cdgh = _mm_add_epi32(cdgh, cdghStart);
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

#else

int lorag_sha256_ni_available(void) { return 0; }

void lorag_sha256_ni_compress(uint32_t state[8], const uint8_t *data, long blocks, const uint32_t k[64]) {
    (void)state; (void)data; (void)blocks; (void)k;
    __builtin_trap();
}

#endif
