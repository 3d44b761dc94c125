#ifndef AEIC_PNG_SHIM_H
#define AEIC_PNG_SHIM_H
#include <stddef.h>
#include <stdint.h>

/// A decoded PNG: `channels` interleaved samples per pixel (1 grey, 2 grey+alpha, 3 RGB,
/// 4 RGBA), each an 8-bit byte or, when `bit_depth` is 16, a native-endian uint16.
/// Palettes and low bit depths are expanded; tRNS becomes an alpha channel.
typedef struct {
    uint32_t width, height;
    int channels;
    int bit_depth;
    uint8_t *pixels;     /* malloc'd; free with aeic_png_free */
    /* Metadata, each malloc'd (free with aeic_png_free) or NULL: the ICC profile of iCCP
       (decompressed), the TIFF-structured EXIF of eXIf, the XMP packet of the
       XML:com.adobe.xmp iTXt. */
    uint8_t *icc, *exif, *xmp;
    size_t icc_size, exif_size, xmp_size;
} aeic_png_image;

/// Decodes a whole PNG from memory. Returns 0 on success, -1 on error with a message in
/// `message`. The size is checked against `max_pixels` before any pixel buffer is allocated; a
/// refusal for size returns -1 with `out`'s width and height set (and no message).
int aeic_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                    aeic_png_image *out, char *message, size_t message_size);

/// Encodes interleaved samples (8-bit bytes, or native-endian uint16 when bit_depth is 16)
/// into a malloc'd PNG in `*out`, with the metadata given (sizes 0 for none) as iCCP, eXIf
/// and iTXt chunks. Returns 0, or -1 with a message.
int aeic_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                    int bit_depth, const uint8_t *icc, size_t icc_size, const uint8_t *exif,
                    size_t exif_size, const uint8_t *xmp, size_t xmp_size, uint8_t **out,
                    size_t *out_size, char *message, size_t message_size);

void aeic_png_free(void *p);
#endif
