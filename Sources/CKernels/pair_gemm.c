// A GEMM on operands held as pairs of 16-bit numbers per 32-bit lane, of two kinds:
// - bfloat16, for the layers: operands rounded to bfloat16 while they are packed, products
//   summed in Float32 by AVX512_BF16's vdpbf16ps;
// - int16, for the integer networks: operands that are integers within ±32767, converted
//   exactly, products summed in Int32 by AVX512_VNNI's vpdpwssd, so the result is exact and
//   takes half the instructions of sgemm's.
// The structure is the usual one of BLIS and OpenBLAS: B packed into panels of NR columns, A
// into panels of MR rows, both holding k in pairs, and a register-blocked micro-kernel
// computing an MR×NR tile of C from one A panel and one B panel.

#include "pair_gemm.h"

#include <stdlib.h>

#if defined(__x86_64__)

#include <immintrin.h>
#include <string.h>

// Both kinds' instructions; a kind runs only on a CPU that has its own (aeic_pair_supported).
#define AVX512_PAIRS __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16,avx512vnni")))

enum { MR = 12, NR = 32, KC = 384, MC = 48, NC = 512 };

bool aeic_pair_supported(aeic_pair_kind kind) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && (kind == AEIC_PAIR_BF16 ? __builtin_cpu_supports("avx512bf16") : __builtin_cpu_supports("avx512vnni"));
}

/// 16 lanes of r0, then 16 of r1, as 32 numbers of 16 bits: bfloat16 rounded to nearest
/// even, or int16 (rounded to nearest and saturated; exact for the integers it is meant for).
AVX512_PAIRS static inline __m512i narrow(__m512 r0, __m512 r1, aeic_pair_kind kind) {
    if (kind == AEIC_PAIR_BF16) return (__m512i)_mm512_cvtne2ps_pbh(r1, r0);
    __m256i lo = _mm512_cvtsepi32_epi16(_mm512_cvtps_epi32(r0)), hi = _mm512_cvtsepi32_epi16(_mm512_cvtps_epi32(r1));
    return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}

/// 16 lanes of row r0 and 16 of row r1 → 32-bit lanes (r0[j], r1[j]) of `kind`.
AVX512_PAIRS static inline __m512i pair_lanes(__m512 r0, __m512 r1, aeic_pair_kind kind) {
    const __m512i interleave = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8,
                                                23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    return _mm512_permutexvar_epi16(interleave, narrow(r0, r1, kind));
}

/// Lanes j < count of two rows → 32-bit lanes (r0[j], r1[j]) of `kind` (squared first where
/// `square`), the missing lanes and a missing r1 (the odd k) zero; the lanes in `store` are
/// written to dst.
AVX512_PAIRS static inline void interleave_rows(const float *r0, const float *r1, int count, __mmask16 store,
                                                bool square, aeic_pair_kind kind, uint32_t *dst) {
    __mmask16 mask = count >= 16 ? 0xFFFF : count <= 0 ? 0 : (__mmask16)((1u << count) - 1);
    __m512 lo = _mm512_maskz_loadu_ps(mask, r0);
    __m512 hi = r1 ? _mm512_maskz_loadu_ps(mask, r1) : _mm512_setzero_ps();
    if (square) {
        lo = _mm512_mul_ps(lo, lo);
        hi = _mm512_mul_ps(hi, hi);
    }
    _mm512_mask_storeu_epi32(dst, store, pair_lanes(lo, hi, kind));
}

/// Rows k0..k0+kc of B (row-major, k×n) and columns j0..j0+nc → panels of NR columns, each
/// [pair][NR] 32-bit lanes holding (B[2p][j], B[2p+1][j]); missing columns and the odd k are 0.
AVX512_PAIRS static void pack_b(const float *b, int ldb, int kc, int nc, aeic_pair_kind kind, uint32_t *out) {
    const int pairs = (kc + 1) / 2;
    for (int j0 = 0; j0 < nc; j0 += NR) {
        uint32_t *panel = out + (size_t)(j0 / NR) * pairs * NR;
        for (int p = 0; p < pairs; p++) {
            const float *r0 = b + (size_t)(2 * p) * ldb + j0, *r1 = 2 * p + 1 < kc ? r0 + ldb : NULL;
            for (int h = 0; h < NR; h += 16) {
                interleave_rows(r0 + h, r1 ? r1 + h : NULL, nc - j0 - h, 0xFFFF, false, kind, panel + p * NR + h);
            }
        }
    }
}

size_t aeic_pair_packed_size(int m, int k) {
    return (size_t)((m + MR - 1) / MR) * MR * (size_t)((k + 1) / 2);
}

/// r[0..15] → their transpose, as 32-bit lanes: lane j of r[q] becomes lane q of r[j].
AVX512_PAIRS static void transpose16(__m512i r[16]) {
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
AVX512_PAIRS static void transpose_pairs(const float *src, size_t ld, int rows, int k, int width, int lanes,
                                         aeic_pair_kind kind, uint32_t *out) {
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
            r[q] = narrow(_mm512_maskz_loadu_ps(lo, row), _mm512_maskz_loadu_ps(hi, row + 16), kind);
        }
        transpose16(r);
        int count = pairs - p0 < 16 ? pairs - p0 : 16;
        for (int q = 0; q < count; q++) _mm512_mask_storeu_epi32(out + (size_t)(p0 + q) * width, store, r[q]);
    }
}

/// As pack_b for a B stored transposed (B(k, j) at b[j·ldb + k], as in the weight gradients),
/// where each column's pairs are adjacent.
AVX512_PAIRS static void pack_b_transposed(const float *b, int ldb, int kc, int nc, aeic_pair_kind kind, uint32_t *out) {
    const int pairs = (kc + 1) / 2;
    for (int j0 = 0; j0 < nc; j0 += NR) {
        uint32_t *panel = out + (size_t)(j0 / NR) * pairs * NR;
        for (int h = 0; h < NR; h += 16) {
            int columns = nc - j0 - h;
            transpose_pairs(b + (size_t)(j0 + h) * ldb, ldb, columns < 16 ? columns : 16, kc, NR, 16, kind, panel + h);
        }
    }
}

/// op(A) → panels of MR rows over all of k, each [pair][MR] 32-bit lanes holding
/// (A[i][2p], A[i][2p+1]); missing rows and the odd k are 0. A block of k starting at an even
/// k0 is then the contiguous stretch from pair k0/2 of each panel.
AVX512_PAIRS void aeic_pair_pack_a(aeic_pair_kind kind, bool trans, int m, int k, const float *a, int lda, uint32_t *packed) {
    const int pairs = (k + 1) / 2;
    for (int i0 = 0; i0 < m; i0 += MR) {
        uint32_t *panel = packed + (size_t)(i0 / MR) * pairs * MR;
        int rows = m - i0 < MR ? m - i0 : MR;
        if (!trans) {
            transpose_pairs(a + (size_t)i0 * lda, lda, rows, k, MR, MR, kind, panel);
            continue;
        }
        // Aᵀ stored k×m: the rows 2p and 2p + 1 of memory hold pair p of MR consecutive rows of A.
        for (int p = 0; p < pairs; p++) {
            const float *r0 = a + (size_t)(2 * p) * lda + i0, *r1 = 2 * p + 1 < k ? r0 + lda : NULL;
            interleave_rows(r0, r1, rows, (1u << MR) - 1, false, kind, panel + p * MR);
        }
    }
}

/// What a kernel does with a tile's sums as it stores them in C.
typedef enum {
    STORE,        // C = sums
    ACCUMULATE,   // C += sums (every k block after the first)
    ADD_BIAS,     // C = sums + a bias per row (a convolution's first block: no pass fills C with it)
    FINISHES
} Finish;

/// The MR×NR tile of C (at c) from one A panel and one B panel; only `rows`×`cols` of it are
/// stored, finished as `finish` says (`bias` from the tile's first row on). Inlined with
/// constant `kind` and `finish` into one kernel for each pair of them, so that the finish
/// costs no branch, and no register, that it does not need.
AVX512_PAIRS static inline __attribute__((always_inline))
void micro_kernel(int pairs, const uint32_t *a, const uint32_t *b, float *c, int ldc, int rows, int cols,
                  const float *bias, aeic_pair_kind kind, Finish finish) {
    // Float lanes for both kinds (int16's hold Int32 bits).
    __m512 acc[MR][2];
    for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    for (int p = 0; p < pairs; p++) {
        __m512i b0 = _mm512_loadu_si512(b + p * NR), b1 = _mm512_loadu_si512(b + p * NR + 16);
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) {
            __m512i ar = _mm512_set1_epi32((int)a[p * MR + r]);
            if (kind == AEIC_PAIR_BF16) {
                acc[r][0] = _mm512_dpbf16_ps(acc[r][0], (__m512bh)ar, (__m512bh)b0);
                acc[r][1] = _mm512_dpbf16_ps(acc[r][1], (__m512bh)ar, (__m512bh)b1);
            } else {
                acc[r][0] = _mm512_castsi512_ps(_mm512_dpwssd_epi32(_mm512_castps_si512(acc[r][0]), ar, b0));
                acc[r][1] = _mm512_castsi512_ps(_mm512_dpwssd_epi32(_mm512_castps_si512(acc[r][1]), ar, b1));
            }
        }
    }
    // Unrolled, so that acc is indexed by constants and stays in registers (indexed by
    // `rows`, the array lived in memory and was zeroed there on every call).
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
#pragma clang loop unroll(full)
        for (int h = 0; h < 2; h++) {
            int count = r < rows ? cols - 16 * h : 0;
            if (count <= 0) continue;
            __mmask16 mask = count >= 16 ? 0xFFFF : (__mmask16)((1u << count) - 1);
            float *dst = c + (size_t)r * ldc + 16 * h;
            // An Int32 sum within 2^24 is exact in Float32.
            __m512 v = kind == AEIC_PAIR_BF16 ? acc[r][h] : _mm512_cvtepi32_ps(_mm512_castps_si512(acc[r][h]));
            if (finish == ACCUMULATE) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, dst));
            if (finish == ADD_BIAS) v = _mm512_add_ps(v, _mm512_set1_ps(bias[r]));
            _mm512_mask_storeu_ps(dst, mask, v);
        }
    }
}

typedef void (*MicroKernel)(int pairs, const uint32_t *a, const uint32_t *b, float *c, int ldc, int rows, int cols,
                            const float *bias);

#define KERNEL(name, kind, finish)                                                                              \
    AVX512_PAIRS static void name(int pairs, const uint32_t *a, const uint32_t *b, float *c, int ldc, int rows, \
                                  int cols, const float *bias) {                                                \
        micro_kernel(pairs, a, b, c, ldc, rows, cols, bias, kind, finish);                                      \
    }
KERNEL(bf16_store, AEIC_PAIR_BF16, STORE)
KERNEL(bf16_accumulate, AEIC_PAIR_BF16, ACCUMULATE)
KERNEL(bf16_add_bias, AEIC_PAIR_BF16, ADD_BIAS)
KERNEL(int16_store, AEIC_PAIR_INT16, STORE)
KERNEL(int16_accumulate, AEIC_PAIR_INT16, ACCUMULATE)
KERNEL(int16_add_bias, AEIC_PAIR_INT16, ADD_BIAS)
#undef KERNEL

/// The kernel of each kind and finish.
static const MicroKernel kernels[2][FINISHES] = {
    [AEIC_PAIR_BF16] = {bf16_store, bf16_accumulate, bf16_add_bias},
    [AEIC_PAIR_INT16] = {int16_store, int16_accumulate, int16_add_bias},
};

/// C (m×nc, at c) = A's rows × pairs pc/2 … of one block of B (kc rows, nc columns), whose
/// panels of NR columns lie `panel` words apart, finished as `finish` says: the blocks after a
/// product's first accumulate (`bias`: one per row of C, for ADD_BIAS).
AVX512_PAIRS static void multiply_block(aeic_pair_kind kind, const uint32_t *packed_a, int m, int k, int pc, int kc,
                                        const uint32_t *b, size_t panel, int nc, float *c, int ldc, Finish finish,
                                        const float *bias) {
    const MicroKernel kernel = kernels[kind][pc > 0 ? ACCUMULATE : finish];
    const size_t all_pairs = (size_t)(k + 1) / 2;
    const int pairs = (kc + 1) / 2;
    // A block of MC rows stays in L2 while each B panel, in L1, meets all of it.
    for (int ic = 0; ic < m; ic += MC) {
        int mc_end = m - ic < MC ? m : ic + MC;
        for (int jr = 0; jr < nc; jr += NR) {
            for (int ir = ic; ir < mc_end; ir += MR) {
                const uint32_t *a = packed_a + (size_t)(ir / MR) * all_pairs * MR + (size_t)(pc / 2) * MR;
                kernel(pairs, a, b + (size_t)(jr / NR) * panel, c + (size_t)ir * ldc + jr, ldc,
                       m - ir < MR ? m - ir : MR, nc - jr < NR ? nc - jr : NR, bias ? bias + ir : NULL);
            }
        }
    }
}

/// Per-thread packing buffer for B, kept for the thread's life (the workers are long-lived).
static _Thread_local uint32_t *packed_b;

AVX512_PAIRS void aeic_pair_gemm(aeic_pair_kind kind, const uint32_t *packed_a, int m, int n, int k, const float *b,
                                 int ldb, bool trans_b, bool accumulate, float *c, int ldc) {
    if (!packed_b) packed_b = aligned_alloc(64, sizeof(uint32_t) * NC * (KC / 2));
    if (k == 0) {
        if (!accumulate) for (int i = 0; i < m; i++) memset(c + (size_t)i * ldc, 0, sizeof(float) * n);
        return;
    }
    for (int jc = 0; jc < n; jc += NC) {
        int nc = n - jc < NC ? n - jc : NC;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = k - pc < KC ? k - pc : KC;
            if (trans_b) pack_b_transposed(b + (size_t)jc * ldb + pc, ldb, kc, nc, kind, packed_b);
            else pack_b(b + (size_t)pc * ldb + jc, ldb, kc, nc, kind, packed_b);
            multiply_block(kind, packed_a, m, k, pc, kc, packed_b, (size_t)(kc + 1) / 2 * NR, nc, c + jc, ldc,
                           accumulate ? ACCUMULATE : STORE, NULL);
        }
    }
}

size_t aeic_pair_packed_b_size(int k, int n) {
    return (size_t)((n + NR - 1) / NR) * NR * (size_t)((k + 1) / 2);
}

AVX512_PAIRS void aeic_pair_gemm_packed(aeic_pair_kind kind, const uint32_t *packed_a, int m, int n, int k,
                                        const uint32_t *packed_b, bool accumulate, float *c, int ldc) {
    const size_t panel = (size_t)(k + 1) / 2 * NR;
    for (int jc = 0; jc < n; jc += NC) {
        int nc = n - jc < NC ? n - jc : NC;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = k - pc < KC ? k - pc : KC;
            multiply_block(kind, packed_a, m, k, pc, kc, packed_b + (size_t)(jc / NR) * panel + (size_t)(pc / 2) * NR,
                           panel, nc, c + jc, ldc, accumulate ? ACCUMULATE : STORE, NULL);
        }
    }
}

/// Pair p of a last half panel (n ending in the first 16 columns of a panel): its other 16
/// lanes are zero, as pack_b leaves them.
AVX512_PAIRS static inline void zero_half_panel(uint32_t *packed, size_t panel, int n, int p) {
    if (n % NR && n % NR <= 16) _mm512_storeu_si512(packed + (size_t)(n / NR) * panel + (size_t)p * NR + 16, _mm512_setzero_si512());
}

AVX512_PAIRS void aeic_pair_pack_squares(const float *b, size_t ldb, int k, int n, uint32_t *packed) {
    const int pairs = (k + 1) / 2;
    const size_t panel = (size_t)pairs * NR;
    for (int p = 0; p < pairs; p++) {
        const float *r0 = b + (size_t)(2 * p) * ldb, *r1 = 2 * p + 1 < k ? r0 + ldb : NULL;
        for (int j = 0; j < n; j += 16) {
            interleave_rows(r0 + j, r1 ? r1 + j : NULL, n - j, 0xFFFF, true, AEIC_PAIR_BF16, packed + (size_t)(j / NR) * panel + (size_t)p * NR + j % NR);
        }
        zero_half_panel(packed, panel, n, p);
    }
}

/// Samples row[s + i], i < lanes (16 or 32: lo, then hi), of an image row of `width` values,
/// those outside it (and all of them for a row in the padding, NULL) zero.
AVX512_PAIRS static inline void load_row(const float *row, int s, int lanes, int width, __m512 *lo, __m512 *hi) {
    if (!row) {
        *lo = *hi = _mm512_setzero_ps();
    } else if (s >= 0 && s + lanes <= width) {
        *lo = _mm512_loadu_ps(row + s);
        *hi = lanes > 16 ? _mm512_loadu_ps(row + s + 16) : _mm512_setzero_ps();
    } else {
        int first = s < 0 ? -s : 0, end = width - s < lanes ? width - s : lanes;
        uint32_t mask = end <= first ? 0 : (uint32_t)(((uint64_t)1 << end) - 1) & ~(uint32_t)(((uint64_t)1 << first) - 1);
        *lo = _mm512_maskz_loadu_ps((__mmask16)mask, row + s);
        *hi = _mm512_maskz_loadu_ps((__mmask16)(mask >> 16), row + s + 16);
    }
}

/// Row k = (c, ky, kx) of a column matrix: at grid point (oy, ox) it holds
/// plane[stride·oy − padding + ky][stride·ox − padding + kx], zero in the padding.
typedef struct {
    const float *plane;  // channel c
    int ky, kx;
} Tap;

/// Row k of the column matrix of `image` (channels of height × width) for a kernel × kernel window.
static inline Tap tap_at(const float *image, int height, int width, int kernel, int k) {
    return (Tap){image + (size_t)(k / (kernel * kernel)) * height * width, k / kernel % kernel, k % kernel};
}

/// The image row that tap t reads at grid row oy; NULL in the padding.
static inline const float *tap_row(const Tap *t, int stride, int oy, int height, int width, int padding) {
    int iy = stride * oy - padding + t->ky;
    return iy < 0 || iy >= height ? NULL : t->plane + (size_t)iy * width;
}

/// The geometry of a convolution's column matrix.
typedef struct {
    int height, width, stride, padding, out_width;
} Grid;

/// Tap t's 16 samples for grid columns ox0 … ox0 + 15 of image row `row`.
AVX512_PAIRS static inline __m512 tap_samples(const Tap *t, const float *row, const Grid *g, int ox0) {
    __m512 lo, hi;
    if (g->stride == 1) {
        load_row(row, ox0 - g->padding + t->kx, 16, g->width, &lo, &hi);
        return lo;
    }
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    load_row(row, 2 * ox0 - g->padding + t->kx, 32, g->width, &lo, &hi);
    return _mm512_permutex2var_ps(lo, even, hi);
}

/// Rows t0 and t1 (NULL: zero) of the column matrix at grid row oy, whose first column is
/// column j_row of the band, as pairs into the panels (`panel` words apart) from `packed`,
/// 16 columns at a time (out_width is a multiple of 16, so no run crosses a grid row).
AVX512_PAIRS static void pack_pair_row(const Tap *t0, const Tap *t1, int oy, const Grid *g, aeic_pair_kind kind,
                                       uint32_t *packed, size_t panel, int j_row) {
    const float *r0 = tap_row(t0, g->stride, oy, g->height, g->width, g->padding);
    const float *r1 = t1 ? tap_row(t1, g->stride, oy, g->height, g->width, g->padding) : NULL;
    // Stride-2 taps side by side in one image row (kx, kx + 1): the pairs for consecutive
    // columns are consecutive samples of the image, 32 of them rounded as they lie.
    bool adjacent = g->stride == 2 && t1 && t1->plane == t0->plane && t1->ky == t0->ky && t1->kx == t0->kx + 1;
    for (int ox0 = 0; ox0 < g->out_width; ox0 += 16) {
        int j = j_row + ox0;
        __m512i v;
        if (adjacent) {
            __m512 lo, hi;
            load_row(r0, 2 * ox0 - g->padding + t0->kx, 32, g->width, &lo, &hi);
            v = narrow(lo, hi, kind);
        } else {
            v = pair_lanes(tap_samples(t0, r0, g, ox0), t1 ? tap_samples(t1, r1, g, ox0) : _mm512_setzero_ps(), kind);
        }
        _mm512_storeu_si512(packed + (size_t)(j / NR) * panel + j % NR, v);
    }
}

/// Pairs p0 … p1 − 1 of the column matrix of grid rows oy0 … oy0 + rows − 1 into panels of
/// (p1 − p0) pairs.
AVX512_PAIRS static void pack_im2col(aeic_pair_kind kind, const float *image, int channels, const Grid *g, int kernel,
                                     int oy0, int rows, int p0, int p1, uint32_t *packed) {
    const int k = channels * kernel * kernel, n = rows * g->out_width;
    const size_t panel = (size_t)(p1 - p0) * NR;
    for (int p = p0; p < p1; p++) {
        Tap t0 = tap_at(image, g->height, g->width, kernel, 2 * p), t1 = tap_at(image, g->height, g->width, kernel, 2 * p + 1);
        for (int r = 0; r < rows; r++) {
            pack_pair_row(&t0, 2 * p + 1 < k ? &t1 : NULL, oy0 + r, g, kind, packed + (size_t)(p - p0) * NR, panel,
                          r * g->out_width);
        }
        zero_half_panel(packed, panel, n, p - p0);
    }
}

/// Grid rows per block of columns: about NC columns, at least one row.
static int conv_block_rows(int out_width) { return out_width < NC ? NC / out_width : 1; }

size_t aeic_pair_conv_workspace(int k, int out_width) {
    return aeic_pair_packed_b_size(k < KC ? k : KC, conv_block_rows(out_width) * out_width);
}

AVX512_PAIRS void aeic_pair_conv(aeic_pair_kind kind, const uint32_t *packed_a, int m, const float *image, int channels,
                                 int height, int width, int kernel, int stride, int padding, int out_width, int oy0,
                                 int rows, const float *bias, float *c, int ldc, uint32_t *workspace) {
    const int k = channels * kernel * kernel, block = conv_block_rows(out_width);
    const Grid g = {height, width, stride, padding, out_width};
    // Each block of B is packed just before the kernel reads it, so it is read from L2, not
    // from memory, and C accumulates the blocks in aeic_pair_gemm's order.
    for (int r0 = 0; r0 < rows; r0 += block) {
        int nr = rows - r0 < block ? rows - r0 : block;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = k - pc < KC ? k - pc : KC;
            pack_im2col(kind, image, channels, &g, kernel, oy0 + r0, nr, pc / 2, (pc + kc + 1) / 2, workspace);
            multiply_block(kind, packed_a, m, k, pc, kc, workspace, (size_t)(kc + 1) / 2 * NR, nr * out_width,
                           c + (size_t)r0 * out_width, ldc, ADD_BIAS, bias);
        }
    }
}

#else

bool aeic_pair_supported(aeic_pair_kind kind) { (void)kind; return false; }

size_t aeic_pair_packed_size(int m, int k) { (void)m; (void)k; return 0; }

size_t aeic_pair_packed_b_size(int k, int n) { (void)k; (void)n; return 0; }

// Never called: Swift checks aeic_pair_supported first.
void aeic_pair_pack_a(aeic_pair_kind kind, bool trans_a, int m, int k, const float *a, int lda, uint32_t *packed) { abort(); }
void aeic_pair_gemm(aeic_pair_kind kind, const uint32_t *packed_a, int m, int n, int k, const float *b, int ldb,
                    bool trans_b, bool accumulate, float *c, int ldc) { abort(); }
void aeic_pair_gemm_packed(aeic_pair_kind kind, const uint32_t *packed_a, int m, int n, int k, const uint32_t *packed_b,
                           bool accumulate, float *c, int ldc) { abort(); }
void aeic_pair_pack_squares(const float *b, size_t ldb, int k, int n, uint32_t *packed) { abort(); }
size_t aeic_pair_conv_workspace(int k, int out_width) { (void)k; (void)out_width; return 0; }
void aeic_pair_conv(aeic_pair_kind kind, const uint32_t *packed_a, int m, const float *image, int channels, int height,
                    int width, int kernel, int stride, int padding, int out_width, int oy0, int rows, const float *bias,
                    float *c, int ldc, uint32_t *workspace) { abort(); }

#endif
