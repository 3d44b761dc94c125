// libpng reports fatal errors by longjmp. Every setjmp lives here, in C, so no jump ever
// crosses a Swift frame: Swift sees a return code and a message.
#include "png_shim.h"
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    jmp_buf jump;
    char *message;
    size_t message_size;
} error_context;

static void on_error(png_structp png, png_const_charp msg) {
    error_context *ctx = png_get_error_ptr(png);
    snprintf(ctx->message, ctx->message_size, "%s", msg);
    longjmp(ctx->jump, 1);
}

static void on_warning(png_structp png, png_const_charp msg) { (void)png; (void)msg; }

typedef struct { const uint8_t *data; size_t size, offset; } memory_reader;

static const char xmp_key[] = "XML:com.adobe.xmp";

/* Whether every chunk's declared length fits in the file. libpng takes a text chunk's length
   as given and allocates for it before reading: a 175-byte file whose iTXt claimed 2 GB took
   2 GB and 3 s (the fuzzer's finding), so no such file reaches it. */
static int chunks_fit(const uint8_t *data, size_t size) {
    for (size_t at = 8; at + 12 <= size;) {
        size_t length = (size_t)data[at] << 24 | (size_t)data[at + 1] << 16 | (size_t)data[at + 2] << 8 | data[at + 3];
        if (length > size - at - 12) return 0;
        if (memcmp(data + at + 4, "IEND", 4) == 0) return 1;
        at += 12 + length;
    }
    return 1;
}

/* A malloc'd copy of n bytes (NULL when there are none or no memory: metadata is optional). */
static uint8_t *copy_bytes(const void *src, size_t n) {
    uint8_t *p = n ? malloc(n) : NULL;
    if (p) memcpy(p, src, n);
    return p;
}

/* The ICC profile, EXIF and XMP that libpng collected (before and after the pixels). */
static void collect_metadata(png_structp png, png_infop info, aeic_png_image *out) {
    png_charp name;
    int compression;
    png_bytep profile;
    png_uint_32 profile_size;
    if (png_get_iCCP(png, info, &name, &compression, &profile, &profile_size) && !out->icc) {
        out->icc = copy_bytes(profile, profile_size);
        out->icc_size = out->icc ? profile_size : 0;
    }
    png_bytep exif;
    png_uint_32 exif_size;
    if (png_get_eXIf_1(png, info, &exif_size, &exif) && !out->exif) {
        out->exif = copy_bytes(exif, exif_size);
        out->exif_size = out->exif ? exif_size : 0;
    }
    png_textp text;
    int count = 0;
    png_get_text(png, info, &text, &count);
    for (int i = 0; i < count && !out->xmp; i++) {
        if (strcmp(text[i].key, xmp_key) != 0) continue;
        size_t size = text[i].compression >= PNG_ITXT_COMPRESSION_NONE ? text[i].itxt_length : text[i].text_length;
        out->xmp = copy_bytes(text[i].text, size);
        out->xmp_size = out->xmp ? size : 0;
    }
}

static void free_metadata(aeic_png_image *out) {
    free(out->icc);
    free(out->exif);
    free(out->xmp);
    out->icc = out->exif = out->xmp = NULL;
    out->icc_size = out->exif_size = out->xmp_size = 0;
}

static void read_memory(png_structp png, png_bytep out, png_size_t count) {
    memory_reader *r = png_get_io_ptr(png);
    if (count > r->size - r->offset) png_error(png, "unexpected end of file");
    memcpy(out, r->data + r->offset, count);
    r->offset += count;
}

int aeic_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                    aeic_png_image *out, char *message, size_t message_size) {
    memset(out, 0, sizeof *out);
    /* A damaged signature is left to libpng, whose message says how it was damaged. */
    if (size < 8) {
        snprintf(message, message_size, "not a PNG file (too short)");
        return -1;
    }
    /* A damaged signature is libpng's to name (as above); the chunks of a real PNG are ours. */
    if (png_sig_cmp(data, 0, 8) == 0 && !chunks_fit(data, size)) {
        snprintf(message, message_size, "a chunk runs past the end of the file");
        return -1;
    }
    error_context ctx = {.message = message, .message_size = message_size};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
    if (!png) { snprintf(message, message_size, "out of memory"); return -1; }
    png_infop info = png_create_info_struct(png);
    memory_reader reader = {data, size, 0};
    png_bytep *volatile rows = NULL;
    uint8_t *volatile pixels = NULL;
    if (setjmp(ctx.jump)) {
        free(rows);
        free(pixels);
        free_metadata(out);
        png_destroy_read_struct(&png, &info, NULL);
        return -1;
    }
    if (!info) png_error(png, "out of memory");
    png_set_read_fn(png, &reader, read_memory);
    png_read_info(png, info);

    uint32_t width = png_get_image_width(png, info);
    uint32_t height = png_get_image_height(png, info);
    if ((uint64_t)width * height > max_pixels) {
        out->width = width;  /* the caller names a refusal for size by it */
        out->height = height;
        longjmp(ctx.jump, 1);
    }
    int color_type = png_get_color_type(png, info);
    int depth = png_get_bit_depth(png, info);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (depth == 16) png_set_swap(png);   /* PNG is big-endian; hand Swift native order */
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    int channels = png_get_channels(png, info);
    int out_depth = png_get_bit_depth(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    pixels = malloc(row_bytes * height);
    rows = malloc(sizeof(png_bytep) * height);
    if (!pixels || !rows) png_error(png, "out of memory");
    for (uint32_t y = 0; y < height; y++) rows[y] = pixels + row_bytes * y;
    png_read_image(png, rows);
    png_read_end(png, info);   /* into info: an eXIf or iTXt may follow the pixels */
    collect_metadata(png, info, out);

    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    out->width = width;
    out->height = height;
    out->channels = channels;
    out->bit_depth = out_depth;
    out->pixels = pixels;
    return 0;
}

typedef struct { uint8_t *data; size_t size, capacity; int failed; } memory_writer;

static void write_memory(png_structp png, png_bytep in, png_size_t count) {
    memory_writer *w = png_get_io_ptr(png);
    if (w->size + count > w->capacity) {
        size_t capacity = w->capacity ? w->capacity : 65536;
        while (capacity < w->size + count) capacity *= 2;
        uint8_t *grown = realloc(w->data, capacity);
        if (!grown) png_error(png, "out of memory");
        w->data = grown;
        w->capacity = capacity;
    }
    memcpy(w->data + w->size, in, count);
    w->size += count;
}

static void flush_memory(png_structp png) { (void)png; }

int aeic_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                    int bit_depth, const uint8_t *icc, size_t icc_size, const uint8_t *exif,
                    size_t exif_size, const uint8_t *xmp, size_t xmp_size, uint8_t **out,
                    size_t *out_size, char *message, size_t message_size) {
    static const int color_types[] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                      PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    *out = NULL;
    *out_size = 0;
    if (channels < 1 || channels > 4 || (bit_depth != 8 && bit_depth != 16)) {
        snprintf(message, message_size, "unsupported PNG layout");
        return -1;
    }
    error_context ctx = {.message = message, .message_size = message_size};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
    if (!png) { snprintf(message, message_size, "out of memory"); return -1; }
    png_infop info = png_create_info_struct(png);
    memory_writer writer = {0};
    size_t row_bytes = (size_t)width * channels * (bit_depth / 8);
    char *volatile xmp_text = NULL;
    if (setjmp(ctx.jump)) {
        free(writer.data);
        free(xmp_text);
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    if (!info) png_error(png, "out of memory");
    png_set_write_fn(png, &writer, write_memory, flush_memory);
    png_set_IHDR(png, info, width, height, bit_depth, color_types[channels],
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    /* A profile libpng finds unusable for this image is dropped with a warning, not an error. */
    png_set_benign_errors(png, 1);
    if (icc_size) png_set_iCCP(png, info, "ICC profile", PNG_COMPRESSION_TYPE_BASE, icc, (png_uint_32)icc_size);
    if (exif_size) png_set_eXIf_1(png, info, (png_uint_32)exif_size, (png_bytep)exif);
    if (xmp_size) {
        /* libpng measures text with strlen: a terminated copy, cut at any NUL inside. */
        xmp_text = malloc(xmp_size + 1);
        if (!xmp_text) png_error(png, "out of memory");
        memcpy(xmp_text, xmp, xmp_size);
        xmp_text[xmp_size] = 0;
        png_text text = {.compression = PNG_ITXT_COMPRESSION_NONE, .key = (png_charp)xmp_key, .text = xmp_text};
        png_set_text(png, info, &text, 1);
    }
    png_write_info(png, info);
    if (bit_depth == 16) png_set_swap(png);
    for (uint32_t y = 0; y < height; y++)
        png_write_row(png, (png_const_bytep)(pixels + row_bytes * y));
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(xmp_text);
    *out = writer.data;
    *out_size = writer.size;
    return 0;
}

void aeic_png_free(void *p) { free(p); }
