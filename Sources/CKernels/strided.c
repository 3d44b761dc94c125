// Strided row copies for im2col and col2im. Swift compiles these loops for baseline x86-64,
// one float at a time; with AVX-512 a stride-2 row is two loads and a permute per 16 outputs.
// Each output is the same single load or addition either way, so results are bit-identical.

#include "strided.h"
#include "cpu.h"

#include <stdbool.h>

static void gather_scalar(const float *src, long stride, float *dst, long count) {
    for (long i = 0; i < count; i++) dst[i] = src[i * stride];
}

static void scatter_add_scalar(const float *src, float *dst, long stride, long count) {
    for (long i = 0; i < count; i++) dst[i * stride] += src[i];
}

static void scatter_add_pair_scalar(const float *even, const float *odd, float *dst, long count) {
    for (long i = 0; i < count; i++) {
        dst[2 * i] += even[i];
        dst[2 * i + 1] += odd[i];
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

/// Lanes 0…14 of the second vector: src[2i + 16 … 2i + 30], not the unused src[2i + 31],
/// which may lie past the end of the image.
enum { SECOND_HALF = 0x7FFF, EVEN_LANES = 0x5555 };

AVX512 static void gather2(const float *src, float *dst, long count) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 a = _mm512_loadu_ps(src + 2 * i);
        __m512 b = _mm512_maskz_loadu_ps(SECOND_HALF, src + 2 * i + 16);
        _mm512_storeu_ps(dst + i, _mm512_permutex2var_ps(a, even, b));
    }
    gather_scalar(src + 2 * i, 2, dst + i, count - i);
}

AVX512 static void scatter_add2(const float *src, float *dst, long count) {
    const __m512i low = _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
    const __m512i high = _mm512_setr_epi32(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15);
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 s = _mm512_loadu_ps(src + i);
        float *d = dst + 2 * i;
        __m512 a = _mm512_loadu_ps(d), b = _mm512_maskz_loadu_ps(SECOND_HALF, d + 16);
        a = _mm512_mask_add_ps(a, EVEN_LANES, a, _mm512_permutexvar_ps(low, s));
        b = _mm512_mask_add_ps(b, EVEN_LANES, b, _mm512_permutexvar_ps(high, s));
        _mm512_storeu_ps(d, a);
        _mm512_mask_storeu_ps(d + 16, SECOND_HALF, b);
    }
    scatter_add_scalar(src + i, dst + 2 * i, 2, count - i);
}

/// Both taps fill every lane of dst, where scatter_add2 reads and writes two vectors for
/// 16 sums, half of their lanes masked off.
AVX512 static void scatter_add2_pair(const float *even, const float *odd, float *dst, long count) {
    const __m512i low = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i high = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 e = _mm512_loadu_ps(even + i), o = _mm512_loadu_ps(odd + i);
        float *d = dst + 2 * i;
        _mm512_storeu_ps(d, _mm512_add_ps(_mm512_loadu_ps(d), _mm512_permutex2var_ps(e, low, o)));
        _mm512_storeu_ps(d + 16, _mm512_add_ps(_mm512_loadu_ps(d + 16), _mm512_permutex2var_ps(e, high, o)));
    }
    scatter_add_pair_scalar(even + i, odd + i, dst + 2 * i, count - i);
}

AVX512 static void add1(const float *src, float *dst, long count) {
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        _mm512_storeu_ps(dst + i, _mm512_add_ps(_mm512_loadu_ps(dst + i), _mm512_loadu_ps(src + i)));
    }
    scatter_add_scalar(src + i, dst + i, 1, count - i);
}

void aeic_gather(const float *src, long stride, float *dst, long count) {
    if (stride == 2 && aeic_cpu_has_avx512()) gather2(src, dst, count);
    else gather_scalar(src, stride, dst, count);
}

void aeic_scatter_add(const float *src, float *dst, long stride, long count) {
    if (stride == 2 && aeic_cpu_has_avx512()) scatter_add2(src, dst, count);
    else if (stride == 1 && aeic_cpu_has_avx512()) add1(src, dst, count);
    else scatter_add_scalar(src, dst, stride, count);
}

void aeic_scatter_add2_pair(const float *even, const float *odd, float *dst, long count) {
    if (aeic_cpu_has_avx512()) scatter_add2_pair(even, odd, dst, count);
    else scatter_add_pair_scalar(even, odd, dst, count);
}

#else

void aeic_gather(const float *src, long stride, float *dst, long count) {
    gather_scalar(src, stride, dst, count);
}

void aeic_scatter_add(const float *src, float *dst, long stride, long count) {
    scatter_add_scalar(src, dst, stride, count);
}

void aeic_scatter_add2_pair(const float *even, const float *odd, float *dst, long count) {
    scatter_add_pair_scalar(even, odd, dst, count);
}

#endif
