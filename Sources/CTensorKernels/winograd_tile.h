// The tile functions of Winograd F(m x m, 3 x 3) common to every m, included by winograd_f3.h, winograd_f4.h
// and winograd_f6.h with WG_M (output side), WG_ALPHA (input side, m + 2), the 1-D transforms WG_INPUT_TRANSFORM
// (d <- B^T d, alpha vectors), WG_OUTPUT_TRANSFORM (y <- A^T m, alpha to m) and WG_KERNEL_TRANSFORM (u <- G g,
// 3 to alpha), and the names WG_INPUT, WG_OUTPUT_TILE, WG_OUTPUT and WG_KERNEL to give the functions (and,
// for an even m, WG_OUTPUT_POOL for the output that pools 2x2); the vector macros as winograd_f3.h lists them.
// It undefines the WG_ macros at its end.

TL_TARGET void WG_INPUT(const float *image, long height, long width, long channels, long y0, long x0, float *v,
                        long position_stride) {
    int inside = y0 >= 0 && x0 >= 0 && y0 + WG_ALPHA <= height && x0 + WG_ALPHA <= width;
    for (long ch = 0; ch < channels; ch += VL) {
        long lanes = channels - ch;
        vmask mask = vmask_for(lanes);
        vf t[WG_ALPHA][WG_ALPHA];
        for (int i = 0; i < WG_ALPHA; i++) {
            long iy = y0 + i;
            int row_inside = iy >= 0 && iy < height;
#pragma clang loop unroll(full)
            for (int j = 0; j < WG_ALPHA; j++) {
                long ix = x0 + j;
                // The address is formed only for a pixel inside the image (a patch may start above or left of it).
                t[i][j] = (inside || (row_inside && ix >= 0 && ix < width)) ? vload(image + (iy * width + ix) * channels + ch, lanes, mask)
                                                                            : vzero();
            }
            WG_INPUT_TRANSFORM(t[i]);                                   // along the row: d B
        }
#pragma clang loop unroll(full)
        for (int j = 0; j < WG_ALPHA; j++) {
            vf column[WG_ALPHA];
#pragma clang loop unroll(full)
            for (int i = 0; i < WG_ALPHA; i++) column[i] = t[i][j];
            WG_INPUT_TRANSFORM(column);                                 // along the column: B^T (d B)
#pragma clang loop unroll(full)
            for (int i = 0; i < WG_ALPHA; i++) vstore(v + (i * WG_ALPHA + j) * position_stride + ch, lanes, mask, column[i]);
        }
    }
}

/// y[i][j] = (A^T M A)[i][j], the m x m outputs of one tile for the VL values at `f` (masked), M[p] read from
/// mt[p * position_stride + f].
TL_TARGET static inline __attribute__((always_inline)) void WG_OUTPUT_TILE(const float *mt, long position_stride, long f,
                                                                            long lanes, vmask mask, vf y[WG_M][WG_M]) {
    vf t[WG_ALPHA][WG_M];
    for (int i = 0; i < WG_ALPHA; i++) {
        vf m[WG_ALPHA];
#pragma clang loop unroll(full)
        for (int j = 0; j < WG_ALPHA; j++) m[j] = vload(mt + (i * WG_ALPHA + j) * position_stride + f, lanes, mask);
        WG_OUTPUT_TRANSFORM(m, t[i]);                                   // rows: M A
    }
#pragma clang loop unroll(full)
    for (int j = 0; j < WG_M; j++) {
        vf column[WG_ALPHA], out[WG_M];
#pragma clang loop unroll(full)
        for (int i = 0; i < WG_ALPHA; i++) column[i] = t[i][j];
        WG_OUTPUT_TRANSFORM(column, out);                               // columns: A^T (M A)
#pragma clang loop unroll(full)
        for (int i = 0; i < WG_M; i++) y[i][j] = out[i];
    }
}

TL_TARGET void WG_OUTPUT(const float *mt, long position_stride, long filters, const float *bias, int relu, float ceiling,
                         float *output, long out_height, long out_width, long oy0, long ox0) {
    const vf top = vset1(ceiling);
    long rows = out_height - oy0 < WG_M ? out_height - oy0 : WG_M;
    long cols = out_width - ox0 < WG_M ? out_width - ox0 : WG_M;
    for (long f = 0; f < filters; f += VL) {
        long lanes = filters - f;
        vmask mask = vmask_for(lanes);
        vf y[WG_M][WG_M];
        WG_OUTPUT_TILE(mt, position_stride, f, lanes, mask, y);
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

#ifdef WG_OUTPUT_POOL
// An even tile side holds whole 2x2 pooling windows: the tile's m x m outputs pool to (m/2) x (m/2) values.
TL_TARGET void WG_OUTPUT_POOL(const float *mt, long position_stride, long filters, const float *bias, int relu,
                              float ceiling, float *pooled, long pooled_height, long pooled_width, long oy0, long ox0) {
    const vf top = vset1(ceiling);
    long py0 = oy0 / 2, px0 = ox0 / 2;
    for (long f = 0; f < filters; f += VL) {
        long lanes = filters - f;
        vmask mask = vmask_for(lanes);
        vf y[WG_M][WG_M];
        WG_OUTPUT_TILE(mt, position_stride, f, lanes, mask, y);
        // Bias and the ReLU clamp are monotonic, so they commute with the max: applied once per pooled value.
        vf b = bias ? vload(bias + f, lanes, mask) : vzero();
        for (int pi = 0; pi < WG_M / 2 && py0 + pi < pooled_height; pi++) {
            for (int pj = 0; pj < WG_M / 2 && px0 + pj < pooled_width; pj++) {
                vf v = vmax(vmax(y[2 * pi][2 * pj], y[2 * pi][2 * pj + 1]), vmax(y[2 * pi + 1][2 * pj], y[2 * pi + 1][2 * pj + 1]));
                v = vadd(v, b);
                if (relu) v = vclamp(v, top);
                vstore(pooled + ((py0 + pi) * pooled_width + px0 + pj) * filters + f, lanes, mask, v);
            }
        }
    }
}
#undef WG_OUTPUT_POOL
#endif

TL_TARGET void WG_KERNEL(const float *kernel, long channels, long filters, long first_channel, long end_channel,
                         long first_row, long end_row, float *u, long position_stride, int packed, const float *scale) {
    enum { SUBS = 16 / VL };                                            // vectors a cache line holds
    // Packed, the columns run on to the panel's end (NR), their values zero.
    long width = packed ? (filters + NR - 1) / NR * NR : filters;
    // Panel by panel, channel by channel within it: each position's packed rows are then written in order
    // (NR floats apart), not a panel's worth apart (NR x KC floats), which cost a miss per store. A cache
    // line's vectors are stored one after the other, so that streaming stores (packed == 2) fill whole lines.
    for (long f0 = 0; f0 < width; f0 += SUBS * VL) {
        for (long c = first_channel; c < end_channel; c++) {
            // The kernel's rows are read F floats apart: asked for a few channels ahead, their lines arrive
            // while this channel transforms (the hardware prefetchers do not follow nine strided streams).
            if (c + 12 < end_channel && f0 < filters) {
                for (int tap = 0; tap < 9; tap++) _mm_prefetch((const char *)(kernel + (tap * channels + c + 12) * filters + f0), _MM_HINT_T0);
            }
            vf t[SUBS][WG_ALPHA][3];                                    // t[s][i][kx] = (G g)[i] along ky
            vf s[SUBS];
            vmask masks[SUBS];
            long lanes[SUBS];
#pragma clang loop unroll(full)
            for (int sub = 0; sub < SUBS; sub++) {
                long f = f0 + sub * VL;
                lanes[sub] = filters - f;
                masks[sub] = vmask_for(lanes[sub]);
#pragma clang loop unroll(full)
                for (int kx = 0; kx < 3; kx++) {
                    vf g[3], column[WG_ALPHA];
#pragma clang loop unroll(full)
                    for (int ky = 0; ky < 3; ky++) {
                        g[ky] = lanes[sub] > 0 ? vload(kernel + ((ky * 3 + kx) * channels + c) * filters + f, lanes[sub], masks[sub]) : vzero();
                    }
                    WG_KERNEL_TRANSFORM(g, column);
#pragma clang loop unroll(full)
                    for (int i = 0; i < WG_ALPHA; i++) t[sub][i][kx] = column[i];
                }
                s[sub] = scale && lanes[sub] > 0 ? vload(scale + f, lanes[sub], masks[sub]) : vset1(1);
            }
            long offset = packed ? packed_offset(filters, channels, c, f0) : c * filters + f0;
#pragma clang loop unroll(full)
            for (int i = 0; i < WG_ALPHA; i++) {
                if (i < first_row || i >= end_row) continue;            // only the rows of positions asked for
                vf row[SUBS][WG_ALPHA];
#pragma clang loop unroll(full)
                for (int sub = 0; sub < SUBS; sub++) WG_KERNEL_TRANSFORM(t[sub][i], row[sub]);   // along kx: (G g) G^T
#pragma clang loop unroll(full)
                for (int j = 0; j < WG_ALPHA; j++) {
                    float *dst = u + ((i - first_row) * WG_ALPHA + j) * position_stride + offset;
#pragma clang loop unroll(full)
                    for (int sub = 0; sub < SUBS; sub++) {
                        vf value = scale ? vmul(row[sub][j], s[sub]) : row[sub][j];
                        if (packed == 2) vstream_all(dst + sub * VL, value);
                        else if (packed) vstore_all(dst + sub * VL, value);
                        else if (lanes[sub] > 0) vstore(dst + sub * VL, lanes[sub], masks[sub], value);
                    }
                }
            }
        }
    }
    if (packed == 2) _mm_sfence();                                      // the streamed lines reach memory before the products read them
}

#undef WG_M
#undef WG_ALPHA
#undef WG_INPUT_TRANSFORM
#undef WG_OUTPUT_TRANSFORM
#undef WG_KERNEL_TRANSFORM
#undef WG_INPUT
#undef WG_OUTPUT_TILE
#undef WG_OUTPUT
#undef WG_KERNEL
