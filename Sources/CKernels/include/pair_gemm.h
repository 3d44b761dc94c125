#ifndef AEIC_PAIR_GEMM_H
#define AEIC_PAIR_GEMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// How the GEMM holds its operands: pairs of 16-bit numbers per 32-bit lane.
typedef enum {
    /// bfloat16, products summed in Float32 (AVX512_BF16's vdpbf16ps).
    AEIC_PAIR_BF16,
    /// int16, products summed exactly in Int32 (AVX512_VNNI's vpdpwssd) and returned as
    /// Float32: for operands that are integers within ±32767 and sums within ±2^24, whose
    /// results are then exactly sgemm's.
    AEIC_PAIR_INT16,
} aeic_pair_kind;

/// Whether this CPU (and its OS) can run the GEMM of `kind`: x86-64 with AVX-512 and
/// AVX512_BF16 or AVX512_VNNI.
bool aeic_pair_supported(aeic_pair_kind kind);

/// 32-bit words that aeic_pair_pack_a fills for an m×k left operand.
size_t aeic_pair_packed_size(int m, int k);

/// op(A) (m×k, row-major Float32; Aᵀ stored k×m when `trans_a`) converted to `kind` and laid
/// out in the micro-kernel's panels, once for every product that shares it.
void aeic_pair_pack_a(aeic_pair_kind kind, bool trans_a, int m, int k, const float *a, int lda, uint32_t *packed);

/// C (m×n) = op(A) · op(B), or C += … when `accumulate`, with op(A) packed by
/// aeic_pair_pack_a for the same `kind` and B row-major Float32 (k×n, or n×k when
/// `trans_b`). Single-threaded; call only when aeic_pair_supported(kind).
void aeic_pair_gemm(aeic_pair_kind kind, const uint32_t *packed_a, int m, int n, int k, const float *b, int ldb,
                    bool trans_b, bool accumulate, float *c, int ldc);

/// 32-bit words of a k×n right operand packed for aeic_pair_gemm_packed.
size_t aeic_pair_packed_b_size(int k, int n);

/// As aeic_pair_gemm, with B already in the kernel's panels of the same `kind`
/// (aeic_pair_pack_im2col, aeic_pair_pack_squares).
void aeic_pair_gemm_packed(aeic_pair_kind kind, const uint32_t *packed_a, int m, int n, int k,
                           const uint32_t *packed_b, bool accumulate, float *c, int ldc);

/// B (k×n, row-major, rows `ldb` apart) squared element-wise and rounded to bfloat16 into
/// aeic_pair_gemm_packed's panels: GDN's γ · x² without a Float32 x² in between.
void aeic_pair_pack_squares(const float *b, size_t ldb, int k, int n, uint32_t *packed);

/// 32-bit words of workspace that aeic_pair_conv needs for k = channels·kernel² and out_width.
size_t aeic_pair_conv_workspace(int k, int out_width);

/// C (m×n) = op(A) · col + bias (one per row of C), for `col` the column matrix of a
/// stride-1 or stride-2 convolution over `image` (channels × height × width) at grid rows
/// oy0 … oy0 + rows − 1 (rows k = (c, ky, kx), n = rows·out_width columns, the grid points),
/// with op(A) packed by aeic_pair_pack_a: im2col and packing in one pass, block by block as
/// the kernel needs them, with no Float32 columns in between, and the bias added as the first
/// block is stored. The same results, to the bit, as aeic_pair_gemm of the column matrix
/// accumulating onto C filled with the bias. Needs out_width a multiple of 16.
void aeic_pair_conv(aeic_pair_kind kind, const uint32_t *packed_a, int m, const float *image, int channels, int height,
                    int width, int kernel, int stride, int padding, int out_width, int oy0, int rows, const float *bias,
                    float *c, int ldc, uint32_t *workspace);

#endif
