// The kernels of CodeDots.h. On AVX2, vpmaddubsw multiplies 32 unsigned code bytes by 32
// signed query bytes and adds neighbours into 16 int16, and vpmaddwd by ones widens those to 8
// int32: two multiply instructions per 32 multiply-adds, as many as int16 queries would need
// (vpmaddwd, 16 per instruction), but the codes need no widening shuffles and half the bytes
// are loaded; measured 1.2–1.4× an int16 kernel's rate. Where the CPU has AVX-512 VNNI,
// vpdpbusd does the same 32 multiply-adds and the accumulation in one instruction (on the
// 256-bit registers, EVEX-encoded): measured 1.5–2× the AVX2 kernel on the same machine. The
// caller chooses (Sources/VectorIndex/CodeKernel.swift).

#include "CodeDots.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define KERNEL __attribute__((target("avx2")))
#define KERNEL_VNNI __attribute__((target("avx2,avx512vl,avx512vnni")))

/// [Σ a, Σ b, Σ c, Σ d] over the 8 lanes of each.
KERNEL static inline __m128i sums4(__m256i a, __m256i b, __m256i c, __m256i d) {
    const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(a, b), _mm256_hadd_epi32(c, d));
    return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

KERNEL static inline __m256i load(const void *p) { return _mm256_loadu_si256((const __m256i *)p); }

/// acc + Σ x·y over 32 bytes, as 8 int32 partial sums: AVX2.
KERNEL static inline __m256i dot32_avx2(__m256i acc, __m256i x, __m256i y) {
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(x, y), _mm256_set1_epi16(1)));
}

/// The same with AVX-512 VNNI.
KERNEL_VNNI static inline __m256i dot32_vnni(__m256i acc, __m256i x, __m256i y) {
    return _mm256_dpbusd_epi32(acc, x, y);
}

/// Defines NAME(codes, rows, dim, queries, queryCount, out) for one instruction set: two
/// queries against every row, 4 rows at a time (8 accumulators, four code vectors and two
/// query vectors in 14 of the 16 ymm registers). A macro, so that both variants are the same
/// code but for DOT and each is compiled for its own target.
#define DEFINE_CODE_DOTS(NAME, TARGET, DOT)                                                              \
    TARGET static void NAME##_pair(const uint8_t *codes, long rows, long dim, const int8_t *q0, int32_t *out) { \
        const int8_t *q1 = q0 + dim;                                                                     \
        long r = 0;                                                                                      \
        for (; r + 4 <= rows; r += 4) {                                                                  \
            const uint8_t *c0 = codes + r * dim, *c1 = c0 + dim, *c2 = c1 + dim, *c3 = c2 + dim;         \
            __m256i a00 = _mm256_setzero_si256(), a10 = a00, a20 = a00, a30 = a00;                       \
            __m256i a01 = a00, a11 = a00, a21 = a00, a31 = a00;                                          \
            for (long d = 0; d < dim; d += 32) {                                                         \
                const __m256i y0 = load(q0 + d), y1 = load(q1 + d);                                      \
                const __m256i x0 = load(c0 + d), x1 = load(c1 + d), x2 = load(c2 + d), x3 = load(c3 + d); \
                a00 = DOT(a00, x0, y0);                                                                  \
                a10 = DOT(a10, x1, y0);                                                                  \
                a20 = DOT(a20, x2, y0);                                                                  \
                a30 = DOT(a30, x3, y0);                                                                  \
                a01 = DOT(a01, x0, y1);                                                                  \
                a11 = DOT(a11, x1, y1);                                                                  \
                a21 = DOT(a21, x2, y1);                                                                  \
                a31 = DOT(a31, x3, y1);                                                                  \
            }                                                                                            \
            _mm_storeu_si128((__m128i *)(out + r), sums4(a00, a10, a20, a30));                           \
            _mm_storeu_si128((__m128i *)(out + rows + r), sums4(a01, a11, a21, a31));                    \
        }                                                                                                \
        for (; r < rows; r++) {                                                                          \
            const uint8_t *c = codes + r * dim;                                                          \
            __m256i a0 = _mm256_setzero_si256(), a1 = a0;                                                \
            for (long d = 0; d < dim; d += 32) {                                                         \
                const __m256i x = load(c + d);                                                           \
                a0 = DOT(a0, x, load(q0 + d));                                                           \
                a1 = DOT(a1, x, load(q1 + d));                                                           \
            }                                                                                            \
            const __m128i both = sums4(a0, a1, a0, a1);                                                  \
            out[r] = _mm_extract_epi32(both, 0);                                                         \
            out[rows + r] = _mm_extract_epi32(both, 1);                                                  \
        }                                                                                                \
    }                                                                                                    \
    TARGET void NAME(const uint8_t *codes, long rows, long dim, const int8_t *queries, long queryCount, int32_t *out) { \
        for (long q = 0; q < queryCount; q += 2) NAME##_pair(codes, rows, dim, queries + q * dim, out + q * rows); \
    }

DEFINE_CODE_DOTS(lorag_code_dots_avx2, KERNEL, dot32_avx2)
DEFINE_CODE_DOTS(lorag_code_dots_vnni, KERNEL_VNNI, dot32_vnni)

int lorag_code_dots_vnni_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl");
}

KERNEL long lorag_code_largest_deviation(const uint8_t *codes, long rows, long dim) {
    const __m256i middle = _mm256_set1_epi8((char)128);
    long largest = 0;
    for (long r = 0; r < rows; r++) {
        __m256i sum = _mm256_setzero_si256();
        for (long d = 0; d < dim; d += 32) sum = _mm256_add_epi64(sum, _mm256_sad_epu8(load(codes + r * dim + d), middle));
        const __m128i half = _mm_add_epi64(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
        const long total = _mm_cvtsi128_si64(half) + _mm_extract_epi64(half, 1);
        if (total > largest) largest = total;
    }
    return largest;
}

KERNEL long lorag_first_at_least(const int32_t *scores, long from, long count, int32_t cut) {
    if (cut == INT32_MIN) return from < count ? from : count;
    const __m256i below = _mm256_set1_epi32(cut - 1);
    long i = from;
    // Most runs of 32 hold nothing that reaches the cut: one comparison of their maximum.
    for (; i + 32 <= count; i += 32) {
        const __m256i *p = (const __m256i *)(scores + i);
        const __m256i m = _mm256_max_epi32(_mm256_max_epi32(_mm256_loadu_si256(p), _mm256_loadu_si256(p + 1)),
                                           _mm256_max_epi32(_mm256_loadu_si256(p + 2), _mm256_loadu_si256(p + 3)));
        if (_mm256_movemask_epi8(_mm256_cmpgt_epi32(m, below)) != 0) break;
    }
    for (; i < count; i++) if (scores[i] >= cut) return i;
    return count;
}

#else

long lorag_first_at_least(const int32_t *scores, long from, long count, int32_t cut) {
    (void)scores; (void)from; (void)count; (void)cut;
    __builtin_trap();
}

void lorag_code_dots_avx2(const uint8_t *codes, long rows, long dim,
                          const int8_t *queries, long queryCount, int32_t *out) {
    (void)codes; (void)rows; (void)dim; (void)queries; (void)queryCount; (void)out;
    __builtin_trap();
}

void lorag_code_dots_vnni(const uint8_t *codes, long rows, long dim,
                          const int8_t *queries, long queryCount, int32_t *out) {
    (void)codes; (void)rows; (void)dim; (void)queries; (void)queryCount; (void)out;
    __builtin_trap();
}

int lorag_code_dots_vnni_available(void) { return 0; }

long lorag_code_largest_deviation(const uint8_t *codes, long rows, long dim) {
    (void)codes; (void)rows; (void)dim;
    __builtin_trap();
}

#endif
