#ifndef CTENSOR_KERNELS_H
#define CTENSOR_KERNELS_H

/*
 * Hot loops written for AVX-512 and for AVX2+FMA, chosen at run time.
 *
 * Swift compiles tl for the x86-64 baseline (SSE2), so its vector code is 4 floats wide. These C
 * functions, compiled with per-function target attributes, work on 16 floats at a time (the _avx512
 * family, kernels_avx512.c) or 8 (the _avx2 family, kernels_avx2.c, same contracts), while the same
 * binary still runs on every x86-64: callers ask tl_cpu_has_avx512() / tl_cpu_has_avx2_fma() first and
 * otherwise use their Swift/OpenBLAS paths. Every function here is single-threaded; callers split the
 * work across cores.
 *
 * Only x86-64 has them: elsewhere (aarch64) this header declares just the memory functions, so that a
 * call to an x86 kernel cannot even compile there (Swift guards its calls with #if arch(x86_64)).
 */

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__x86_64__)

/** 1 when the processor (and the OS, which must save the zmm registers) supports AVX-512F. */
int tl_cpu_has_avx512(void);

/** 1 when the processor (and the OS, which must save the ymm registers) supports AVX2 and FMA3. */
int tl_cpu_has_avx2_fma(void);

/**
 * Row-major C = act(A B + bias) (accumulate = 0) or C = act(C + A B + bias) (accumulate = 1), A m x k
 * (row stride lda), B k x n (ldb), C m x n (ldc), bias n floats or NULL. act(y) = min(max(y, 0), ceiling)
 * when relu != 0 (ceiling INFINITY for ReLU, 6 for ReLU6; NaN passes through), identity otherwise.
 * Requires tl_cpu_has_avx512().
 *
 * Blocked as BLIS does: a 256 x 512 block of B is packed into panels of 32 columns that stay in L2,
 * each 12-row panel of A is read from L1 across them, and a 12 x 32 micro-kernel keeps its 24
 * accumulators in zmm registers. Products of at most 24 rows read B in place (packing would copy all of
 * it for one or two reads of each panel), with the same sums in the same order. The scratch is per
 * thread and reused across calls.
 */
void tl_sgemm_nn_avx512(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                        float *c, long ldc, int accumulate, const float *bias, int relu, float ceiling);

/**
 * B laid out once for many products with different A (a layer's weights against every block of rows):
 * tl_sgemm_packed_b_floats_avx512(n, k) floats hold a k x n B packed; tl_sgemm_pack_b_avx512 packs rows
 * [first_row, first_row + rows) of it (b points at row first_row, row stride ldb), so B may be packed in
 * pieces, each column j multiplied by column_scale[j] when it is not NULL (a batch normalisation folded
 * into the convolution before it); tl_sgemm_nn_packed_avx512 is tl_sgemm_nn_avx512 with that packed B. Requires tl_cpu_has_avx512().
 */
long tl_sgemm_packed_b_floats_avx512(long n, long k);
void tl_sgemm_pack_b_avx512(long n, long k, long first_row, long rows, const float *b, long ldb,
                            const float *column_scale, float *packed);
void tl_sgemm_nn_packed_avx512(long m, long n, long k, const float *a, long lda, const float *packed,
                               float *c, long ldc, int accumulate, const float *bias, int relu, float ceiling);

/**
 * Winograd F(4x4, 3x3) input transform of one tile: V[p][ch] = (B^T d B)[p] for every channel ch < C,
 * where d is the 6x6 patch of the NHWC image `image` (H x W x C) whose top-left corner is (y0, x0),
 * zero outside the image. Position p's value for channel ch goes to v[p * position_stride + ch].
 * Requires tl_cpu_has_avx512().
 */
void tl_winograd_f4_input_avx512(const float *image, long height, long width, long channels,
                                 long y0, long x0, float *v, long position_stride);

/**
 * Winograd F(4x4, 3x3) output transform of one tile: y = act(bias + A^T M A) for every filter f < F,
 * M[p][f] read from mt[p * position_stride + f]; writes the rows oy0..oy0+3 and columns ox0..ox0+3 of
 * the NHWC output `output` (out_height x out_width x F) that exist. bias may be NULL; relu != 0 clamps
 * to [0, ceiling]. Requires tl_cpu_has_avx512().
 */
void tl_winograd_f4_output_avx512(const float *mt, long position_stride, long filters,
                                  const float *bias, int relu, float ceiling, float *output,
                                  long out_height, long out_width, long oy0, long ox0);

/**
 * tl_winograd_f4_output_avx512 followed by 2x2 max pooling at stride 2 (no padding): the tile's 4x4
 * outputs (oy0, ox0 multiples of 4) become the pooled values at (oy0/2 + 0..1, ox0/2 + 0..1) of `pooled`
 * (pooled_height x pooled_width x F), those that exist. The full-size output is never written.
 * Requires tl_cpu_has_avx512().
 */
void tl_winograd_f4_output_pool_avx512(const float *mt, long position_stride, long filters,
                                       const float *bias, int relu, float ceiling, float *pooled,
                                       long pooled_height, long pooled_width, long oy0, long ox0);

/**
 * Winograd F(4x4, 3x3) kernel transform of input channels [first_channel, end_channel) and of the positions
 * p = i * 6 + j in rows i of [first_row, end_row) (all: 0, 6): for the HWIO kernel (3, 3, C, F),
 * U[p][c][f] = (G g_{c,f} G^T)[p] (times scale[f] when scale is not NULL) goes to
 * u[(p - first_row * 6) * position_stride + c * F + f], or, when packed != 0, to where tl_sgemm_pack_b_avx512 would put
 * element (c, f) of the C x F matrix U[p] packed from u + p * position_stride (the padding columns zero);
 * packed == 2 does the same with streaming stores (past the caches; u 64-byte aligned, position_stride a
 * multiple of 16). Requires tl_cpu_has_avx512().
 */
void tl_winograd_f4_kernel_avx512(const float *kernel, long channels, long filters, long first_channel,
                                  long end_channel, long first_row, long end_row, float *u, long position_stride,
                                  int packed, const float *scale);

/**
 * Winograd F(3x3, 3x3) (5x5 tiles; winograd_f3.h gives the matrices): tl_winograd_f3_input_avx512,
 * tl_winograd_f3_output_avx512 and tl_winograd_f3_kernel_avx512 are the F(4x4) functions' contracts with 5x5
 * patches, 3x3 output tiles and 25 positions. For the kernel gradient of a 3x3 stride-1 convolution:
 * tl_winograd_f3_gradient_tile_avx512 transforms the 3x3 patch of dY (out_height x out_width x F, NHWC)
 * whose top-left corner is (oy0, ox0), zero past the map's edge, as a kernel: U[p][f] = (G g G^T)[p] to
 * u[p * position_stride + f]; tl_winograd_f3_weight_output_avx512 adds (A^T M A)[a][b] to
 * dw[(a * 3 + b) * tap_stride + i] for i < count, M[p] read from mt[p * position_stride + i].
 * Require tl_cpu_has_avx512().
 */
void tl_winograd_f3_input_avx512(const float *image, long height, long width, long channels,
                                 long y0, long x0, float *v, long position_stride);
void tl_winograd_f3_output_avx512(const float *mt, long position_stride, long filters,
                                  const float *bias, int relu, float ceiling, float *output,
                                  long out_height, long out_width, long oy0, long ox0);
void tl_winograd_f3_kernel_avx512(const float *kernel, long channels, long filters, long first_channel,
                                  long end_channel, long first_row, long end_row, float *u, long position_stride,
                                  int packed, const float *scale);
/**
 * Winograd F(6x6, 3x3) (8x8 tiles; winograd_f6.h gives the matrices): the F(4x4) functions' contracts with
 * 8x8 patches, 6x6 output tiles (oy0, ox0 multiples of 6; pooled, 3x3 values at oy0/2, ox0/2) and 64 positions.
 * Require tl_cpu_has_avx512().
 */
void tl_winograd_f6_input_avx512(const float *image, long height, long width, long channels,
                                 long y0, long x0, float *v, long position_stride);
void tl_winograd_f6_output_avx512(const float *mt, long position_stride, long filters,
                                  const float *bias, int relu, float ceiling, float *output,
                                  long out_height, long out_width, long oy0, long ox0);
void tl_winograd_f6_output_pool_avx512(const float *mt, long position_stride, long filters,
                                       const float *bias, int relu, float ceiling, float *pooled,
                                       long pooled_height, long pooled_width, long oy0, long ox0);
void tl_winograd_f6_kernel_avx512(const float *kernel, long channels, long filters, long first_channel,
                                  long end_channel, long first_row, long end_row, float *u, long position_stride,
                                  int packed, const float *scale);
void tl_winograd_f3_gradient_tile_avx512(const float *dy, long out_height, long out_width, long filters,
                                         long oy0, long ox0, float *u, long position_stride);
void tl_winograd_f3_weight_output_avx512(const float *mt, long position_stride, long count, float *dw, long tap_stride);

/**
 * Depthwise convolution (depth multiplier 1) of output rows [first_row, end_row) of one NHWC image:
 * out[oy][ox][c] = act(bias[c] + sum_{ky,kx} image[oy*sy - pad_top + ky][ox*sx - pad_left + kx][c]
 * * kernel[ky][kx][c]), taps outside the image skipped, act as in tl_sgemm_nn_avx512. bias may be NULL.
 * Requires tl_cpu_has_avx512().
 */
void tl_depthwise_avx512(const float *image, long height, long width, long channels,
                         const float *kernel, long kernel_height, long kernel_width,
                         long stride_y, long stride_x, long pad_top, long pad_left,
                         const float *bias, int relu, float ceiling,
                         float *output, long out_width, long first_row, long end_row);

/**
 * Max pooling of output rows [first_row, end_row) of one NHWC image: out[oy][ox][c] = the maximum of
 * image[iy][ix][c] over the window at (oy*sy - pad_top, ox*sx - pad_left) clipped to the image (padded
 * positions never win, as in TensorFlow), compared as the portable loop does (v > best). No argmax: for
 * inference. Requires tl_cpu_has_avx512().
 */
void tl_max_pool_avx512(const float *image, long height, long width, long channels,
                        long window_height, long window_width, long stride_y, long stride_x,
                        long pad_top, long pad_left, float *output, long out_width, long first_row, long end_row);

/**
 * One RMSprop step over `count` weights (Keras 3): v = rho v + (1 - rho) g^2, w -= lr g / sqrt(v + epsilon),
 * with the same operations, in the same order, as the portable loop. Requires tl_cpu_has_avx512().
 */
void tl_rmsprop_avx512(float *weights, const float *gradients, float *velocity, long count,
                       float learning_rate, float rho, float epsilon);

/**
 * One Keras 3 Adam step over `count` weights: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
 * w -= step_size m / (sqrt(v) + epsilon), step_size = lr sqrt(1 - b2^t) / (1 - b1^t) computed by the
 * caller; the portable loop's operations in its order. Requires tl_cpu_has_avx512().
 */
void tl_adam_avx512(float *weights, const float *gradients, float *first_moment, float *second_moment, long count,
                    float step_size, float beta1, float beta2, float epsilon);

/** The operations of tl_elementwise_avx512. */
enum { TL_ELEMENTWISE_ADD = 0, TL_ELEMENTWISE_SUBTRACT = 1, TL_ELEMENTWISE_MULTIPLY = 2, TL_ELEMENTWISE_DIVIDE = 3 };

/**
 * y[i] = a[i] op b[i * b_step] for i < count, op one of TL_ELEMENTWISE_ADD, _SUBTRACT, _MULTIPLY, _DIVIDE; b_step is
 * 1 (b walks with a) or 0 (b[0] for every element). y may be a (in place). One IEEE operation per element,
 * so the result equals the portable loop's bit for bit. Requires tl_cpu_has_avx512().
 */
void tl_elementwise_avx512(int operation, const float *a, const float *b, long b_step, float *y, long count);

/**
 * y[i] = min(max(y[i] + x[i], 0), ceiling) for i < count: a residual sum and the ReLU after it in one pass
 * (NaN passes through, as in the sgemm epilogue). Requires tl_cpu_has_avx512().
 */
void tl_add_clamp_avx512(float *y, const float *x, long count, float ceiling);

/*
 * The AVX2+FMA family: the contracts of the _avx512 functions above, on 8 lanes (sgemm with a 6 x 16
 * register tile and 256 x 256 blocks of B). Each requires tl_cpu_has_avx2_fma().
 */
void tl_sgemm_nn_avx2(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                      float *c, long ldc, int accumulate, const float *bias, int relu, float ceiling);
long tl_sgemm_packed_b_floats_avx2(long n, long k);
void tl_sgemm_pack_b_avx2(long n, long k, long first_row, long rows, const float *b, long ldb,
                          const float *column_scale, float *packed);
void tl_sgemm_nn_packed_avx2(long m, long n, long k, const float *a, long lda, const float *packed,
                             float *c, long ldc, int accumulate, const float *bias, int relu, float ceiling);
void tl_winograd_f4_input_avx2(const float *image, long height, long width, long channels,
                               long y0, long x0, float *v, long position_stride);
void tl_winograd_f4_output_avx2(const float *mt, long position_stride, long filters,
                                const float *bias, int relu, float ceiling, float *output,
                                long out_height, long out_width, long oy0, long ox0);
void tl_winograd_f4_output_pool_avx2(const float *mt, long position_stride, long filters,
                                     const float *bias, int relu, float ceiling, float *pooled,
                                     long pooled_height, long pooled_width, long oy0, long ox0);
void tl_winograd_f4_kernel_avx2(const float *kernel, long channels, long filters, long first_channel,
                                long end_channel, long first_row, long end_row, float *u, long position_stride,
                                int packed, const float *scale);
void tl_winograd_f3_input_avx2(const float *image, long height, long width, long channels,
                               long y0, long x0, float *v, long position_stride);
void tl_winograd_f3_output_avx2(const float *mt, long position_stride, long filters,
                                const float *bias, int relu, float ceiling, float *output,
                                long out_height, long out_width, long oy0, long ox0);
void tl_winograd_f3_kernel_avx2(const float *kernel, long channels, long filters, long first_channel,
                                long end_channel, long first_row, long end_row, float *u, long position_stride,
                                int packed, const float *scale);
void tl_winograd_f6_input_avx2(const float *image, long height, long width, long channels,
                               long y0, long x0, float *v, long position_stride);
void tl_winograd_f6_output_avx2(const float *mt, long position_stride, long filters,
                                const float *bias, int relu, float ceiling, float *output,
                                long out_height, long out_width, long oy0, long ox0);
void tl_winograd_f6_output_pool_avx2(const float *mt, long position_stride, long filters,
                                     const float *bias, int relu, float ceiling, float *pooled,
                                     long pooled_height, long pooled_width, long oy0, long ox0);
void tl_winograd_f6_kernel_avx2(const float *kernel, long channels, long filters, long first_channel,
                                long end_channel, long first_row, long end_row, float *u, long position_stride,
                                int packed, const float *scale);
void tl_winograd_f3_gradient_tile_avx2(const float *dy, long out_height, long out_width, long filters,
                                       long oy0, long ox0, float *u, long position_stride);
void tl_winograd_f3_weight_output_avx2(const float *mt, long position_stride, long count, float *dw, long tap_stride);
void tl_depthwise_avx2(const float *image, long height, long width, long channels,
                       const float *kernel, long kernel_height, long kernel_width,
                       long stride_y, long stride_x, long pad_top, long pad_left,
                       const float *bias, int relu, float ceiling,
                       float *output, long out_width, long first_row, long end_row);
void tl_max_pool_avx2(const float *image, long height, long width, long channels,
                      long window_height, long window_width, long stride_y, long stride_x,
                      long pad_top, long pad_left, float *output, long out_width, long first_row, long end_row);
void tl_rmsprop_avx2(float *weights, const float *gradients, float *velocity, long count,
                     float learning_rate, float rho, float epsilon);
void tl_adam_avx2(float *weights, const float *gradients, float *first_moment, float *second_moment, long count,
                  float step_size, float beta1, float beta2, float epsilon);
void tl_elementwise_avx2(int operation, const float *a, const float *b, long b_step, float *y, long count);
void tl_add_clamp_avx2(float *y, const float *x, long count, float ceiling);

#endif /* __x86_64__ */

/**
 * Serves large allocations from the heap instead of one mmap each, and never trims the heap: freed
 * activation memory is then reused by the next batch rather than unmapped and faulted in again.
 * A no-op outside glibc.
 */
void tl_keep_freed_memory(void);

/** Returns the heap's free memory to the system (malloc_trim). A no-op outside glibc. */
void tl_release_freed_memory(void);

/*
 * Weight-gradient products and optimizer steps fused with them (kernels_update.c).
 *
 * G = A^T B with A k x m (row stride lda) and B k x n (ldb): a Dense layer's weight gradient X^T dZ over a
 * batch of k rows. Each element is summed over p = 0..k-1 in that order by FMA starting from zero, then zero
 * is added (so -0 becomes +0): for k <= 256 the bits tl_sgemm_nn_* gives for the transposed A accumulated into
 * zeros. The functions cover rows [first_row, end_row) of G (columns of A), so callers split the rows over the
 * cores; C and the optimizer's slots are m x n with row stride ldc (ldw). tl_rmsprop_product_* and
 * tl_adam_product_* apply tl_rmsprop_* and tl_adam_* (the same operations in the same order, so the same bits)
 * to each tile of G as it is formed, which is never stored.
 */
#if defined(__x86_64__)

/** C = G (accumulate = 0) or C = G + C (accumulate = 1) on rows [first_row, end_row). Requires tl_cpu_has_avx512(). */
void tl_transposed_product_avx512(long first_row, long end_row, long n, long k, const float *a, long lda,
                                  const float *b, long ldb, float *c, long ldc, int accumulate);

/** tl_rmsprop_avx512 with gradients G, on rows [first_row, end_row) of the weights. Requires tl_cpu_has_avx512(). */
void tl_rmsprop_product_avx512(long first_row, long end_row, long n, long k, const float *a, long lda,
                               const float *b, long ldb, float *weights, float *velocity, long ldw,
                               float learning_rate, float rho, float epsilon);

/** tl_adam_avx512 with gradients G, on rows [first_row, end_row) of the weights. Requires tl_cpu_has_avx512(). */
void tl_adam_product_avx512(long first_row, long end_row, long n, long k, const float *a, long lda,
                            const float *b, long ldb, float *weights, float *first_moment, float *second_moment,
                            long ldw, float step_size, float beta1, float beta2, float epsilon);

/** The same contracts on 8 lanes. Each requires tl_cpu_has_avx2_fma(). */
void tl_transposed_product_avx2(long first_row, long end_row, long n, long k, const float *a, long lda,
                                const float *b, long ldb, float *c, long ldc, int accumulate);
void tl_rmsprop_product_avx2(long first_row, long end_row, long n, long k, const float *a, long lda,
                             const float *b, long ldb, float *weights, float *velocity, long ldw,
                             float learning_rate, float rho, float epsilon);
void tl_adam_product_avx2(long first_row, long end_row, long n, long k, const float *a, long lda,
                          const float *b, long ldb, float *weights, float *first_moment, float *second_moment,
                          long ldw, float step_size, float beta1, float beta2, float epsilon);

#endif /* __x86_64__ */

#ifdef __cplusplus
}
#endif

#endif
