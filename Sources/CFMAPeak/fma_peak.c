// See include/CFMAPeak.h. One loop written once on the compiler's vectors, instantiated for each path's
// register width and instruction set: inside target("avx2,fma") or target("avx512f") the compiler fuses
// `acc * m + c` (one expression, so -ffp-contract=on applies) into one FMA; the portable instance is a
// multiply and an add on the x86-64 baseline and one fused multiply-add on aarch64 (NEON).
//
// Each loop keeps its accumulators in registers (12 of 16 xmm/ymm, of 32 zmm) beside the two constants;
// the inner loop over the chains has a constant trip count, so the compiler unrolls it and every round is
// 12 independent multiply-adds.
#include "CFMAPeak.h"

#define TL_FMA_PEAK_LOOP(name, attributes, lanes)                                                        \
    attributes double name(long rounds, float start, float step, float m, float c) {                      \
        typedef float vector __attribute__((vector_size(4 * (lanes))));                                   \
        vector acc[TL_FMA_PEAK_CHAINS];                                                                   \
        for (int k = 0; k < TL_FMA_PEAK_CHAINS; k++) acc[k] = (vector){0} + (start + (float)k * step);    \
        for (long r = 0; r < rounds; r++) {                                                               \
            for (int k = 0; k < TL_FMA_PEAK_CHAINS; k++) acc[k] = acc[k] * m + c;                         \
        }                                                                                                 \
        double sum = 0;                                                                                   \
        for (int k = 0; k < TL_FMA_PEAK_CHAINS; k++) {                                                    \
            for (int lane = 0; lane < (lanes); lane++) sum += acc[k][lane];                               \
        }                                                                                                 \
        return sum;                                                                                       \
    }

#if defined(__x86_64__)
#define TL_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define TL_TARGET_AVX512 __attribute__((target("avx512f")))
#else
// Other architectures have only the portable path: these instances exist so that the symbols do, and are
// never called there (the kernel path is portable).
#define TL_TARGET_AVX2
#define TL_TARGET_AVX512
#endif

TL_FMA_PEAK_LOOP(tl_fma_peak_portable, , TL_FMA_PEAK_LANES_PORTABLE)
TL_FMA_PEAK_LOOP(tl_fma_peak_avx2, TL_TARGET_AVX2, TL_FMA_PEAK_LANES_AVX2)
TL_FMA_PEAK_LOOP(tl_fma_peak_avx512, TL_TARGET_AVX512, TL_FMA_PEAK_LANES_AVX512)
