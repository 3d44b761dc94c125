#ifndef AEIC_STRIDED_H
#define AEIC_STRIDED_H

/// dst[i] = src[i · stride] for i < count: one row of im2col.
void aeic_gather(const float *src, long stride, float *dst, long count);

/// dst[i · stride] += src[i] for i < count: one row of col2im.
void aeic_scatter_add(const float *src, float *dst, long stride, long count);

/// dst[2i] += even[i] and dst[2i + 1] += odd[i] for i < count: two neighbouring taps of a
/// stride-2 col2im, whose columns interleave, added in one pass over dst.
void aeic_scatter_add2_pair(const float *even, const float *odd, float *dst, long count);

#endif
