// The kernel of CodeDots.h. vpmaddwd multiplies 16 int16 pairs and adds neighbours into 8
// int32: 16 multiply-adds per instruction against 8 for a float FMA. Each code row is widened
// to int16 once per pair of queries.

#include "CodeDots.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define KERNEL __attribute__((target("avx2")))

/// [Σ a, Σ b, Σ c, Σ d] over the 8 lanes of each.
KERNEL static inline __m128i sums4(__m256i a, __m256i b, __m256i c, __m256i d) {
    const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(a, b), _mm256_hadd_epi32(c, d));
    return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

KERNEL static inline __m256i widen(const uint8_t *p) {
    return _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)p));
}

/// Two queries against every row: a block of 4 rows × 2 queries keeps 8 accumulators, the
/// four widened code rows, both query vectors and a product in 15 of the 16 ymm registers (a
/// 3 × 4 block needs more and the compiler spills).
KERNEL static void two_queries(const uint8_t *codes, long rows, long dim, const int16_t *q0, int32_t *out) {
    const int16_t *q1 = q0 + dim;
    long r = 0;
    for (; r + 4 <= rows; r += 4) {
        const uint8_t *c0 = codes + r * dim, *c1 = c0 + dim, *c2 = c1 + dim, *c3 = c2 + dim;
        __m256i a00 = _mm256_setzero_si256(), a10 = a00, a20 = a00, a30 = a00;
        __m256i a01 = a00, a11 = a00, a21 = a00, a31 = a00;
        for (long d = 0; d < dim; d += 16) {
            const __m256i y0 = _mm256_loadu_si256((const __m256i *)(q0 + d));
            const __m256i y1 = _mm256_loadu_si256((const __m256i *)(q1 + d));
            const __m256i x0 = widen(c0 + d), x1 = widen(c1 + d), x2 = widen(c2 + d), x3 = widen(c3 + d);
            a00 = _mm256_add_epi32(a00, _mm256_madd_epi16(x0, y0));
            a10 = _mm256_add_epi32(a10, _mm256_madd_epi16(x1, y0));
            a20 = _mm256_add_epi32(a20, _mm256_madd_epi16(x2, y0));
            a30 = _mm256_add_epi32(a30, _mm256_madd_epi16(x3, y0));
            a01 = _mm256_add_epi32(a01, _mm256_madd_epi16(x0, y1));
            a11 = _mm256_add_epi32(a11, _mm256_madd_epi16(x1, y1));
            a21 = _mm256_add_epi32(a21, _mm256_madd_epi16(x2, y1));
            a31 = _mm256_add_epi32(a31, _mm256_madd_epi16(x3, y1));
        }
        _mm_storeu_si128((__m128i *)(out + r), sums4(a00, a10, a20, a30));
        _mm_storeu_si128((__m128i *)(out + rows + r), sums4(a01, a11, a21, a31));
    }
    for (; r < rows; r++) {
        const uint8_t *c = codes + r * dim;
        __m256i a0 = _mm256_setzero_si256(), a1 = a0;
        for (long d = 0; d < dim; d += 16) {
            const __m256i x = widen(c + d);
            a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(x, _mm256_loadu_si256((const __m256i *)(q0 + d))));
            a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(x, _mm256_loadu_si256((const __m256i *)(q1 + d))));
        }
        const __m128i both = sums4(a0, a1, a0, a1);
        out[r] = _mm_extract_epi32(both, 0);
        out[rows + r] = _mm_extract_epi32(both, 1);
    }
}

KERNEL void lorag_code_dots(const uint8_t *codes, long rows, long dim,
                            const int16_t *queries, long queryCount, int32_t *out) {
    for (long q = 0; q < queryCount; q += 2) two_queries(codes, rows, dim, queries + q * dim, out + q * rows);
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

void lorag_code_dots(const uint8_t *codes, long rows, long dim,
                     const int16_t *queries, long queryCount, int32_t *out) {
    (void)codes; (void)rows; (void)dim; (void)queries; (void)queryCount; (void)out;
    __builtin_trap();
}

#endif
