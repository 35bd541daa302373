// PNG decoding through libpng from memory, with a setjmp error handler (the default one aborts).
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "CImageCodecs.h"

typedef struct {
    const unsigned char *data;
    size_t size;
    size_t offset;
    char message[TL_IMAGE_MESSAGE_CAPACITY];
} tl_png_source;

static void tl_png_copy_message(char *destination, size_t capacity, const char *text) {
    if (destination != NULL && capacity > 0) snprintf(destination, capacity, "%s", text);
}

static void tl_png_error(png_structp png, png_const_charp text) {
    tl_png_source *source = (tl_png_source *)png_get_error_ptr(png);
    snprintf(source->message, sizeof source->message, "%s", text);
    png_longjmp(png, 1);
}

// Warnings (bad ancillary chunks, ...) do not stop Pillow either.
static void tl_png_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void tl_png_read(png_structp png, png_bytep out, size_t count) {
    tl_png_source *source = (tl_png_source *)png_get_io_ptr(png);
    if (count > source->size - source->offset) png_error(png, "file ends early (truncated PNG)");
    memcpy(out, source->data + source->offset, count);
    source->offset += count;
}

static png_structp tl_png_create(tl_png_source *source, png_infop *info) {
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, source, tl_png_error, tl_png_warning);
    if (png == NULL) return NULL;
    *info = png_create_info_struct(png);
    if (*info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        return NULL;
    }
    png_set_read_fn(png, source, tl_png_read);
    return png;
}

tl_image_status tl_png_probe(const unsigned char *data, size_t size, int *width, int *height,
                             char *message, size_t message_capacity) {
    tl_png_source source = {data, size, 0, {0}};
    png_infop info = NULL;
    png_structp png = tl_png_create(&source, &info);
    if (png == NULL) {
        tl_png_copy_message(message, message_capacity, "out of memory");
        return TL_IMAGE_NO_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        tl_png_copy_message(message, message_capacity, source.message);
        png_destroy_read_struct(&png, &info, NULL);
        return TL_IMAGE_CORRUPT;
    }
    png_read_info(png, info);
    *width = (int)png_get_image_width(png, info);
    *height = (int)png_get_image_height(png, info);
    png_destroy_read_struct(&png, &info, NULL);
    return TL_IMAGE_OK;
}

tl_image_status tl_png_decode(const unsigned char *data, size_t size, unsigned char *rgb, size_t rgb_capacity,
                              char *message, size_t message_capacity) {
    tl_png_source source = {data, size, 0, {0}};
    png_infop info = NULL;
    png_structp png = tl_png_create(&source, &info);
    png_bytep *volatile rows = NULL;
    unsigned char *volatile scratch = NULL;
    if (png == NULL) {
        tl_png_copy_message(message, message_capacity, "out of memory");
        return TL_IMAGE_NO_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        tl_png_copy_message(message, message_capacity, source.message);
        free(rows);
        free(scratch);
        png_destroy_read_struct(&png, &info, NULL);
        return TL_IMAGE_CORRUPT;
    }
    png_read_info(png, info);
    png_uint_32 width, height;
    int bit_depth, color_type, interlace;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    if (rgb == NULL || (size_t)width * height * 3 != rgb_capacity) {
        tl_png_copy_message(message, message_capacity, "output buffer does not match the image size");
        png_destroy_read_struct(&png, &info, NULL);
        return TL_IMAGE_BAD_BUFFER;
    }

    // Pillow opens 16-bit grayscale as "I;16" and its I;16 -> RGB conversion clips at 255 instead of
    // scaling; every other 16-bit layout keeps the high byte ("RGB;16B", "LA;16B", "RGBA;16B").
    const int clipped_gray16 = color_type == PNG_COLOR_TYPE_GRAY && bit_depth == 16;
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (bit_depth == 16 && !clipped_gray16) png_set_strip_16(png);
    // Alpha (and palette transparency, which palette_to_rgb would turn into alpha) is dropped, as
    // convert("RGB") drops it.
    png_set_strip_alpha(png);
    if ((color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) && !clipped_gray16)
        png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    const int channels = png_get_channels(png, info);
    const int depth = png_get_bit_depth(png, info);
    const size_t row_bytes = png_get_rowbytes(png, info);
    const int direct = !clipped_gray16 && channels == 3 && depth == 8 && row_bytes == (size_t)width * 3;
    if (!direct && !(clipped_gray16 && channels == 1 && depth == 16)) {
        char text[TL_IMAGE_MESSAGE_CAPACITY];
        snprintf(text, sizeof text, "PNG layout (colour type %d, %d bits) could not be converted to RGB",
                 color_type, bit_depth);
        tl_png_copy_message(message, message_capacity, text);
        png_destroy_read_struct(&png, &info, NULL);
        return TL_IMAGE_UNSUPPORTED;
    }
    rows = (png_bytep *)malloc(sizeof(png_bytep) * (height == 0 ? 1 : height));
    if (!direct) scratch = (unsigned char *)malloc(row_bytes * height);
    if (rows == NULL || (!direct && scratch == NULL)) {
        free(rows);
        free(scratch);
        png_destroy_read_struct(&png, &info, NULL);
        tl_png_copy_message(message, message_capacity, "out of memory");
        return TL_IMAGE_NO_MEMORY;
    }
    for (png_uint_32 y = 0; y < height; y++)
        rows[y] = direct ? rgb + (size_t)y * width * 3 : scratch + (size_t)y * row_bytes;
    png_read_image(png, rows);

    if (!direct) {
        for (size_t i = 0; i < (size_t)width * height; i++) {
            const unsigned char *s = scratch + i * 2;  // big-endian 16-bit sample
            unsigned char v = s[0] == 0 ? s[1] : 255;
            rgb[i * 3 + 0] = v;
            rgb[i * 3 + 1] = v;
            rgb[i * 3 + 2] = v;
        }
    }
    free(rows);
    free(scratch);
    png_destroy_read_struct(&png, &info, NULL);
    return TL_IMAGE_OK;
}
