#ifndef AEIC_GDN_POINTWISE_H
#define AEIC_GDN_POINTWISE_H

#include <stdbool.h>

/// squares[i] = x[i]², the input of GDN's channel mixing.
void aeic_square(const float *x, float *squares, long count);

/// GDN's normalisation of one channel, whose mixed squares γ·x² are in s:
/// s[i] = sqrt(s[i] + beta), y[i] = x[i] / s[i] (GDN) or x[i] · s[i] (inverse GDN); y may be x.
void aeic_gdn_normalise(const float *x, float *s, float beta, float *y, long count, bool inverse);

/// GDN's backward pass before its GEMMs, from x, s and dL/dy:
/// squares = x², v = dL/d(γ·x²) (−dy·x / 2s³, or dy·x / 2s inverse), dx = dy / s (dy · s inverse).
void aeic_gdn_backward_pointwise(const float *x, const float *s, const float *dy, float *squares,
                                 float *v, float *dx, long count, bool inverse);

/// GDN's backward pass after its GEMMs: dx[i] += 2 · x[i] · mixed[i], where mixed = γᵀ·v.
void aeic_gdn_backward_input(float *dx, const float *x, const float *mixed, long count);

#endif
