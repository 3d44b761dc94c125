#ifndef AEIC_BF16_GEMM_H
#define AEIC_BF16_GEMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// Whether this CPU (and its OS) can run aeic_bf16_gemm: x86-64 with AVX512_BF16.
bool aeic_bf16_supported(void);

/// 32-bit words that aeic_bf16_pack_a fills for an m×k left operand.
size_t aeic_bf16_packed_size(int m, int k);

/// op(A) (m×k, row-major Float32; Aᵀ stored k×m when `trans_a`) rounded to bfloat16 and laid
/// out in the micro-kernel's panels, once for every product that shares it.
void aeic_bf16_pack_a(bool trans_a, int m, int k, const float *a, int lda, uint32_t *packed);

/// C (m×n) = op(A) · op(B), or C += … when `accumulate`, with op(A) packed by
/// aeic_bf16_pack_a and B row-major Float32 (k×n, or n×k when `trans_b`): products of
/// bfloat16, sums in Float32 (vdpbf16ps). Single-threaded; call only when
/// aeic_bf16_supported().
void aeic_bf16_gemm(const uint32_t *packed_a, int m, int n, int k, const float *b, int ldb,
                    bool trans_b, bool accumulate, float *c, int ldc);

/// 32-bit words of a k×n right operand packed for aeic_bf16_gemm_packed.
size_t aeic_bf16_packed_b_size(int k, int n);

/// As aeic_bf16_gemm, with B already in the kernel's panels (aeic_bf16_pack_im2col).
void aeic_bf16_gemm_packed(const uint32_t *packed_a, int m, int n, int k, const uint32_t *packed_b,
                           bool accumulate, float *c, int ldc);

/// B (k×n, row-major, rows `ldb` apart) squared element-wise and rounded to bfloat16 into
/// aeic_bf16_gemm_packed's panels: GDN's γ · x² without a Float32 x² in between.
void aeic_bf16_pack_squares(const float *b, size_t ldb, int k, int n, uint32_t *packed);

/// The column matrix of a stride-1 or stride-2 convolution over `image` (channels × height ×
/// width) for grid rows oy0 … oy0 + rows − 1 (rows k = (c, ky, kx), columns the grid points),
/// rounded to bfloat16 straight into aeic_bf16_gemm_packed's panels: im2col and packing in
/// one pass, with no Float32 columns in between. Needs out_width a multiple of 16.
void aeic_bf16_pack_im2col(const float *image, int channels, int height, int width, int kernel,
                           int stride, int padding, int out_width, int oy0, int rows, uint32_t *packed);

#endif
