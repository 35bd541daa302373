// JPEG decoding through libjpeg(-turbo) with a setjmp error manager (the default one calls exit()).
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#include "CImageCodecs.h"

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} tl_jpeg_error_manager;

static void tl_copy_message(char *destination, size_t capacity, const char *text) {
    if (destination != NULL && capacity > 0) snprintf(destination, capacity, "%s", text);
}

static void tl_jpeg_error_exit(j_common_ptr cinfo) {
    tl_jpeg_error_manager *manager = (tl_jpeg_error_manager *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, manager->message);
    longjmp(manager->jump, 1);
}

// jpeg_mem_src answers a read past the end with a fake EOI marker and only a warning, so a
// truncated file would decode to grey rows. Pillow refuses truncated files ("image file is
// truncated"), so that warning is an error here. Other warnings (extraneous bytes before a
// marker, ...) are ignored, as Pillow ignores them.
static void tl_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) tl_jpeg_error_exit(cinfo);
}

static void tl_jpeg_install(struct jpeg_decompress_struct *cinfo, tl_jpeg_error_manager *manager) {
    memset(cinfo, 0, sizeof *cinfo);
    cinfo->err = jpeg_std_error(&manager->pub);
    manager->pub.error_exit = tl_jpeg_error_exit;
    manager->pub.emit_message = tl_jpeg_emit_message;
    manager->message[0] = '\0';
}

tl_image_status tl_jpeg_probe(const unsigned char *data, size_t size, int *width, int *height,
                              char *message, size_t message_capacity) {
    struct jpeg_decompress_struct cinfo;
    tl_jpeg_error_manager manager;
    tl_jpeg_install(&cinfo, &manager);
    if (setjmp(manager.jump)) {
        tl_copy_message(message, message_capacity, manager.message);
        jpeg_destroy_decompress(&cinfo);
        return TL_IMAGE_CORRUPT;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    *width = (int)cinfo.image_width;
    *height = (int)cinfo.image_height;
    jpeg_destroy_decompress(&cinfo);
    return TL_IMAGE_OK;
}

// Pillow's CMYK -> RGB (Convert.c cmyk2rgb) on Adobe-inverted samples (Pillow reads CMYK JPEGs as
// "CMYK;I"): with c = 255 - stored, k = 255 - stored_k, nk = 255 - k = stored_k,
// out = clip(nk - round(c * nk / 255)).
static unsigned char tl_cmyk_channel(int stored, int nk) {
    int c = 255 - stored;
    int product = c * nk + 128;
    int scaled = ((product >> 8) + product) >> 8;
    int value = nk - scaled;
    return (unsigned char)(value < 0 ? 0 : (value > 255 ? 255 : value));
}

tl_image_status tl_jpeg_decode(const unsigned char *data, size_t size, unsigned char *rgb, size_t rgb_capacity,
                               char *message, size_t message_capacity) {
    struct jpeg_decompress_struct cinfo;
    tl_jpeg_error_manager manager;
    JSAMPLE *volatile cmyk_row = NULL;
    tl_jpeg_install(&cinfo, &manager);
    if (setjmp(manager.jump)) {
        tl_copy_message(message, message_capacity, manager.message);
        free(cmyk_row);
        jpeg_destroy_decompress(&cinfo);
        return TL_IMAGE_CORRUPT;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);

    const size_t width = cinfo.image_width, height = cinfo.image_height;
    if (rgb == NULL || width * height * 3 != rgb_capacity) {
        tl_copy_message(message, message_capacity, "output buffer does not match the image size");
        jpeg_destroy_decompress(&cinfo);
        return TL_IMAGE_BAD_BUFFER;
    }
    int is_cmyk = 0;
    switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE:
    case JCS_RGB:
    case JCS_YCbCr:
        cinfo.out_color_space = JCS_RGB;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        cinfo.out_color_space = JCS_CMYK;
        is_cmyk = 1;
        break;
    default: {
        char text[TL_IMAGE_MESSAGE_CAPACITY];
        snprintf(text, sizeof text, "JPEG with %d colour components is not supported "
                 "(only grayscale, RGB and CMYK JPEGs are)", cinfo.num_components);
        tl_copy_message(message, message_capacity, text);
        jpeg_destroy_decompress(&cinfo);
        return TL_IMAGE_UNSUPPORTED;
    }
    }
    // libjpeg's defaults are what Pillow decodes with; set them explicitly so they cannot drift.
    cinfo.dct_method = JDCT_ISLOW;
    cinfo.do_fancy_upsampling = TRUE;
    cinfo.scale_num = 1;
    cinfo.scale_denom = 1;
    jpeg_start_decompress(&cinfo);

    if (is_cmyk) {
        cmyk_row = (JSAMPLE *)malloc(width * 4);
        if (cmyk_row == NULL) {
            jpeg_destroy_decompress(&cinfo);
            tl_copy_message(message, message_capacity, "out of memory");
            return TL_IMAGE_NO_MEMORY;
        }
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        unsigned char *row = rgb + (size_t)cinfo.output_scanline * width * 3;
        if (!is_cmyk) {
            JSAMPROW rows[1] = {row};
            jpeg_read_scanlines(&cinfo, rows, 1);
        } else {
            JSAMPROW rows[1] = {cmyk_row};
            jpeg_read_scanlines(&cinfo, rows, 1);
            for (size_t x = 0; x < width; x++) {
                const JSAMPLE *s = cmyk_row + x * 4;
                int nk = s[3];
                row[x * 3 + 0] = tl_cmyk_channel(s[0], nk);
                row[x * 3 + 1] = tl_cmyk_channel(s[1], nk);
                row[x * 3 + 2] = tl_cmyk_channel(s[2], nk);
            }
        }
    }
    // Every row is decoded; like Pillow, a missing EOI marker after the data is not an error, so the
    // trailer is not read (jpeg_finish_decompress would warn) and the decoder is simply released.
    free(cmyk_row);
    jpeg_destroy_decompress(&cinfo);
    return TL_IMAGE_OK;
}
