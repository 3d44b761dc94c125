// GDN's element-wise passes. Swift compiles its SIMD16 square root and division for baseline
// x86-64, lane by lane; here AVX-512 runs them 16 lanes at a time. Square root and division are
// correctly rounded in both paths, and the operations are the same in the same order (built
// with -ffp-contract=off), so the two paths agree to the bit.

#include "gdn_pointwise.h"
#include "cpu.h"

#include <math.h>

static void square_scalar(const float *x, float *squares, long from, long count) {
    for (long i = from; i < count; i++) squares[i] = x[i] * x[i];
}

static void normalise_scalar(const float *x, float *s, float beta, float *y, long from, long count, bool inverse) {
    for (long i = from; i < count; i++) {
        float norm = sqrtf(s[i] + beta);
        s[i] = norm;
        y[i] = inverse ? x[i] * norm : x[i] / norm;
    }
}

static void backward_scalar(const float *x, const float *s, const float *dy, float *squares,
                            float *v, float *dx, long from, long count, bool inverse) {
    for (long i = from; i < count; i++) {
        float xi = x[i], si = s[i], d = dy[i];
        squares[i] = xi * xi;
        v[i] = inverse ? d * xi / (2 * si) : -d * xi / (2 * si * si * si);
        dx[i] = inverse ? d * si : d / si;
    }
}

static void backward_input_scalar(float *dx, const float *x, const float *mixed, long from, long count) {
    for (long i = from; i < count; i++) dx[i] = dx[i] + 2 * x[i] * mixed[i];
}

#if defined(__x86_64__)
#include <immintrin.h>

/// −v by flipping the sign bit, as C's unary minus does (0 − v would give +0 for v = +0).
AVX512 static inline __m512 negate(__m512 v, __m512i sign) {
    return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(v), sign));
}

AVX512 static long square16(const float *x, float *squares, long count) {
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 v = _mm512_loadu_ps(x + i);
        _mm512_storeu_ps(squares + i, _mm512_mul_ps(v, v));
    }
    return i;
}

AVX512 static long normalise16(const float *x, float *s, float beta, float *y, long count, bool inverse) {
    const __m512 b = _mm512_set1_ps(beta);
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 norm = _mm512_sqrt_ps(_mm512_add_ps(_mm512_loadu_ps(s + i), b));
        __m512 xv = _mm512_loadu_ps(x + i);
        _mm512_storeu_ps(s + i, norm);
        _mm512_storeu_ps(y + i, inverse ? _mm512_mul_ps(xv, norm) : _mm512_div_ps(xv, norm));
    }
    return i;
}

AVX512 static long backward16(const float *x, const float *s, const float *dy, float *squares,
                              float *v, float *dx, long count, bool inverse) {
    const __m512 two = _mm512_set1_ps(2);
    const __m512i sign = _mm512_set1_epi32((int)0x80000000);
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 xv = _mm512_loadu_ps(x + i), sv = _mm512_loadu_ps(s + i), d = _mm512_loadu_ps(dy + i);
        _mm512_storeu_ps(squares + i, _mm512_mul_ps(xv, xv));
        __m512 twice = _mm512_mul_ps(two, sv);
        __m512 dv = inverse
            ? _mm512_div_ps(_mm512_mul_ps(d, xv), twice)
            : _mm512_div_ps(_mm512_mul_ps(negate(d, sign), xv),
                            _mm512_mul_ps(_mm512_mul_ps(twice, sv), sv));
        _mm512_storeu_ps(v + i, dv);
        _mm512_storeu_ps(dx + i, inverse ? _mm512_mul_ps(d, sv) : _mm512_div_ps(d, sv));
    }
    return i;
}

AVX512 static long backward_input16(float *dx, const float *x, const float *mixed, long count) {
    const __m512 two = _mm512_set1_ps(2);
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 term = _mm512_mul_ps(_mm512_mul_ps(two, _mm512_loadu_ps(x + i)), _mm512_loadu_ps(mixed + i));
        _mm512_storeu_ps(dx + i, _mm512_add_ps(_mm512_loadu_ps(dx + i), term));
    }
    return i;
}

#else

static long backward_input16(float *dx, const float *x, const float *mixed, long count) { return 0; }
static long square16(const float *x, float *squares, long count) { return 0; }
static long normalise16(const float *x, float *s, float beta, float *y, long count, bool inverse) { return 0; }
static long backward16(const float *x, const float *s, const float *dy, float *squares,
                       float *v, float *dx, long count, bool inverse) { return 0; }

#endif

void aeic_square(const float *x, float *squares, long count) {
    long done = aeic_cpu_has_avx512() ? square16(x, squares, count) : 0;
    square_scalar(x, squares, done, count);
}

void aeic_gdn_normalise(const float *x, float *s, float beta, float *y, long count, bool inverse) {
    long done = aeic_cpu_has_avx512() ? normalise16(x, s, beta, y, count, inverse) : 0;
    normalise_scalar(x, s, beta, y, done, count, inverse);
}

void aeic_gdn_backward_pointwise(const float *x, const float *s, const float *dy, float *squares,
                                 float *v, float *dx, long count, bool inverse) {
    long done = aeic_cpu_has_avx512() ? backward16(x, s, dy, squares, v, dx, count, inverse) : 0;
    backward_scalar(x, s, dy, squares, v, dx, done, count, inverse);
}

void aeic_gdn_backward_input(float *dx, const float *x, const float *mixed, long count) {
    long done = aeic_cpu_has_avx512() ? backward_input16(dx, x, mixed, count) : 0;
    backward_input_scalar(dx, x, mixed, done, count);
}
