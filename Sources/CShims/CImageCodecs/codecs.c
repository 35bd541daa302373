int tl_image_codecs_placeholder(void) { return 0; }
