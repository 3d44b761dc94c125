#ifndef AEIC_JPEG_SHIM_H
#define AEIC_JPEG_SHIM_H
#include <stddef.h>
#include <stdint.h>

/// A decoded JPEG: 8-bit interleaved samples, `channels` 1 (grey) or 3 (RGB; CMYK and YCCK
/// are converted). `orientation` is the EXIF orientation (1–8), 1 when absent; the pixels are
/// as stored, not yet rotated. `warnings` counts libjpeg's recoverable problems (e.g. a
/// premature end of data), the last one in `message`.
typedef struct {
    uint32_t width, height;
    int channels;
    int orientation;
    int warnings;
    uint8_t *pixels;     /* malloc'd; free with aeic_jpeg_free */
    /* Metadata, each malloc'd (free with aeic_jpeg_free) or NULL: the ICC profile of the
       APP2 markers, the TIFF-structured EXIF of the APP1 "Exif" marker (without its prefix),
       the XMP packet of the APP1 XMP marker. */
    uint8_t *icc, *exif, *xmp;
    size_t icc_size, exif_size, xmp_size;
} aeic_jpeg_image;

/// Decodes a whole JPEG from memory. Returns 0 on success, -1 with a message on a fatal error.
/// The size is checked against `max_pixels` before any pixel buffer is allocated; a
/// refusal for size returns -1 with `out`'s width and height set (and no message).
int aeic_jpeg_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                     aeic_jpeg_image *out, char *message, size_t message_size);

/// Encodes 8-bit interleaved grey (1) or RGB (3) samples with optimised Huffman tables;
/// `subsample420` chooses 4:2:0 chroma (else 4:4:4). The metadata given (sizes 0 for none) is
/// written as APP1 EXIF, APP1 XMP and APP2 ICC markers; an EXIF or XMP block too long for one
/// marker is left out. Returns 0, or -1 with a message.
int aeic_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                     int quality, int subsample420, const uint8_t *icc, size_t icc_size,
                     const uint8_t *exif, size_t exif_size, const uint8_t *xmp, size_t xmp_size,
                     uint8_t **out, size_t *out_size, char *message, size_t message_size);

void aeic_jpeg_free(void *p);
#endif
