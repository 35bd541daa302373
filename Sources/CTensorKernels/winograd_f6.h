// Winograd F(6x6, 3x3) (alpha = 8, points 0, 1, -1, 2, -2, 1/2, -1/2 and infinity; the set NNPACK uses),
// shared by kernels_avx512.c and kernels_avx2.c over the vector macros listed at the top of winograd_f3.h: the
// 1-D transforms (the matrices of WinogradTransforms.swift's portable loops) and the tile functions from
// winograd_tile.h, with the output transform that pools 2x2 (a 6x6 tile holds whole pooling windows).
// 64 products make 36 outputs (1.78 a value against F(4x4)'s 2.25); the larger transform entries round more.
//
//   B^T = [1 0 -21/4 0 21/4 0 -1 0; 0 1 1 -17/4 -17/4 1 1 0; 0 -1 1 17/4 -17/4 -1 1 0;
//          0 1/2 1/4 -5/2 -5/4 2 1 0; 0 -1/2 1/4 5/2 -5/4 -2 1 0; 0 2 4 -5/2 -5 1/2 1 0;
//          0 -2 4 5/2 -5 -1/2 1 0; 0 -1 0 21/4 0 -21/4 0 1]
//   G   = [1 0 0; -2/9 -2/9 -2/9; -2/9 2/9 -2/9; 1/90 1/45 2/45; 1/90 -1/45 2/45;
//          32/45 16/45 8/45; 32/45 -16/45 8/45; 0 0 1]
//   A^T = [1 1 1 1 1 1 1 0; 0 1 -1 2 -2 1/2 -1/2 0; 0 1 1 4 4 1/4 1/4 0; 0 1 -1 8 -8 1/8 -1/8 0;
//          0 1 1 16 16 1/16 1/16 0; 0 1 -1 32 -32 1/32 -1/32 1]

/// d <- B^T d for eight vectors.
TL_TARGET static inline void f6_input_transform(vf d[8]) {
    const vf c525 = vset1(5.25f), c425 = vset1(4.25f), c125 = vset1(1.25f), c25 = vset1(2.5f);
    const vf quarter = vset1(0.25f), half = vset1(0.5f), two = vset1(2), four = vset1(4);
    vf r0 = vfmadd(c525, vsub(d[4], d[2]), vsub(d[0], d[6]));
    vf r7 = vfmadd(c525, vsub(d[3], d[5]), vsub(d[7], d[1]));
    vf a1 = vfnmadd(c425, d[4], vadd(d[2], d[6]));               // d2 + d6 - 17/4 d4
    vf b1 = vfnmadd(c425, d[3], vadd(d[1], d[5]));               // d1 + d5 - 17/4 d3
    vf a2 = vfnmadd(c125, d[4], vfmadd(quarter, d[2], d[6]));    // d6 + d2/4 - 5/4 d4
    vf b2 = vfmadd(two, d[5], vfnmadd(c25, d[3], vmul(half, d[1])));   // d1/2 - 5/2 d3 + 2 d5
    vf a3 = vfmadd(four, vfnmadd(c125, d[4], d[2]), d[6]);       // d6 + 4 (d2 - 5/4 d4)
    vf b3 = vfmadd(half, d[5], vfnmadd(c25, d[3], vmul(two, d[1])));   // 2 d1 - 5/2 d3 + d5/2
    d[0] = r0;
    d[1] = vadd(a1, b1);
    d[2] = vsub(a1, b1);
    d[3] = vadd(a2, b2);
    d[4] = vsub(a2, b2);
    d[5] = vadd(a3, b3);
    d[6] = vsub(a3, b3);
    d[7] = r7;
}

/// y[0..<6] <- A^T m for eight vectors.
TL_TARGET static inline void f6_output_transform(const vf m[8], vf y[6]) {
    vf a1 = vadd(m[1], m[2]), s1 = vsub(m[1], m[2]);
    vf a2 = vadd(m[3], m[4]), s2 = vsub(m[3], m[4]);
    vf a3 = vadd(m[5], m[6]), s3 = vsub(m[5], m[6]);
    y[0] = vadd(vadd(m[0], a1), vadd(a2, a3));
    y[1] = vfmadd(vset1(0.5f), s3, vfmadd(vset1(2), s2, s1));
    y[2] = vfmadd(vset1(0.25f), a3, vfmadd(vset1(4), a2, a1));
    y[3] = vfmadd(vset1(0.125f), s3, vfmadd(vset1(8), s2, s1));
    y[4] = vfmadd(vset1(0.0625f), a3, vfmadd(vset1(16), a2, a1));
    y[5] = vadd(vfmadd(vset1(0.03125f), s3, vfmadd(vset1(32), s2, s1)), m[7]);
}

/// u[0..<8] <- G g for three vectors.
TL_TARGET static inline void f6_kernel_transform(const vf g[3], vf u[8]) {
    vf even = vmul(vset1(-2.0f / 9), vadd(g[0], g[2])), odd = vmul(vset1(-2.0f / 9), g[1]);
    vf even2 = vfmadd(vset1(1.0f / 90), g[0], vmul(vset1(2.0f / 45), g[2])), odd2 = vmul(vset1(1.0f / 45), g[1]);
    vf even3 = vfmadd(vset1(32.0f / 45), g[0], vmul(vset1(8.0f / 45), g[2])), odd3 = vmul(vset1(16.0f / 45), g[1]);
    u[0] = g[0];
    u[1] = vadd(even, odd);
    u[2] = vsub(even, odd);
    u[3] = vadd(even2, odd2);
    u[4] = vsub(even2, odd2);
    u[5] = vadd(even3, odd3);
    u[6] = vsub(even3, odd3);
    u[7] = g[2];
}

#define WG_M 6
#define WG_ALPHA 8
#define WG_INPUT_TRANSFORM f6_input_transform
#define WG_OUTPUT_TRANSFORM f6_output_transform
#define WG_KERNEL_TRANSFORM f6_kernel_transform
#define WG_INPUT TL_SUFFIX(tl_winograd_f6_input)
#define WG_OUTPUT_TILE f6_output_tile
#define WG_OUTPUT TL_SUFFIX(tl_winograd_f6_output)
#define WG_OUTPUT_POOL TL_SUFFIX(tl_winograd_f6_output_pool)
#define WG_KERNEL TL_SUFFIX(tl_winograd_f6_kernel)
#include "winograd_tile.h"
