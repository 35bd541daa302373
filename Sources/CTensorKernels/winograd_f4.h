// Winograd F(4x4, 3x3) (alpha = 6, points 0, 1, -1, 2, -2 and infinity), shared by kernels_avx512.c and
// kernels_avx2.c over the vector macros listed at the top of winograd_f3.h: the 1-D transforms (the matrices
// of WinogradTransforms.swift's portable loops), the tile functions from winograd_tile.h, and the output
// transform that pools 2x2 as it writes (a 4x4 tile holds whole pooling windows).

/// d <- B^T d for six vectors.
TL_TARGET static inline void f4_input_transform(vf d[6]) {
    const vf four = vset1(4), five = vset1(5), two = vset1(2);
    vf a = vfnmadd(four, d[2], d[4]);                            // d4 - 4 d2
    vf b = vfnmadd(four, d[1], d[3]);                            // d3 - 4 d1
    vf c = vsub(d[4], d[2]);
    vf e = vmul(two, vsub(d[3], d[1]));
    vf r0 = vadd(vfnmadd(five, d[2], vmul(four, d[0])), d[4]);
    vf r5 = vadd(vfnmadd(five, d[3], vmul(four, d[1])), d[5]);
    d[0] = r0;
    d[1] = vadd(a, b);
    d[2] = vsub(a, b);
    d[3] = vadd(c, e);
    d[4] = vsub(c, e);
    d[5] = r5;
}

/// y[0..<4] <- A^T m for six vectors.
TL_TARGET static inline void f4_output_transform(const vf m[6], vf y[4]) {
    vf p12 = vadd(m[1], m[2]), n12 = vsub(m[1], m[2]);
    vf p34 = vadd(m[3], m[4]), n34 = vsub(m[3], m[4]);
    y[0] = vadd(vadd(m[0], p12), p34);
    y[1] = vfmadd(vset1(2), n34, n12);
    y[2] = vfmadd(vset1(4), p34, p12);
    y[3] = vadd(vfmadd(vset1(8), n34, n12), m[5]);
}

/// u[0..<6] <- G g for three vectors.
TL_TARGET static inline void f4_kernel_transform(const vf g[3], vf u[6]) {
    const vf sixth = vset1(-1.0f / 6), quarter = vset1(0.25f);
    vf even = vmul(sixth, vadd(g[0], g[2])), odd = vmul(sixth, g[1]);
    vf even2 = vfmadd(vset1(1.0f / 24), g[0], vmul(vset1(1.0f / 6), g[2]));
    vf odd2 = vmul(vset1(1.0f / 12), g[1]);
    u[0] = vmul(quarter, g[0]);
    u[1] = vadd(even, odd);
    u[2] = vsub(even, odd);
    u[3] = vadd(even2, odd2);
    u[4] = vsub(even2, odd2);
    u[5] = g[2];
}

#define WG_M 4
#define WG_ALPHA 6
#define WG_INPUT_TRANSFORM f4_input_transform
#define WG_OUTPUT_TRANSFORM f4_output_transform
#define WG_KERNEL_TRANSFORM f4_kernel_transform
#define WG_INPUT TL_SUFFIX(tl_winograd_f4_input)
#define WG_OUTPUT_TILE f4_output_tile
#define WG_OUTPUT TL_SUFFIX(tl_winograd_f4_output)
#define WG_OUTPUT_POOL TL_SUFFIX(tl_winograd_f4_output_pool)
#define WG_KERNEL TL_SUFFIX(tl_winograd_f4_kernel)
#include "winograd_tile.h"
