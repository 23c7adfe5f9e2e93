// Integer dot products of quantised weight rows with an activation vector quantised to int16, for
// the decoder's one-token matrix–vector products. x86-64 AVX2 only (chosen at run time); elsewhere
// `lorag_quant_kernels_available` returns 0 and callers keep their Float32 kernels.
//
// Activations are quantised per 32-value block: scale d = max|x| / 32767, code q = round(x / d),
// so x ≈ d·q; scales[blocks] and codes[blocks·32] are separate arrays.

#ifndef CQUANTKERNELS_H
#define CQUANTKERNELS_H

#include <stdint.h>

/// 1 when this CPU has AVX2, FMA and F16C (the functions below may be called), else 0.
int lorag_quant_kernels_available(void);

/// Quantises `blocks` 32-value blocks of `x` into `scales` (blocks) and `codes` (blocks·32).
void lorag_quantize_i16(const float *x, long blocks, float *scales, int16_t *codes);

/// y[r] = Σ row_r · x for r in firstRow ..< endRow, rows of Q4_1 blocks { f16 d, m; u8 qs[16] }
/// at base + r·rowStride, each `blocks` blocks long. `sums[b]` = Σ x over block b, exact: the
/// m·Σx term of Q4_1 is computed without the activations' rounding.
void lorag_rows_q4_1(const void *base, long rowStride, long firstRow, long endRow, long blocks,
                     const float *scales, const int16_t *codes, const float *sums, float *y);

/// y[r] = Σ row_r · x for r in firstRow ..< endRow, rows of Q8_0 blocks { f16 d; i8 qs[32] }.
void lorag_rows_q8_0(const void *base, long rowStride, long firstRow, long endRow, long blocks,
                     const float *scales, const int16_t *codes, float *y);

#endif
