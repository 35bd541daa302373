// TIFF decoding through libtiff from memory (TIFFClientOpenExt with per-file error handlers, so
// nothing is printed and every failure comes back as a status and a message).
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tiffio.h>

#include "CImageCodecs.h"

typedef struct {
    const unsigned char *data;
    size_t size;
    size_t offset;
    char message[TL_IMAGE_MESSAGE_CAPACITY];
} tl_tiff_source;

static tmsize_t tl_tiff_read(thandle_t handle, void *out, tmsize_t count) {
    tl_tiff_source *source = (tl_tiff_source *)handle;
    if (count < 0 || source->offset > source->size) return 0;
    size_t available = source->size - source->offset;
    size_t n = (size_t)count < available ? (size_t)count : available;
    memcpy(out, source->data + source->offset, n);
    source->offset += n;
    return (tmsize_t)n;
}

static tmsize_t tl_tiff_write(thandle_t handle, void *in, tmsize_t count) {
    (void)handle; (void)in; (void)count;
    return 0;
}

static toff_t tl_tiff_seek(thandle_t handle, toff_t offset, int whence) {
    tl_tiff_source *source = (tl_tiff_source *)handle;
    uint64_t base = whence == SEEK_CUR ? source->offset : whence == SEEK_END ? source->size : 0;
    source->offset = (size_t)(base + offset);
    return source->offset;
}

static int tl_tiff_close(thandle_t handle) { (void)handle; return 0; }
static toff_t tl_tiff_size(thandle_t handle) { return ((tl_tiff_source *)handle)->size; }

static int tl_tiff_error(TIFF *tif, void *user_data, const char *module, const char *format, va_list arguments) {
    (void)tif; (void)module;
    tl_tiff_source *source = (tl_tiff_source *)user_data;
    if (source->message[0] == '\0') vsnprintf(source->message, sizeof source->message, format, arguments);
    return 1;
}

// Warnings (unknown tags, ...) do not stop Pillow either.
static int tl_tiff_warning(TIFF *tif, void *user_data, const char *module, const char *format, va_list arguments) {
    (void)tif; (void)user_data; (void)module; (void)format; (void)arguments;
    return 1;
}

static TIFF *tl_tiff_open(tl_tiff_source *source) {
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (options == NULL) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(options, tl_tiff_error, source);
    TIFFOpenOptionsSetWarningHandlerExtR(options, tl_tiff_warning, source);
    TIFF *tif = TIFFClientOpenExt("memory", "rm", (thandle_t)source, tl_tiff_read, tl_tiff_write, tl_tiff_seek,
                                  tl_tiff_close, tl_tiff_size, NULL, NULL, options);
    TIFFOpenOptionsFree(options);
    return tif;
}

static void tl_tiff_copy(char *destination, size_t capacity, const char *text) {
    if (destination != NULL && capacity > 0) snprintf(destination, capacity, "%s", text[0] ? text : "not a readable TIFF");
}

tl_image_status tl_tiff_probe(const unsigned char *data, size_t size, int *width, int *height,
                              char *message, size_t message_capacity) {
    tl_tiff_source source = {data, size, 0, {0}};
    TIFF *tif = tl_tiff_open(&source);
    if (tif == NULL) { tl_tiff_copy(message, message_capacity, source.message); return TL_IMAGE_CORRUPT; }
    uint32_t w = 0, h = 0;
    int ok = TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w) && TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h);
    TIFFClose(tif);
    if (!ok || w == 0 || h == 0 || w > INT32_MAX || h > INT32_MAX) {
        tl_tiff_copy(message, message_capacity, "the image has no valid width and height");
        return TL_IMAGE_CORRUPT;
    }
    *width = (int)w;
    *height = (int)h;
    return TL_IMAGE_OK;
}

tl_image_status tl_tiff_decode(const unsigned char *data, size_t size, unsigned char *rgb, size_t rgb_capacity,
                               char *message, size_t message_capacity) {
    tl_tiff_source source = {data, size, 0, {0}};
    TIFF *tif = tl_tiff_open(&source);
    if (tif == NULL) { tl_tiff_copy(message, message_capacity, source.message); return TL_IMAGE_CORRUPT; }
    uint32_t w = 0, h = 0;
    uint16_t orientation = ORIENTATION_TOPLEFT;
    TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w);
    TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h);
    TIFFGetFieldDefaulted(tif, TIFFTAG_ORIENTATION, &orientation);
    if ((size_t)w * h * 3 != rgb_capacity) { TIFFClose(tif); return TL_IMAGE_BAD_BUFFER; }
    // Alpha is dropped as Pillow's convert("RGB") drops it: marking the extra samples unspecified keeps
    // libtiff from premultiplying the colours by an unassociated alpha.
    uint16_t extra_count = 0;
    uint16_t *extra_types = NULL;
    if (TIFFGetField(tif, TIFFTAG_EXTRASAMPLES, &extra_count, &extra_types) && extra_count > 0) {
        uint16_t *unspecified = (uint16_t *)calloc(extra_count, sizeof(uint16_t));
        if (unspecified == NULL) { TIFFClose(tif); return TL_IMAGE_NO_MEMORY; }
        TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, extra_count, unspecified);
        free(unspecified);
    }
    char reason[1024] = {0};
    if (!TIFFRGBAImageOK(tif, reason)) {
        TIFFClose(tif);
        tl_tiff_copy(message, message_capacity, reason);
        return TL_IMAGE_UNSUPPORTED;
    }
    uint32_t *raster = (uint32_t *)malloc((size_t)w * h * sizeof(uint32_t));
    if (raster == NULL) { TIFFClose(tif); return TL_IMAGE_NO_MEMORY; }
    // Rows as stored (the file's own orientation requested): orientation is not applied, as in Pillow.
    int ok = TIFFReadRGBAImageOriented(tif, w, h, raster, orientation, 0);
    TIFFClose(tif);
    if (!ok) {
        free(raster);
        tl_tiff_copy(message, message_capacity, source.message);
        return TL_IMAGE_CORRUPT;
    }
    for (size_t i = 0; i < (size_t)w * h; i++) {
        rgb[3 * i] = (unsigned char)TIFFGetR(raster[i]);
        rgb[3 * i + 1] = (unsigned char)TIFFGetG(raster[i]);
        rgb[3 * i + 2] = (unsigned char)TIFFGetB(raster[i]);
    }
    free(raster);
    return TL_IMAGE_OK;
}
