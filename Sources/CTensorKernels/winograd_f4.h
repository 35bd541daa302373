// Winograd F(4x4, 3x3) (alpha = 6, points 0, 1, -1, 2, -2 and infinity), shared by kernels_avx512.c and
// kernels_avx2.c over the vector macros listed at the top of winograd_f3.h. The matrices are those of
// WinogradTransforms.swift's portable loops.

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

TL_TARGET void TL_SUFFIX(tl_winograd_f4_input)(const float *image, long height, long width, long channels,
                                               long y0, long x0, float *v, long position_stride) {
    int inside = y0 >= 0 && x0 >= 0 && y0 + 6 <= height && x0 + 6 <= width;
    for (long ch = 0; ch < channels; ch += VL) {
        long lanes = channels - ch;
        vmask mask = vmask_for(lanes);
        vf t[6][6];
        for (int i = 0; i < 6; i++) {
            long iy = y0 + i;
            int row_inside = iy >= 0 && iy < height;
#pragma clang loop unroll(full)
            for (int j = 0; j < 6; j++) {
                long ix = x0 + j;
                // The address is formed only for a pixel inside the image (a patch may start above or left of it).
                t[i][j] = (inside || (row_inside && ix >= 0 && ix < width)) ? vload(image + (iy * width + ix) * channels + ch, lanes, mask)
                                                                            : vzero();
            }
            f4_input_transform(t[i]);                                  // along the row: d B
        }
#pragma clang loop unroll(full)
        for (int j = 0; j < 6; j++) {
            vf column[6];
#pragma clang loop unroll(full)
            for (int i = 0; i < 6; i++) column[i] = t[i][j];
            f4_input_transform(column);                               // along the column: B^T (d B)
#pragma clang loop unroll(full)
            for (int i = 0; i < 6; i++) vstore(v + (i * 6 + j) * position_stride + ch, lanes, mask, column[i]);
        }
    }
}

/// y[i][j] = (A^T M A)[i][j], the 4x4 outputs of one tile for the VL channels at `f` (masked), M[p] read from
/// mt[p * position_stride + f].
TL_TARGET static inline void f4_output_tile(const float *mt, long position_stride, long f, long lanes, vmask mask, vf y[4][4]) {
    vf t[6][4];
    for (int i = 0; i < 6; i++) {
        vf m[6];
#pragma clang loop unroll(full)
        for (int j = 0; j < 6; j++) m[j] = vload(mt + (i * 6 + j) * position_stride + f, lanes, mask);
        f4_output_transform(m, t[i]);                                  // rows: M A
    }
#pragma clang loop unroll(full)
    for (int j = 0; j < 4; j++) {
        vf column[6], out[4];
#pragma clang loop unroll(full)
        for (int i = 0; i < 6; i++) column[i] = t[i][j];
        f4_output_transform(column, out);                             // columns: A^T (M A)
#pragma clang loop unroll(full)
        for (int i = 0; i < 4; i++) y[i][j] = out[i];
    }
}

TL_TARGET void TL_SUFFIX(tl_winograd_f4_output)(const float *mt, long position_stride, long filters,
                                                const float *bias, int relu, float ceiling, float *output,
                                                long out_height, long out_width, long oy0, long ox0) {
    const vf top = vset1(ceiling);
    long rows = out_height - oy0 < 4 ? out_height - oy0 : 4;
    long cols = out_width - ox0 < 4 ? out_width - ox0 : 4;
    for (long f = 0; f < filters; f += VL) {
        long lanes = filters - f;
        vmask mask = vmask_for(lanes);
        vf y[4][4];
        f4_output_tile(mt, position_stride, f, lanes, mask, y);
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

TL_TARGET void TL_SUFFIX(tl_winograd_f4_output_pool)(const float *mt, long position_stride, long filters,
                                                     const float *bias, int relu, float ceiling, float *pooled,
                                                     long pooled_height, long pooled_width, long oy0, long ox0) {
    const vf top = vset1(ceiling);
    long py0 = oy0 / 2, px0 = ox0 / 2;
    for (long f = 0; f < filters; f += VL) {
        long lanes = filters - f;
        vmask mask = vmask_for(lanes);
        vf y[4][4];
        f4_output_tile(mt, position_stride, f, lanes, mask, y);
        // Bias and the ReLU clamp are monotonic, so they commute with the max: applied once per pooled value.
        vf b = bias ? vload(bias + f, lanes, mask) : vzero();
        for (int pi = 0; pi < 2 && py0 + pi < pooled_height; pi++) {
            for (int pj = 0; pj < 2 && px0 + pj < pooled_width; pj++) {
                vf v = vmax(vmax(y[2 * pi][2 * pj], y[2 * pi][2 * pj + 1]), vmax(y[2 * pi + 1][2 * pj], y[2 * pi + 1][2 * pj + 1]));
                v = vadd(v, b);
                if (relu) v = vclamp(v, top);
                vstore(pooled + ((py0 + pi) * pooled_width + px0 + pj) * filters + f, lanes, mask, v);
            }
        }
    }
}

TL_TARGET void TL_SUFFIX(tl_winograd_f4_kernel)(const float *kernel, long channels, long filters, long first_channel,
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
            vf t[6][3];                                                // t[i][kx] = (G g)[i] along ky
#pragma clang loop unroll(full)
            for (int kx = 0; kx < 3; kx++) {
                vf g[3], column[6];
#pragma clang loop unroll(full)
                for (int ky = 0; ky < 3; ky++) {
                    g[ky] = lanes > 0 ? vload(kernel + ((ky * 3 + kx) * channels + c) * filters + f, lanes, mask) : vzero();
                }
                f4_kernel_transform(g, column);
#pragma clang loop unroll(full)
                for (int i = 0; i < 6; i++) t[i][kx] = column[i];
            }
            vf s = scale && lanes > 0 ? vload(scale + f, lanes, mask) : vset1(1);
            long offset = packed ? packed_offset(filters, channels, c, f) : c * filters + f;
#pragma clang loop unroll(full)
            for (int i = 0; i < 6; i++) {
                vf row[6];
                f4_kernel_transform(t[i], row);                        // along kx: (G g) G^T
#pragma clang loop unroll(full)
                for (int j = 0; j < 6; j++) {
                    float *dst = u + (i * 6 + j) * position_stride + offset;
                    if (scale) row[j] = vmul(row[j], s);
                    if (packed) vstore_all(dst, row[j]);
                    else vstore(dst, lanes, mask, row[j]);
                }
            }
        }
    }
}
