// Integer inner products of int16 queries with rows of 8-bit codes, for the exact search's
// first pass over the index's codes (Sources/VectorIndex/ExactSearch+Codes.swift). x86-64 AVX2
// only: call after `lorag_quant_kernels_available` returns 1.

#ifndef CODEDOTS_H
#define CODEDOTS_H

#include <stdint.h>

/// out[q·rows + r] = Σ_d queries[q·dim + d] · codes[r·dim + d] for q in 0 ..< queryCount and r
/// in 0 ..< rows. `queryCount` is even and `dim` of 16. With |queries| ≤ 8191 and
/// codes ≤ 255 no sum leaves int32 for dim up to 1,028 (8191 · 255 · 1028 < 2³¹).
void lorag_code_dots(const uint8_t *codes, long rows, long dim,
                     const int16_t *queries, long queryCount, int32_t *out);

/// The first i in from ..< count with scores[i] ≥ cut, or count when there is none.
long lorag_first_at_least(const int32_t *scores, long from, long count, int32_t cut);

#endif
