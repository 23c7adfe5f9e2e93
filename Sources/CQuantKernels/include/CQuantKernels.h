// Integer dot products of quantised weight rows with an activation vector quantised to int16, for
// the decoder's one-token matrix–vector products. x86-64 AVX2 only (chosen at run time); elsewhere
// `lorag_quant_kernels_available` returns 0 and callers keep their Float32 kernels.
//
// Activations are quantised per 32-value block: scale d = max|x| / 32767, code q = round(x / d),
// so x ≈ d·q. `scaleSums` holds per block the pair (d, Σx) with Σx exact (Float32): Q4_1's m·Σx
// term is computed without the activations' rounding. Codes are a separate array (blocks·32).

#ifndef CQUANTKERNELS_H
#define CQUANTKERNELS_H

#include <stdint.h>

#include "CodeDots.h"

/// 1 when this CPU has AVX2, FMA and F16C (the functions below may be called), else 0.
int lorag_quant_kernels_available(void);

/// Quantises `blocks` 32-value blocks of `x` into `scaleSums` (2·blocks) and `codes` (blocks·32).
void lorag_quantize_i16(const float *x, long blocks, float *scaleSums, int16_t *codes);

/// y[r] = Σ row_r · x for r in firstRow ..< endRow, rows of Q4_1 blocks { f16 d, m; u8 qs[16] }
/// at base + r·rowStride, each `blocks` blocks long.
void lorag_rows_q4_1(const void *base, long rowStride, long firstRow, long endRow, long blocks,
                     const float *scaleSums, const int16_t *codes, float *y);

/// y[r] = Σ row_r · x for r in firstRow ..< endRow, rows of Q8_0 blocks { f16 d; i8 qs[32] }.
void lorag_rows_q8_0(const void *base, long rowStride, long firstRow, long endRow, long blocks,
                     const float *scaleSums, const int16_t *codes, float *y);

#endif
