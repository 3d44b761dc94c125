#ifndef AEIC_DENSITY_H
#define AEIC_DENSITY_H

/// One channel's factorized density f_c (Ballé et al. 2018, appendix 6.1) with layer widths
/// 1, 3, 3, 3, 1, evaluated on 16 values at once. Its constants, in fixed slots:
/// - matrices (4 × 9): softplus(H_k), row-major (d_{k+1}, d_k), from slot 9k;
/// - biases (4 × 3): b_k from slot 3k;
/// - gates (3 × 3): tanh(a_k) from slot 3k.
/// The trace keeps what the backward pass needs: h (4 × 3 × 16), the input h_k of each layer,
/// and t (3 × 3 × 16), tanh of each gated pre-activation.
enum { AEIC_DENSITY_LANES = 16 };

/// logits[l] = f_c(x[l]) for 16 lanes; writes the trace.
void aeic_density_forward(const float *matrices, const float *biases, const float *gates,
                          const float *x, float *h, float *t, float *logits);

/// Back-propagates g = dL/df through one forward pass: dx = dL/dx, and adds lane by lane into
/// dmatrices (4 × 9 × 16, dL/dsoftplus(H)), dbiases (4 × 3 × 16) and dgates (3 × 3 × 16, dL/dtanh(a)).
void aeic_density_backward(const float *matrices, const float *gates, const float *h, const float *t,
                           const float *g, float *dx, float *dmatrices, float *dbiases, float *dgates);

/// y[i] = 1 / (1 + e^{−x[i]}), with the same e^x as the density: the cumulative distribution
/// from its logits. `y` may be `x`.
void aeic_sigmoid(const float *x, float *y, long count);

#endif
