// A bfloat16 GEMM for training: operands rounded to bfloat16 while they are packed, products
// summed in Float32 by AVX512_BF16's vdpbf16ps, which multiplies two pairs of bfloat16 per
// 32-bit lane. The structure is the usual one of BLIS and OpenBLAS: B packed into panels of
// NR columns, A into panels of MR rows, both holding k in pairs, and a register-blocked
// micro-kernel computing an MR×NR tile of C from one A panel and one B panel.

#include "bf16_gemm.h"

#include <stdlib.h>

#if defined(__x86_64__)

#include <immintrin.h>
#include <string.h>

#define AVX512BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))

enum { MR = 12, NR = 32, KC = 384, MC = 48, NC = 512 };

bool aeic_bf16_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512bf16");
}

/// Lanes j < count of two rows → 32-bit lanes (r0[j], r1[j]) rounded to bfloat16, the missing
/// lanes and a missing r1 (the odd k) zero; the lanes in `store` are written to dst.
AVX512BF16 static inline void interleave_rows(const float *r0, const float *r1, int count, __mmask16 store,
                                              uint32_t *dst) {
    // Interleaves the 16 bfloat16 of one row with the 16 of the next.
    const __m512i interleave = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8,
                                                23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    __mmask16 mask = count >= 16 ? 0xFFFF : count <= 0 ? 0 : (__mmask16)((1u << count) - 1);
    __m512 lo = _mm512_maskz_loadu_ps(mask, r0);
    __m512 hi = r1 ? _mm512_maskz_loadu_ps(mask, r1) : _mm512_setzero_ps();
    __m512i v = _mm512_permutexvar_epi16(interleave, (__m512i)_mm512_cvtne2ps_pbh(hi, lo));
    _mm512_mask_storeu_epi32(dst, store, v);
}

/// Rows k0..k0+kc of B (row-major, k×n) and columns j0..j0+nc → panels of NR columns, each
/// [pair][NR] 32-bit lanes holding (B[2p][j], B[2p+1][j]); missing columns and the odd k are 0.
AVX512BF16 static void pack_b(const float *b, int ldb, int kc, int nc, uint32_t *out) {
    const int pairs = (kc + 1) / 2;
    for (int j0 = 0; j0 < nc; j0 += NR) {
        uint32_t *panel = out + (size_t)(j0 / NR) * pairs * NR;
        for (int p = 0; p < pairs; p++) {
            const float *r0 = b + (size_t)(2 * p) * ldb + j0, *r1 = 2 * p + 1 < kc ? r0 + ldb : NULL;
            for (int h = 0; h < NR; h += 16) {
                interleave_rows(r0 + h, r1 ? r1 + h : NULL, nc - j0 - h, 0xFFFF, panel + p * NR + h);
            }
        }
    }
}

size_t aeic_bf16_packed_size(int m, int k) {
    return (size_t)((m + MR - 1) / MR) * MR * (size_t)((k + 1) / 2);
}

/// r[0..15] → their transpose, as 32-bit lanes: lane j of r[q] becomes lane q of r[j].
AVX512BF16 static void transpose16(__m512i r[16]) {
    __m512i t[16], u[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
    }
    // u[4i + m], 128-bit lane L: column 4L + m of rows 4i … 4i + 3.
    for (int i = 0; i < 4; i++) {
        u[4 * i] = _mm512_unpacklo_epi64(t[4 * i], t[4 * i + 2]);
        u[4 * i + 1] = _mm512_unpackhi_epi64(t[4 * i], t[4 * i + 2]);
        u[4 * i + 2] = _mm512_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);
        u[4 * i + 3] = _mm512_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);
    }
    // Then the 4×4 grid of 128-bit lanes is transposed.
    for (int m = 0; m < 4; m++) {
        __m512i x0 = _mm512_shuffle_i32x4(u[m], u[4 + m], 0x44), x1 = _mm512_shuffle_i32x4(u[m], u[4 + m], 0xEE);
        __m512i x2 = _mm512_shuffle_i32x4(u[8 + m], u[12 + m], 0x44), x3 = _mm512_shuffle_i32x4(u[8 + m], u[12 + m], 0xEE);
        r[m] = _mm512_shuffle_i32x4(x0, x2, 0x88);
        r[4 + m] = _mm512_shuffle_i32x4(x0, x2, 0xDD);
        r[8 + m] = _mm512_shuffle_i32x4(x1, x3, 0x88);
        r[12 + m] = _mm512_shuffle_i32x4(x1, x3, 0xDD);
    }
}

/// Rows q < rows (row q at src + q·ld, each k values) → for every pair p, `lanes` 32-bit lanes
/// at out + p·width holding (row q[2p], row q[2p+1]); lanes from `rows` on and the odd k are 0.
/// Blocks of 16 rows × 16 pairs are converted as they lie and then transposed.
AVX512BF16 static void transpose_pairs(const float *src, size_t ld, int rows, int k, int width, int lanes,
                                       uint32_t *out) {
    const int pairs = (k + 1) / 2;
    const __mmask16 store = (__mmask16)((1u << lanes) - 1);
    for (int p0 = 0; p0 < pairs; p0 += 16) {
        int left = k - 2 * p0;
        __mmask16 lo = left >= 16 ? 0xFFFF : (__mmask16)((1u << left) - 1);
        __mmask16 hi = left >= 32 ? 0xFFFF : left <= 16 ? 0 : (__mmask16)((1u << (left - 16)) - 1);
        __m512i r[16];
        for (int q = 0; q < 16; q++) {
            if (q >= rows) { r[q] = _mm512_setzero_si512(); continue; }
            const float *row = src + (size_t)q * ld + 2 * p0;
            r[q] = (__m512i)_mm512_cvtne2ps_pbh(_mm512_maskz_loadu_ps(hi, row + 16), _mm512_maskz_loadu_ps(lo, row));
        }
        transpose16(r);
        int count = pairs - p0 < 16 ? pairs - p0 : 16;
        for (int q = 0; q < count; q++) _mm512_mask_storeu_epi32(out + (size_t)(p0 + q) * width, store, r[q]);
    }
}

/// As pack_b for a B stored transposed (B(k, j) at b[j·ldb + k], as in the weight gradients),
/// where each column's pairs are adjacent.
AVX512BF16 static void pack_b_transposed(const float *b, int ldb, int kc, int nc, uint32_t *out) {
    const int pairs = (kc + 1) / 2;
    for (int j0 = 0; j0 < nc; j0 += NR) {
        uint32_t *panel = out + (size_t)(j0 / NR) * pairs * NR;
        for (int h = 0; h < NR; h += 16) {
            int columns = nc - j0 - h;
            transpose_pairs(b + (size_t)(j0 + h) * ldb, ldb, columns < 16 ? columns : 16, kc, NR, 16, panel + h);
        }
    }
}

/// op(A) → panels of MR rows over all of k, each [pair][MR] 32-bit lanes holding
/// (A[i][2p], A[i][2p+1]); missing rows and the odd k are 0. A block of k starting at an even
/// k0 is then the contiguous stretch from pair k0/2 of each panel.
AVX512BF16 void aeic_bf16_pack_a(bool trans, int m, int k, const float *a, int lda, uint32_t *packed) {
    const int pairs = (k + 1) / 2;
    for (int i0 = 0; i0 < m; i0 += MR) {
        uint32_t *panel = packed + (size_t)(i0 / MR) * pairs * MR;
        int rows = m - i0 < MR ? m - i0 : MR;
        if (!trans) {
            transpose_pairs(a + (size_t)i0 * lda, lda, rows, k, MR, MR, panel);
            continue;
        }
        // Aᵀ stored k×m: the rows 2p and 2p + 1 of memory hold pair p of MR consecutive rows of A.
        for (int p = 0; p < pairs; p++) {
            const float *r0 = a + (size_t)(2 * p) * lda + i0, *r1 = 2 * p + 1 < k ? r0 + lda : NULL;
            interleave_rows(r0, r1, rows, (1u << MR) - 1, panel + p * MR);
        }
    }
}

/// The MR×NR tile of C from one A panel and one B panel; only `rows`×`cols` of it are stored.
AVX512BF16 static void micro_kernel(int pairs, const uint32_t *a, const uint32_t *b, float *c, int ldc,
                                    int rows, int cols, bool accumulate) {
    __m512 acc[MR][2];
    for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    for (int p = 0; p < pairs; p++) {
        __m512bh b0 = (__m512bh)_mm512_loadu_si512(b + p * NR);
        __m512bh b1 = (__m512bh)_mm512_loadu_si512(b + p * NR + 16);
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) {
            __m512bh ar = (__m512bh)_mm512_set1_epi32((int)a[p * MR + r]);
            acc[r][0] = _mm512_dpbf16_ps(acc[r][0], ar, b0);
            acc[r][1] = _mm512_dpbf16_ps(acc[r][1], ar, b1);
        }
    }
    for (int r = 0; r < rows; r++) {
        for (int h = 0; h < 2; h++) {
            int count = cols - 16 * h;
            if (count <= 0) break;
            __mmask16 mask = count >= 16 ? 0xFFFF : (__mmask16)((1u << count) - 1);
            float *dst = c + (size_t)r * ldc + 16 * h;
            __m512 v = acc[r][h];
            if (accumulate) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, dst));
            _mm512_mask_storeu_ps(dst, mask, v);
        }
    }
}

/// Per-thread packing buffer for B, kept for the thread's life (the workers are long-lived).
static _Thread_local uint32_t *packed_b;

AVX512BF16 void aeic_bf16_gemm(const uint32_t *packed_a, int m, int n, int k, const float *b, int ldb,
                               bool trans_b, bool accumulate, float *c, int ldc) {
    if (!packed_b) packed_b = aligned_alloc(64, sizeof(uint32_t) * NC * (KC / 2));
    if (k == 0) {
        if (!accumulate) for (int i = 0; i < m; i++) memset(c + (size_t)i * ldc, 0, sizeof(float) * n);
        return;
    }
    const size_t all_pairs = (size_t)(k + 1) / 2;
    for (int jc = 0; jc < n; jc += NC) {
        int nc = n - jc < NC ? n - jc : NC;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = k - pc < KC ? k - pc : KC, pairs = (kc + 1) / 2;
            if (trans_b) pack_b_transposed(b + (size_t)jc * ldb + pc, ldb, kc, nc, packed_b);
            else pack_b(b + (size_t)pc * ldb + jc, ldb, kc, nc, packed_b);
            // A block of MC rows stays in L2 while each B panel, in L1, meets all of it.
            for (int ic = 0; ic < m; ic += MC) {
                int mc_end = m - ic < MC ? m : ic + MC;
                for (int jr = 0; jr < nc; jr += NR) {
                    for (int ir = ic; ir < mc_end; ir += MR) {
                        const uint32_t *a = packed_a + (size_t)(ir / MR) * all_pairs * MR + (size_t)(pc / 2) * MR;
                        micro_kernel(pairs, a, packed_b + (size_t)(jr / NR) * pairs * NR,
                                     c + (size_t)ir * ldc + jc + jr, ldc,
                                     m - ir < MR ? m - ir : MR, nc - jr < NR ? nc - jr : NR,
                                     accumulate || pc > 0);
                    }
                }
            }
        }
    }
}

#else

bool aeic_bf16_supported(void) { return false; }

size_t aeic_bf16_packed_size(int m, int k) { (void)m; (void)k; return 0; }

void aeic_bf16_pack_a(bool trans_a, int m, int k, const float *a, int lda, uint32_t *packed) {
    (void)trans_a; (void)m; (void)k; (void)a; (void)lda; (void)packed;
    abort();
}

void aeic_bf16_gemm(const uint32_t *packed_a, int m, int n, int k, const float *b, int ldb,
                    bool trans_b, bool accumulate, float *c, int ldc) {
    (void)packed_a; (void)m; (void)n; (void)k; (void)b; (void)ldb; (void)trans_b; (void)accumulate;
    (void)c; (void)ldc;
    abort();
}

#endif
