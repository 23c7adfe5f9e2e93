// AVX2 kernels of CQuantKernels.h. Every function that uses AVX2 carries a target attribute (the
// package may not pass -mavx2), and Swift calls them only after `lorag_quant_kernels_available`.
//
// Per 32-value block the weight codes are widened to int16 (vpmovzxbw/vpmovsxbw) and multiplied
// with the int16 activation codes by vpmaddwd (16 products, adjacent pairs added into 8 int32),
// then the block's integer sum, converted once, takes the two scales in one FMA: about 12
// instructions per block against ~35 for the Float32 kernel. No int32 can overflow: a block sums
// 32 products of at most 128·32767.
//
// llama.cpp quantises activations to int8 instead (vpmaddubsw, 32 products per instruction). That
// was measured here first: on SmolLM2-135M its rounding (x ± max|x|/254 per block; the residual
// stream has outlier channels that set max|x|) moved the logits of one decode step by up to 1.4
// (of ~30) and changed greedy tokens at reference margins well above 0.01. With int16 codes the
// rounding is 258× finer; the int16 kernel is ~15% slower per block than the int8 one
// (1.19 vs 1.04 ns for Q4_1, 1.25 vs 1.02 ns for Q8_0, one thread, streaming 36-61 MB of rows).

#include "CQuantKernels.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

#define KERNEL __attribute__((target("avx2,fma,f16c")))

int lorag_quant_kernels_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}

KERNEL static inline float horizontal_sum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

KERNEL void lorag_quantize_i16(const float *x, long blocks, float *scaleSums, int16_t *codes) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (long b = 0; b < blocks; b++) {
        const float *p = x + 32 * b;
        __m256 v0 = _mm256_loadu_ps(p), v1 = _mm256_loadu_ps(p + 8);
        __m256 v2 = _mm256_loadu_ps(p + 16), v3 = _mm256_loadu_ps(p + 24);
        __m256 m = _mm256_max_ps(_mm256_max_ps(_mm256_andnot_ps(sign, v0), _mm256_andnot_ps(sign, v1)),
                                 _mm256_max_ps(_mm256_andnot_ps(sign, v2), _mm256_andnot_ps(sign, v3)));
        __m128 h = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        h = _mm_max_ps(h, _mm_movehl_ps(h, h));
        h = _mm_max_ss(h, _mm_movehdup_ps(h));
        const float d = _mm_cvtss_f32(h) / 32767.0f;
        scaleSums[2 * b] = d;
        scaleSums[2 * b + 1] = horizontal_sum(_mm256_add_ps(_mm256_add_ps(v0, v1), _mm256_add_ps(v2, v3)));
        const __m256 inv = _mm256_set1_ps(d != 0.0f ? 1.0f / d : 0.0f);
        // Round to nearest (ties to even); |x|/d ≤ 32767 keeps the codes in range. packs works
        // within 128-bit lanes, and the 64-bit permute puts the four-value groups back in order.
        __m256i i0 = _mm256_cvtps_epi32(_mm256_mul_ps(v0, inv)), i1 = _mm256_cvtps_epi32(_mm256_mul_ps(v1, inv));
        __m256i i2 = _mm256_cvtps_epi32(_mm256_mul_ps(v2, inv)), i3 = _mm256_cvtps_epi32(_mm256_mul_ps(v3, inv));
        _mm256_storeu_si256((__m256i *)(codes + 32 * b), _mm256_permute4x64_epi64(_mm256_packs_epi32(i0, i1), 0xD8));
        _mm256_storeu_si256((__m256i *)(codes + 32 * b + 16), _mm256_permute4x64_epi64(_mm256_packs_epi32(i2, i3), 0xD8));
    }
}

/// Σ w·x over one block as 8 float partial sums: w's 32 codes already int16 (values 0…15, 16…31).
KERNEL static inline __m256 block16(__m256i wlo, __m256i whi, const int16_t *x) {
    const __m256i p = _mm256_add_epi32(_mm256_madd_epi16(wlo, _mm256_loadu_si256((const __m256i *)x)),
                                       _mm256_madd_epi16(whi, _mm256_loadu_si256((const __m256i *)(x + 16))));
    return _mm256_cvtepi32_ps(p);
}

/// Q4_1 codes: value j is the low nibble of qs[j], value j+16 the high one. Widening the bytes
/// to int16 first leaves each nibble pair in one lane: & 0x0F and >> 4 split it.
KERNEL static inline __m256 q4_1_block16(const uint8_t *qs, const int16_t *x) {
    const __m256i w = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)qs));
    return block16(_mm256_and_si256(w, _mm256_set1_epi16(0x0F)), _mm256_srli_epi16(w, 4), x);
}

/// Both scales of a Q4_1 block at once: [d, m] (two halves, converted together) times the
/// activation's [scale, Σx] gives [d·scale, m·Σx].
KERNEL static inline __m128 q4_1_scales(const uint8_t *block, const float *scaleSum) {
    int32_t halves;
    memcpy(&halves, block, 4);
    const __m128 dm = _mm_cvtph_ps(_mm_cvtsi32_si128(halves));
    return _mm_mul_ps(dm, _mm_castpd_ps(_mm_load_sd((const double *)scaleSum)));
}

KERNEL void lorag_rows_q4_1(const void *base, long rowStride, long firstRow, long endRow, long blocks,
                            const float *scaleSums, const int16_t *codes, float *y) {
    for (long r = firstRow; r < endRow; r++) {
        const uint8_t *row = (const uint8_t *)base + r * rowStride;
        // Two accumulators (even and odd blocks) halve the FMA latency chain; lane 1 of `minTerm`
        // gathers the m·Σx terms (lane 0 collects unused d·scale products).
        __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
        __m128 minTerm = _mm_setzero_ps();
        long b = 0;
        for (; b + 1 < blocks; b += 2) {
            const uint8_t *k0 = row + 20 * b, *k1 = k0 + 20;
            const __m128 s0 = q4_1_scales(k0, scaleSums + 2 * b), s1 = q4_1_scales(k1, scaleSums + 2 * b + 2);
            acc0 = _mm256_fmadd_ps(_mm256_broadcastss_ps(s0), q4_1_block16(k0 + 4, codes + 32 * b), acc0);
            acc1 = _mm256_fmadd_ps(_mm256_broadcastss_ps(s1), q4_1_block16(k1 + 4, codes + 32 * b + 32), acc1);
            minTerm = _mm_add_ps(minTerm, _mm_add_ps(s0, s1));
        }
        if (b < blocks) {
            const uint8_t *k0 = row + 20 * b;
            const __m128 s0 = q4_1_scales(k0, scaleSums + 2 * b);
            acc0 = _mm256_fmadd_ps(_mm256_broadcastss_ps(s0), q4_1_block16(k0 + 4, codes + 32 * b), acc0);
            minTerm = _mm_add_ps(minTerm, s0);
        }
        y[r] = horizontal_sum(_mm256_add_ps(acc0, acc1)) + _mm_cvtss_f32(_mm_movehdup_ps(minTerm));
    }
}

KERNEL static inline __m256 q8_0_block16(const uint8_t *qs, const int16_t *x) {
    return block16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)qs)),
                   _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(qs + 16))), x);
}

/// A Q8_0 block's d times the activation's scale, broadcast.
KERNEL static inline __m256 q8_0_scale(const uint8_t *block, const float *scaleSum) {
    uint16_t half;
    memcpy(&half, block, 2);
    return _mm256_set1_ps(_cvtsh_ss(half) * scaleSum[0]);
}

KERNEL void lorag_rows_q8_0(const void *base, long rowStride, long firstRow, long endRow, long blocks,
                            const float *scaleSums, const int16_t *codes, float *y) {
    for (long r = firstRow; r < endRow; r++) {
        const uint8_t *row = (const uint8_t *)base + r * rowStride;
        __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
        long b = 0;
        for (; b + 1 < blocks; b += 2) {
            const uint8_t *k0 = row + 34 * b, *k1 = k0 + 34;
            acc0 = _mm256_fmadd_ps(q8_0_scale(k0, scaleSums + 2 * b), q8_0_block16(k0 + 2, codes + 32 * b), acc0);
            acc1 = _mm256_fmadd_ps(q8_0_scale(k1, scaleSums + 2 * b + 2), q8_0_block16(k1 + 2, codes + 32 * b + 32), acc1);
        }
        if (b < blocks) {
            const uint8_t *k0 = row + 34 * b;
            acc0 = _mm256_fmadd_ps(q8_0_scale(k0, scaleSums + 2 * b), q8_0_block16(k0 + 2, codes + 32 * b), acc0);
        }
        y[r] = horizontal_sum(_mm256_add_ps(acc0, acc1));
    }
}

#else

// Other architectures: no kernels; callers check availability first and never reach these.
int lorag_quant_kernels_available(void) { return 0; }

void lorag_quantize_i16(const float *x, long blocks, float *scaleSums, int16_t *codes) {
    (void)x; (void)blocks; (void)scaleSums; (void)codes;
    __builtin_trap();
}

void lorag_rows_q4_1(const void *base, long rowStride, long firstRow, long endRow, long blocks,
                     const float *scaleSums, const int16_t *codes, float *y) {
    (void)base; (void)rowStride; (void)firstRow; (void)endRow; (void)blocks;
    (void)scaleSums; (void)codes; (void)y;
    __builtin_trap();
}

void lorag_rows_q8_0(const void *base, long rowStride, long firstRow, long endRow, long blocks,
                     const float *scaleSums, const int16_t *codes, float *y) {
    (void)base; (void)rowStride; (void)firstRow; (void)endRow; (void)blocks;
    (void)scaleSums; (void)codes; (void)y;
    __builtin_trap();
}

#endif
