#ifndef CIMAGE_CODECS_H
#define CIMAGE_CODECS_H

/*
 * JPEG (libjpeg-turbo) and PNG (libpng) decoding to 8-bit interleaved RGB, from a memory buffer.
 *
 * Both libraries report errors by calling a callback that must not return (their default handlers
 * call exit()). These wrappers install setjmp-based handlers so that every failure comes back as a
 * status code plus a human-readable message, never as a process exit.
 *
 * Use in two steps, so huge images are refused before anything is allocated:
 *   1. tl_*_probe reads only the header and reports width and height;
 *   2. the caller allocates width * height * 3 bytes and calls tl_*_decode with that buffer.
 *
 * Colour conversion follows Pillow's convert("RGB"), which is what Keras's load_img applies:
 * grayscale is replicated, alpha is dropped, palettes are expanded (their transparency ignored),
 * 16-bit RGB/RGBA/gray+alpha keep the high byte, 16-bit grayscale is clipped to 255 (Pillow's
 * I;16 -> RGB), and Adobe CMYK JPEGs use Pillow's CMYK -> RGB formula.
 */

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Result of a probe or decode call. */
typedef enum {
    TL_IMAGE_OK = 0,
    /** The data is not a valid or complete image (message says why). */
    TL_IMAGE_CORRUPT = 1,
    /** A valid image this decoder cannot convert to RGB (message says why). */
    TL_IMAGE_UNSUPPORTED = 2,
    /** The caller's buffer does not hold width * height * 3 bytes for this image. */
    TL_IMAGE_BAD_BUFFER = 3,
    /** Memory could not be allocated. */
    TL_IMAGE_NO_MEMORY = 4
} tl_image_status;

/** Room for a decoder message, including the terminating NUL. */
#define TL_IMAGE_MESSAGE_CAPACITY 256

/** Reads the JPEG header only: frame width and height in pixels. */
tl_image_status tl_jpeg_probe(const unsigned char *data, size_t size, int *width, int *height,
                              char *message, size_t message_capacity);

/**
 * Decodes a JPEG with libjpeg's defaults (JDCT_ISLOW, fancy upsampling), as Pillow does.
 * `rgb` must hold width * height * 3 bytes for the size tl_jpeg_probe reported. A stream that
 * ends early (libjpeg's "premature end of data" warning) is an error, as it is for Pillow.
 */
tl_image_status tl_jpeg_decode(const unsigned char *data, size_t size, unsigned char *rgb, size_t rgb_capacity,
                               char *message, size_t message_capacity);

/** Reads the PNG header only: width and height in pixels. */
tl_image_status tl_png_probe(const unsigned char *data, size_t size, int *width, int *height,
                             char *message, size_t message_capacity);

/** Decodes a PNG to 8-bit RGB; `rgb` must hold width * height * 3 bytes. */
tl_image_status tl_png_decode(const unsigned char *data, size_t size, unsigned char *rgb, size_t rgb_capacity,
                              char *message, size_t message_capacity);

/** Reads the first TIFF directory's width and height (libtiff). */
tl_image_status tl_tiff_probe(const unsigned char *data, size_t size, int *width, int *height,
                              char *message, size_t message_capacity);

/**
 * Decodes the first image of a TIFF through libtiff's RGBA interface (any photometric interpretation
 * libtiff converts: RGB, grayscale, palette, CMYK, YCbCr; 1 to 16 bits), alpha dropped, rows as stored
 * (the orientation tag is not applied, as Pillow does not). `rgb` must hold width * height * 3 bytes.
 */
tl_image_status tl_tiff_decode(const unsigned char *data, size_t size, unsigned char *rgb, size_t rgb_capacity,
                               char *message, size_t message_capacity);

#ifdef __cplusplus
}
#endif

#endif
