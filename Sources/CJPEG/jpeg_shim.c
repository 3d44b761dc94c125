// libjpeg's default error handler calls exit(). Ours longjmps back to the setjmp in the same
// C function, so a corrupt file is a return code and a message, and no jump crosses Swift.
#include "jpeg_shim.h"
#include <stdio.h>
#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *message;
    size_t message_size;
    int warnings;
} error_manager;

static void on_error_exit(j_common_ptr cinfo) {
    error_manager *err = (error_manager *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    err->base.format_message(cinfo, text);
    snprintf(err->message, err->message_size, "%s", text);
    longjmp(err->jump, 1);
}

/* Level -1 is a warning (corrupt data that decoding survives); higher levels are trace. */
static void on_emit_message(j_common_ptr cinfo, int level) {
    error_manager *err = (error_manager *)cinfo->err;
    if (level >= 0) return;
    if (err->warnings++ == 0) {
        char text[JMSG_LENGTH_MAX];
        err->base.format_message(cinfo, text);
        snprintf(err->message, err->message_size, "%s", text);
    }
}

static void install_errors(j_common_ptr cinfo, error_manager *err, char *message, size_t size) {
    cinfo->err = jpeg_std_error(&err->base);
    err->base.error_exit = on_error_exit;
    err->base.emit_message = on_emit_message;
    err->message = message;
    err->message_size = size;
    err->warnings = 0;
}

static uint16_t read16(const uint8_t *p, int little) {
    return little ? (uint16_t)(p[0] | p[1] << 8) : (uint16_t)(p[0] << 8 | p[1]);
}

/* The orientation tag (0x0112) of IFD0 in a TIFF-structured EXIF block, or 1. Every offset
   is bounds-checked. */
static int exif_orientation(const uint8_t *t, size_t len) {
    if (len < 8 || !((t[0] == 'I' && t[1] == 'I') || (t[0] == 'M' && t[1] == 'M'))) return 1;
    int little = t[0] == 'I';
    uint32_t ifd = little ? (uint32_t)(t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24)
                          : ((uint32_t)t[4] << 24 | t[5] << 16 | t[6] << 8 | t[7]);
    if (ifd > len - 2) return 1;
    uint16_t count = read16(t + ifd, little);
    for (uint32_t i = 0; i < count; i++) {
        size_t entry = ifd + 2 + 12 * (size_t)i;
        if (entry + 12 > len) return 1;
        if (read16(t + entry, little) == 0x0112) {
            int value = read16(t + entry + 8, little);
            return value >= 1 && value <= 8 ? value : 1;
        }
    }
    return 1;
}

static const char exif_prefix[6] = "Exif\0";   /* "Exif\0\0" */
static const char xmp_prefix[] = "http://ns.adobe.com/xap/1.0/";   /* and its NUL */

/* A malloc'd copy of n bytes (NULL when there are none or no memory: metadata is optional). */
static uint8_t *copy_bytes(const void *src, size_t n) {
    uint8_t *p = n ? malloc(n) : NULL;
    if (p) memcpy(p, src, n);
    return p;
}

/* The first EXIF and XMP blocks among the saved APP1 markers, without their prefixes. */
static void collect_app1(jpeg_saved_marker_ptr markers, aeic_jpeg_image *out) {
    for (jpeg_saved_marker_ptr m = markers; m; m = m->next) {
        if (m->marker != JPEG_APP0 + 1) continue;
        if (!out->exif && m->data_length > 6 && memcmp(m->data, exif_prefix, 6) == 0) {
            out->exif = copy_bytes(m->data + 6, m->data_length - 6);
            out->exif_size = out->exif ? m->data_length - 6 : 0;
        } else if (!out->xmp && m->data_length > sizeof xmp_prefix && memcmp(m->data, xmp_prefix, sizeof xmp_prefix) == 0) {
            out->xmp = copy_bytes(m->data + sizeof xmp_prefix, m->data_length - sizeof xmp_prefix);
            out->xmp_size = out->xmp ? m->data_length - sizeof xmp_prefix : 0;
        }
    }
}

static void free_metadata(aeic_jpeg_image *out) {
    free(out->icc);
    free(out->exif);
    free(out->xmp);
    out->icc = out->exif = out->xmp = NULL;
    out->icc_size = out->exif_size = out->xmp_size = 0;
}

static void cmyk_to_rgb(const uint8_t *cmyk, uint8_t *rgb, size_t pixels, int inverted) {
    for (size_t i = 0; i < pixels; i++) {
        int c = cmyk[4 * i], m = cmyk[4 * i + 1], y = cmyk[4 * i + 2], k = cmyk[4 * i + 3];
        if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
        rgb[3 * i] = (uint8_t)((c * k + 127) / 255);
        rgb[3 * i + 1] = (uint8_t)((m * k + 127) / 255);
        rgb[3 * i + 2] = (uint8_t)((y * k + 127) / 255);
    }
}

int aeic_jpeg_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                     aeic_jpeg_image *out, char *message, size_t message_size) {
    memset(out, 0, sizeof *out);
    struct jpeg_decompress_struct cinfo;
    error_manager err;
    uint8_t *volatile pixels = NULL;
    uint8_t *volatile cmyk = NULL;
    install_errors((j_common_ptr)&cinfo, &err, message, message_size);
    if (setjmp(err.jump)) {
        free(pixels);
        free(cmyk);
        free_metadata(out);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    if (size == 0) {
        snprintf(message, message_size, "empty file");
        longjmp(err.jump, 1);
    }
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);

    if ((uint64_t)cinfo.image_width * cinfo.image_height > max_pixels) {
        out->width = cinfo.image_width;  /* the caller names a refusal for size by it */
        out->height = cinfo.image_height;
        longjmp(err.jump, 1);
    }
    collect_app1(cinfo.marker_list, out);
    int orientation = out->exif ? exif_orientation(out->exif, out->exif_size) : 1;
    JOCTET *icc = NULL;
    unsigned int icc_size = 0;
    /* A profile split across markers that do not fit together is left out, not an error. */
    if (jpeg_read_icc_profile(&cinfo, &icc, &icc_size)) {
        out->icc = icc;
        out->icc_size = icc_size;
    }

    int is_cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    int channels = cinfo.num_components == 1 ? 1 : 3;
    cinfo.out_color_space = is_cmyk ? JCS_CMYK : (channels == 1 ? JCS_GRAYSCALE : JCS_RGB);
    jpeg_start_decompress(&cinfo);

    size_t width = cinfo.output_width, height = cinfo.output_height;
    size_t stride = width * cinfo.output_components;
    pixels = malloc(width * height * channels);
    if (is_cmyk) cmyk = malloc(stride);
    if (!pixels || (is_cmyk && !cmyk)) {
        snprintf(message, message_size, "out of memory");
        longjmp(err.jump, 1);
    }
    while (cinfo.output_scanline < height) {
        size_t y = cinfo.output_scanline;
        JSAMPROW row = is_cmyk ? cmyk : pixels + y * stride;
        jpeg_read_scanlines(&cinfo, &row, 1);
        if (is_cmyk) cmyk_to_rgb(cmyk, pixels + y * width * 3, width, cinfo.saw_Adobe_marker);
    }
    jpeg_finish_decompress(&cinfo);
    out->width = (uint32_t)width;
    out->height = (uint32_t)height;
    out->channels = channels;
    out->orientation = orientation;
    out->warnings = err.warnings;
    out->pixels = pixels;
    free(cmyk);
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

/* One APP1 marker holding `prefix` and then `data`; left out when too long for a marker. */
static void write_app1(j_compress_ptr cinfo, const char *prefix, size_t prefix_size,
                       const uint8_t *data, size_t size) {
    if (size == 0 || prefix_size + size > 65533) return;
    jpeg_write_m_header(cinfo, JPEG_APP0 + 1, (unsigned int)(prefix_size + size));
    for (size_t i = 0; i < prefix_size; i++) jpeg_write_m_byte(cinfo, prefix[i]);
    for (size_t i = 0; i < size; i++) jpeg_write_m_byte(cinfo, data[i]);
}

int aeic_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                     int quality, int subsample420, const uint8_t *icc, size_t icc_size,
                     const uint8_t *exif, size_t exif_size, const uint8_t *xmp, size_t xmp_size,
                     uint8_t **out, size_t *out_size, char *message, size_t message_size) {
    struct jpeg_compress_struct cinfo;
    error_manager err;
    unsigned char *volatile buffer = NULL;
    unsigned long length = 0;
    *out = NULL;
    *out_size = 0;
    if (channels != 1 && channels != 3) {
        snprintf(message, message_size, "JPEG needs 1 or 3 channels");
        return -1;
    }
    install_errors((j_common_ptr)&cinfo, &err, message, message_size);
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return -1;
    }
    jpeg_create_compress(&cinfo);
    unsigned char *dest = NULL;
    jpeg_mem_dest(&cinfo, &dest, &length);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    cinfo.optimize_coding = TRUE;
    if (channels == 3) {
        int f = subsample420 ? 2 : 1;
        cinfo.comp_info[0].h_samp_factor = f;
        cinfo.comp_info[0].v_samp_factor = f;
    }
    jpeg_start_compress(&cinfo, TRUE);
    write_app1(&cinfo, exif_prefix, sizeof exif_prefix, exif, exif_size);
    write_app1(&cinfo, xmp_prefix, sizeof xmp_prefix, xmp, xmp_size);
    if (icc_size) jpeg_write_icc_profile(&cinfo, icc, (unsigned int)icc_size);
    size_t stride = (size_t)width * channels;
    while (cinfo.next_scanline < height) {
        JSAMPROW row = (JSAMPROW)(pixels + cinfo.next_scanline * stride);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    buffer = dest;
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_size = length;
    return 0;
}

void aeic_jpeg_free(void *p) { free(p); }
