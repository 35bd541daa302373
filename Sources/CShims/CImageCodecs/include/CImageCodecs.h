#ifndef CIMAGE_CODECS_H
#define CIMAGE_CODECS_H
int tl_image_codecs_placeholder(void);
#endif
