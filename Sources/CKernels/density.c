// The entropy model's density and its sigmoid, the transcendental-heavy part of a training
// step (18 tanh and 2 sigmoids per latent). Swift compiles its SIMD16 code for baseline
// x86-64; here the same loops over 16 lanes are compiled twice, plainly and for AVX-512, from
// one always-inline body. Both do the same operations in the same order (no contraction, no
// reassociation), so they agree to the bit and the entropy tables made at export do not
// depend on the CPU.

#include "density.h"
#include "cpu.h"

#include <stdint.h>
#include <string.h>

#define LANES AEIC_DENSITY_LANES
#define INLINE static inline __attribute__((always_inline))

static const int widths[5] = {1, 3, 3, 3, 1};

/// e^x within a few ulp on [−87, 88] (clamped outside): x = n·ln 2 + r, Cephes' degree-6
/// polynomial for e^r, 2^n assembled in the exponent bits. Adding 1.5·2^23 rounds x·log2 e
/// to the integer n and leaves n in the low mantissa bits.
INLINE float exp_poly(float x) {
    x = x < -87 ? -87 : x;
    x = x > 88 ? 88 : x;
    float shifted = x * 1.44269504f + 12582912.0f;
    float n = shifted - 12582912.0f;
    float r = x - n * 0.693359375f + n * 2.1219444e-4f;
    float p = 1.98756915e-4f;
    p = p * r + 1.39819995e-3f;
    p = p * r + 8.3334519e-3f;
    p = p * r + 4.16657959e-2f;
    p = p * r + 1.66666555e-1f;
    p = p * r + 5.00000012e-1f;
    float e = p * r * r + r + 1;
    int32_t bits;
    memcpy(&bits, &shifted, sizeof bits);
    int32_t scale_bits = (int32_t)((uint32_t)(bits - 0x4B400000 + 127) << 23);
    float scale;
    memcpy(&scale, &scale_bits, sizeof scale);
    return e * scale;
}

/// tanh z = 1 − 2 / (e^{2z} + 1).
INLINE float tanh_poly(float z) { return 1 - 2 / (exp_poly(2 * z) + 1); }

/// Unit i of layer k before its gate, lane by lane: b_k[i] + Σ_j softplus(H_k)[i, j] h_j.
INLINE void affine(const float *restrict matrices, const float *restrict biases, const float *restrict h,
                   int k, int i, float *restrict z) {
    int fan_in = widths[k];
    for (int l = 0; l < LANES; l++) z[l] = biases[3 * k + i];
    for (int j = 0; j < fan_in; j++) {
        float m = matrices[9 * k + i * fan_in + j];
        for (int l = 0; l < LANES; l++) z[l] = z[l] + m * h[(3 * k + j) * LANES + l];
    }
}

INLINE void forward_body(const float *restrict matrices, const float *restrict biases,
                         const float *restrict gates, const float *restrict x, float *restrict h,
                         float *restrict t, float *restrict logits) {
    for (int l = 0; l < LANES; l++) h[l] = x[l];
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < widths[k + 1]; i++) {
            float z[LANES];
            affine(matrices, biases, h, k, i, z);
            float gate = gates[3 * k + i];
            float *tk = t + (3 * k + i) * LANES, *next = h + (3 * (k + 1) + i) * LANES;
            for (int l = 0; l < LANES; l++) {
                tk[l] = tanh_poly(z[l]);
                next[l] = z[l] + gate * tk[l];
            }
        }
    }
    affine(matrices, biases, h, 3, 0, logits);
}

INLINE void backward_body(const float *restrict matrices, const float *restrict gates,
                          const float *restrict h, const float *restrict t, const float *restrict g,
                          float *restrict dx, float *restrict dmatrices, float *restrict dbiases,
                          float *restrict dgates) {
    float dz[3][LANES], dh[3][LANES];
    for (int l = 0; l < LANES; l++) dz[0][l] = g[l];
    for (int k = 3;; k--) {
        int fan_in = widths[k];
        for (int j = 0; j < fan_in; j++) for (int l = 0; l < LANES; l++) dh[j][l] = 0;
        for (int i = 0; i < widths[k + 1]; i++) {
            float *db = dbiases + (3 * k + i) * LANES;
            for (int l = 0; l < LANES; l++) db[l] = db[l] + dz[i][l];
            for (int j = 0; j < fan_in; j++) {
                float m = matrices[9 * k + i * fan_in + j];
                float *dm = dmatrices + (9 * k + i * fan_in + j) * LANES;
                const float *hj = h + (3 * k + j) * LANES;
                for (int l = 0; l < LANES; l++) {
                    dm[l] = dm[l] + dz[i][l] * hj[l];
                    dh[j][l] = dh[j][l] + m * dz[i][l];
                }
            }
        }
        if (k == 0) break;
        // h_k = z_{k−1} + tanh(a) tanh(z_{k−1})
        for (int i = 0; i < widths[k]; i++) {
            float gate = gates[3 * (k - 1) + i];
            const float *ti = t + (3 * (k - 1) + i) * LANES;
            float *dg = dgates + (3 * (k - 1) + i) * LANES;
            for (int l = 0; l < LANES; l++) {
                dg[l] = dg[l] + dh[i][l] * ti[l];
                dz[i][l] = dh[i][l] * (1 + gate * (1 - ti[l] * ti[l]));
            }
        }
    }
    for (int l = 0; l < LANES; l++) dx[l] = dh[0][l];
}

static void forward_plain(const float *matrices, const float *biases, const float *gates,
                          const float *x, float *h, float *t, float *logits) {
    forward_body(matrices, biases, gates, x, h, t, logits);
}

static void backward_plain(const float *matrices, const float *gates, const float *h, const float *t,
                           const float *g, float *dx, float *dmatrices, float *dbiases, float *dgates) {
    backward_body(matrices, gates, h, t, g, dx, dmatrices, dbiases, dgates);
}

INLINE void sigmoid_body(const float *x, float *y, long count) {
    for (long i = 0; i < count; i++) y[i] = 1 / (1 + exp_poly(-x[i]));
}

static void sigmoid_plain(const float *x, float *y, long count) { sigmoid_body(x, y, count); }

#if defined(__x86_64__)
AVX512 static void sigmoid_avx512(const float *x, float *y, long count) { sigmoid_body(x, y, count); }

AVX512 static void forward_avx512(const float *matrices, const float *biases, const float *gates,
                                  const float *x, float *h, float *t, float *logits) {
    forward_body(matrices, biases, gates, x, h, t, logits);
}

AVX512 static void backward_avx512(const float *matrices, const float *gates, const float *h, const float *t,
                                   const float *g, float *dx, float *dmatrices, float *dbiases, float *dgates) {
    backward_body(matrices, gates, h, t, g, dx, dmatrices, dbiases, dgates);
}
#else
#define sigmoid_avx512 sigmoid_plain
#define forward_avx512 forward_plain
#define backward_avx512 backward_plain
#endif

void aeic_density_forward(const float *matrices, const float *biases, const float *gates,
                          const float *x, float *h, float *t, float *logits) {
    (aeic_cpu_has_avx512() ? forward_avx512 : forward_plain)(matrices, biases, gates, x, h, t, logits);
}

void aeic_sigmoid(const float *x, float *y, long count) {
    (aeic_cpu_has_avx512() ? sigmoid_avx512 : sigmoid_plain)(x, y, count);
}

void aeic_density_backward(const float *matrices, const float *gates, const float *h, const float *t,
                           const float *g, float *dx, float *dmatrices, float *dbiases, float *dgates) {
    (aeic_cpu_has_avx512() ? backward_avx512 : backward_plain)(matrices, gates, h, t, g, dx, dmatrices, dbiases, dgates);
}
