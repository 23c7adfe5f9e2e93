// Integer inner products of int8 queries with rows of 8-bit codes, for the exact search's
// first pass over the index's codes (Sources/VectorIndex/ExactSearch+Codes.swift). x86-64 AVX2
// only: call after `lorag_quant_kernels_available` returns 1.

#ifndef CODEDOTS_H
#define CODEDOTS_H

#include <stdint.h>

/// out[q·rows + r] = Σ_d queries[q·dim + d] · codes[r·dim + d] for q in 0 ..< queryCount and r
/// in 0 ..< rows, with AVX2. `queryCount` is even, `dim` a multiple of 32, and every |query
/// value| ≤ 63, so that no pair of products leaves int16 inside vpmaddubsw (2 · 255 · 63 < 2¹⁵).
void lorag_code_dots_avx2(const uint8_t *codes, long rows, long dim,
                          const int8_t *queries, long queryCount, int32_t *out);

/// The same with AVX-512 VNNI, where `lorag_code_dots_vnni_available`; query values may reach
/// ±127 (vpdpbusd adds the products in int32).
void lorag_code_dots_vnni(const uint8_t *codes, long rows, long dim,
                          const int8_t *queries, long queryCount, int32_t *out);

/// 1 when this CPU has AVX-512 VNNI and AVX-512 VL (`lorag_code_dots_vnni` may be called).
int lorag_code_dots_vnni_available(void);

/// The largest Σ_d |codes[r·dim + d] − 128| over the rows (vpsadbw); `dim` a multiple of 32.
long lorag_code_largest_deviation(const uint8_t *codes, long rows, long dim);

/// The first i in from ..< count with scores[i] ≥ cut, or count when there is none.
long lorag_first_at_least(const int32_t *scores, long from, long count, int32_t cut);

#endif
