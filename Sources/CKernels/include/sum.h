#ifndef AEIC_SUM_H
#define AEIC_SUM_H

/// Σ x[i] for i < count, summed in 16 interleaved partial sums (lane i mod 16) that are then
/// added pairwise: the order a 16-lane vector loop needs, which the scalar path follows too,
/// so the result is the same on every CPU.
float aeic_sum(const float *x, long count);

#endif
