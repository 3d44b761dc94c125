// Bias and β gradients sum whole planes. A plain loop adds one float at a time, in an order
// that no vectoriser may change; this sum fixes another order, 16 lanes wide, and follows it
// in both paths.

#include "sum.h"
#include "cpu.h"

enum { LANES = 16 };

/// Adds the upper half of the partial sums onto the lower until one is left.
static float reduce(float partial[LANES]) {
    for (int width = LANES / 2; width > 0; width /= 2) {
        for (int i = 0; i < width; i++) partial[i] += partial[i + width];
    }
    return partial[0];
}

static float sum_scalar(const float *x, long count) {
    float partial[LANES] = {0};
    for (long i = 0; i < count; i++) partial[i % LANES] += x[i];
    return reduce(partial);
}

#if defined(__x86_64__)
#include <immintrin.h>

AVX512 static float sum16(const float *x, long count) {
    __m512 acc = _mm512_setzero_ps();
    long i = 0;
    for (; i + LANES <= count; i += LANES) acc = _mm512_add_ps(acc, _mm512_loadu_ps(x + i));
    __mmask16 tail = (__mmask16)((1u << (count - i)) - 1);
    acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(tail, x + i));
    float partial[LANES];
    _mm512_storeu_ps(partial, acc);
    return reduce(partial);
}

float aeic_sum(const float *x, long count) {
    return aeic_cpu_has_avx512() ? sum16(x, count) : sum_scalar(x, count);
}

#else

float aeic_sum(const float *x, long count) { return sum_scalar(x, count); }

#endif
