// Winograd F(3x3, 3x3) (alpha = 5, points 0, 1, -1, 2 and infinity), shared by kernels_avx512.c and
// kernels_avx2.c. They include it, and winograd_f4.h, after sgemm_driver.h (for NR and packed_offset) with,
// besides TL_TARGET and TL_SUFFIX, these vector macros (undefined again after the two): VL (lanes), vf (the
// vector type), vmask and vmask_for(lanes), vload(p, lanes, mask) (zero past lanes), vstore(p, lanes, mask,
// v), vstore_all(p, v), vzero(), vset1(x), vadd, vsub, vmul, vfmadd(a, b, c) (a b + c), vfnmadd(a, b, c)
// (c - a b), vmax (F(4x4)'s pooling), vclamp(v, top). Only the vector width differs between the two.
//
// It serves two products. The forward convolution: 3x3 output tiles, each from the 5x5 input patch that
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

TL_TARGET void TL_SUFFIX(tl_winograd_f3_input)(const float *image, long height, long width, long channels,
                                               long y0, long x0, float *v, long position_stride) {
    int inside = y0 >= 0 && x0 >= 0 && y0 + 5 <= height && x0 + 5 <= width;
    for (long ch = 0; ch < channels; ch += VL) {
        long lanes = channels - ch;
        vmask mask = vmask_for(lanes);
        vf t[5][5];
        for (int i = 0; i < 5; i++) {
            long iy = y0 + i;
            int row_inside = iy >= 0 && iy < height;
#pragma clang loop unroll(full)
            for (int j = 0; j < 5; j++) {
                long ix = x0 + j;
                // The address is formed only for a pixel inside the image (a patch may start above or left of it).
                t[i][j] = (inside || (row_inside && ix >= 0 && ix < width)) ? vload(image + (iy * width + ix) * channels + ch, lanes, mask)
                                                                            : vzero();
            }
            f3_input_transform(t[i]);                                  // along the row: d B
        }
#pragma clang loop unroll(full)
        for (int j = 0; j < 5; j++) {
            vf column[5];
#pragma clang loop unroll(full)
            for (int i = 0; i < 5; i++) column[i] = t[i][j];
            f3_input_transform(column);                               // along the column: B^T (d B)
#pragma clang loop unroll(full)
            for (int i = 0; i < 5; i++) vstore(v + (i * 5 + j) * position_stride + ch, lanes, mask, column[i]);
        }
    }
}

/// y[i][j] = (A^T M A)[i][j] for the VL values at `f` (masked), M[p] read from mt[p * position_stride + f].
TL_TARGET static inline void f3_output_tile(const float *mt, long position_stride, long f, long lanes, vmask mask, vf y[3][3]) {
    vf t[5][3];
    for (int i = 0; i < 5; i++) {
        vf m[5];
#pragma clang loop unroll(full)
        for (int j = 0; j < 5; j++) m[j] = vload(mt + (i * 5 + j) * position_stride + f, lanes, mask);
        f3_output_transform(m, t[i]);                                  // rows: M A
    }
#pragma clang loop unroll(full)
    for (int j = 0; j < 3; j++) {
        vf column[5], out[3];
#pragma clang loop unroll(full)
        for (int i = 0; i < 5; i++) column[i] = t[i][j];
        f3_output_transform(column, out);                             // columns: A^T (M A)
#pragma clang loop unroll(full)
        for (int i = 0; i < 3; i++) y[i][j] = out[i];
    }
}

TL_TARGET void TL_SUFFIX(tl_winograd_f3_output)(const float *mt, long position_stride, long filters,
                                                const float *bias, int relu, float ceiling, float *output,
                                                long out_height, long out_width, long oy0, long ox0) {
    const vf top = vset1(ceiling);
    long rows = out_height - oy0 < 3 ? out_height - oy0 : 3;
    long cols = out_width - ox0 < 3 ? out_width - ox0 : 3;
    for (long f = 0; f < filters; f += VL) {
        long lanes = filters - f;
        vmask mask = vmask_for(lanes);
        vf y[3][3];
        f3_output_tile(mt, position_stride, f, lanes, mask, y);
        vf b = bias ? vload(bias + f, lanes, mask) : vzero();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                vf value = vadd(y[i][j], b);
                if (relu) value = vclamp(value, top);
                vstore(output + ((oy0 + i) * out_width + ox0 + j) * filters + f, lanes, mask, value);
            }
        }
    }
}

TL_TARGET void TL_SUFFIX(tl_winograd_f3_kernel)(const float *kernel, long channels, long filters, long first_channel,
                                                long end_channel, float *u, long position_stride, int packed, const float *scale) {
    // Packed, the columns run on to the panel's end (NR), their values zero.
    long width = packed ? (filters + NR - 1) / NR * NR : filters;
    // Panel by panel, channel by channel within it: each position's packed rows are then written in order
    // (NR floats apart), not a panel's worth apart (NR x KC floats), which cost a miss per store.
    for (long f = 0; f < width; f += VL) {
        for (long c = first_channel; c < end_channel; c++) {
            // The kernel's rows are read F floats apart: asked for a few channels ahead, their lines arrive
            // while this channel transforms (the hardware prefetchers do not follow nine strided streams).
            if (c + 12 < end_channel && f < filters && f % 16 == 0) {
                for (int tap = 0; tap < 9; tap++) _mm_prefetch((const char *)(kernel + (tap * channels + c + 12) * filters + f), _MM_HINT_T0);
            }
            long lanes = filters - f;
            vmask mask = vmask_for(lanes);
            vf t[5][3];                                                // t[i][kx] = (G g)[i] along ky
#pragma clang loop unroll(full)
            for (int kx = 0; kx < 3; kx++) {
                vf g[3], column[5];
#pragma clang loop unroll(full)
                for (int ky = 0; ky < 3; ky++) {
                    g[ky] = lanes > 0 ? vload(kernel + ((ky * 3 + kx) * channels + c) * filters + f, lanes, mask) : vzero();
                }
                f3_kernel_transform(g, column);
#pragma clang loop unroll(full)
                for (int i = 0; i < 5; i++) t[i][kx] = column[i];
            }
            vf s = scale && lanes > 0 ? vload(scale + f, lanes, mask) : vset1(1);
            long offset = packed ? packed_offset(filters, channels, c, f) : c * filters + f;
#pragma clang loop unroll(full)
            for (int i = 0; i < 5; i++) {
                vf row[5];
                f3_kernel_transform(t[i], row);                        // along kx: (G g) G^T
#pragma clang loop unroll(full)
                for (int j = 0; j < 5; j++) {
                    float *dst = u + (i * 5 + j) * position_stride + offset;
                    if (scale) row[j] = vmul(row[j], s);
                    if (packed) vstore_all(dst, row[j]);
                    else vstore(dst, lanes, mask, row[j]);
                }
            }
        }
    }
}

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
