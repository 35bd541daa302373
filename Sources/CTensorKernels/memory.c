// glibc's allocator settings (malloc.h is not part of Swift's Glibc module).
#include "CTensorKernels.h"

#include <stdlib.h>   // defines __GLIBC__ where glibc is the C library

#if defined(__GLIBC__)
#include <malloc.h>
#include <limits.h>
#endif

void tl_release_freed_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

void tl_keep_freed_memory(void) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
    // One heap for every thread: with an arena per thread (the workers, the image decoders) each kept its own
    // freed activations, which the others could not reuse.
    mallopt(M_ARENA_MAX, 1);
#endif
}
