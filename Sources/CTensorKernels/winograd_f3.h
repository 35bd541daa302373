// Winograd F(3x3, 3x3) (alpha = 5, points 0, 1, -1, 2 and infinity), shared by kernels_avx512.c and
// kernels_avx2.c. They include it, winograd_f4.h and winograd_f6.h through winograd.h after sgemm_driver.h (for
// NR and packed_offset) with, besides TL_TARGET and TL_SUFFIX, these vector macros (winograd.h undefines them):
// VL (lanes), vf (the vector type), vmask and vmask_for(lanes), vload(p, lanes, mask) (zero past lanes),
// vstore(p, lanes, mask, v), vstore_all(p, v), vstream_all(p, v) (a streaming store, p aligned to VL floats),
// vzero(), vset1(x), vadd, vsub, vmul, vfmadd(a, b, c) (a b + c), vfnmadd(a, b, c) (c - a b), vmax (the even
// tiles' pooling), vclamp(v, top). Only the vector width differs.
//
// The tile functions come from winograd_tile.h. It serves two products. The forward convolution: 3x3 output tiles, each from the 5x5 input patch that
// covers its windows (on 9x9 maps, VGG16's block5 at 150x150, 25 products per tile instead of F(4x4)'s 36 on
// a 12x12 cover). And the kernel gradient dW[u][v] = sum_{oy,ox} x[oy - pad + u][ox - pad + v] dY[oy][ox],
// which per 3x3 tile of dY is the same minimal filtering with dY's tile as the filter and dW's 3x3 as the
// output: dW = A^T (sum_t (G dY_t G^T) . (B^T x_t B)) A, the sum over tiles a product of depth `tiles`.
//
//   B^T = [2 -1 -2 1 0; 0 -2 -1 1 0; 0 2 -3 1 0; 0 -1 0 1 0; 0 2 -1 -2 1]
//   G   = [1/2 0 0; -1/2 -1/2 -1/2; -1/6 1/6 -1/6; 1/6 1/3 2/3; 0 0 1]
//   A^T = [1 1 1 1 0; 0 1 -1 2 0; 0 1 1 4 1]

/// d <- B^T d for five vectors.
TL_TARGET static inline void f3_input_transform(vf d[5]) {
    const vf two = vset1(2);
    vf r3 = vsub(d[3], d[1]), a = vsub(d[3], d[2]);
    vf r0 = vfmadd(two, vsub(d[0], d[2]), r3);          // 2 (d0 - d2) + d3 - d1
    vf r1 = vfnmadd(two, d[1], a);                        // d3 - d2 - 2 d1
    vf r2 = vfmadd(two, vsub(d[1], d[2]), a);           // d3 - d2 + 2 (d1 - d2)
    vf r4 = vsub(vfnmadd(two, r3, d[4]), d[2]);          // d4 - 2 (d3 - d1) - d2
    d[0] = r0; d[1] = r1; d[2] = r2; d[3] = r3; d[4] = r4;
}

/// y[0..<3] <- A^T m for five vectors.
TL_TARGET static inline void f3_output_transform(const vf m[5], vf y[3]) {
    vf p = vadd(m[1], m[2]), n = vsub(m[1], m[2]);
    y[0] = vadd(vadd(m[0], p), m[3]);
    y[1] = vfmadd(vset1(2), m[3], n);
    y[2] = vadd(vfmadd(vset1(4), m[3], p), m[4]);
}

/// u[0..<5] <- G g for three vectors.
TL_TARGET static inline void f3_kernel_transform(const vf g[3], vf u[5]) {
    const vf sixth = vset1(1.0f / 6);
    vf e = vadd(g[0], g[2]);
    u[0] = vmul(vset1(0.5f), g[0]);
    u[1] = vmul(vset1(-0.5f), vadd(e, g[1]));
    u[2] = vmul(sixth, vsub(g[1], e));
    u[3] = vmul(sixth, vfmadd(vset1(2), g[1], vfmadd(vset1(4), g[2], g[0])));
    u[4] = g[2];
}

#define WG_M 3
#define WG_ALPHA 5
#define WG_INPUT_TRANSFORM f3_input_transform
#define WG_OUTPUT_TRANSFORM f3_output_transform
#define WG_KERNEL_TRANSFORM f3_kernel_transform
#define WG_INPUT TL_SUFFIX(tl_winograd_f3_input)
#define WG_OUTPUT_TILE f3_output_tile
#define WG_OUTPUT TL_SUFFIX(tl_winograd_f3_output)
#define WG_KERNEL TL_SUFFIX(tl_winograd_f3_kernel)
#include "winograd_tile.h"

TL_TARGET void TL_SUFFIX(tl_winograd_f3_gradient_tile)(const float *dy, long out_height, long out_width, long filters,
                                                       long oy0, long ox0, float *u, long position_stride) {
    int inside = oy0 + 3 <= out_height && ox0 + 3 <= out_width;
    for (long f = 0; f < filters; f += VL) {
        long lanes = filters - f;
        vmask mask = vmask_for(lanes);
        vf t[5][3];                                                    // t[i][kx] = (G g)[i] along ky
#pragma clang loop unroll(full)
        for (int kx = 0; kx < 3; kx++) {
            vf g[3], column[5];
#pragma clang loop unroll(full)
            for (int ky = 0; ky < 3; ky++) {
                long oy = oy0 + ky, ox = ox0 + kx;
                g[ky] = inside || (oy < out_height && ox < out_width) ? vload(dy + (oy * out_width + ox) * filters + f, lanes, mask)
                                                                      : vzero();
            }
            f3_kernel_transform(g, column);
#pragma clang loop unroll(full)
            for (int i = 0; i < 5; i++) t[i][kx] = column[i];
        }
#pragma clang loop unroll(full)
        for (int i = 0; i < 5; i++) {
            vf row[5];
            f3_kernel_transform(t[i], row);                            // along kx: (G g) G^T
#pragma clang loop unroll(full)
            for (int j = 0; j < 5; j++) vstore(u + (i * 5 + j) * position_stride + f, lanes, mask, row[j]);
        }
    }
}

TL_TARGET void TL_SUFFIX(tl_winograd_f3_weight_output)(const float *mt, long position_stride, long count, float *dw,
                                                       long tap_stride) {
    for (long i = 0; i < count; i += VL) {
        long lanes = count - i;
        vmask mask = vmask_for(lanes);
        vf y[3][3];
        f3_output_tile(mt, position_stride, i, lanes, mask, y);
#pragma clang loop unroll(full)
        for (int a = 0; a < 3; a++) {
#pragma clang loop unroll(full)
            for (int b = 0; b < 3; b++) {
                float *dst = dw + (a * 3 + b) * tap_stride + i;
                vstore(dst, lanes, mask, vadd(vload(dst, lanes, mask), y[a][b]));
            }
        }
    }
}
