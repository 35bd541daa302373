// AVX2+FMA kernels for tl's hot loops; see include/CTensorKernels.h. The same algorithms as
// kernels_avx512.c on 8 lanes and 16 ymm registers: every function carries target("avx2,fma"), so the file
// compiles for the x86-64 baseline and the code runs only where tl_cpu_has_avx2_fma() says. Most x86-64
// machines in use (AMD Zen 1-3, Intel client cores) have AVX2 and FMA but no AVX-512.
#include "CTensorKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define TL_AVX2 __attribute__((target("avx2,fma")))

int tl_cpu_has_avx2_fma(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
}

// MARK: - Lanes

/// A lane mask for the first `lanes` of 8 floats (all lanes past 8, none below 1), as maskload/maskstore
/// take it: the sign bit of each 32-bit lane.
TL_AVX2 static inline __m256i lane_mask(long lanes) {
    long clamped = lanes < 0 ? 0 : (lanes > 8 ? 8 : lanes);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)clamped), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// The first `lanes` floats at p, zero beyond. Whole runs take a plain load: a masked load costs more,
/// and a masked store (below) far more on AMD cores, so masks are kept for the tails.
TL_AVX2 static inline __m256 load_lanes(const float *p, long lanes, __m256i mask) {
    return lanes >= 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, mask);
}

TL_AVX2 static inline void store_lanes(float *p, long lanes, __m256i mask, __m256 v) {
    if (lanes >= 8) _mm256_storeu_ps(p, v);
    else _mm256_maskstore_ps(p, mask, v);
}

/// min(max(v, 0), top): ReLU with a ceiling (INFINITY for plain ReLU). NaN stays NaN: MAXPS and MINPS
/// return their second operand when either is NaN.
TL_AVX2 static inline __m256 clamp_relu(__m256 v, __m256 top) {
    return _mm256_min_ps(top, _mm256_max_ps(_mm256_setzero_ps(), v));
}

// MARK: - Scratch

/// Per-thread scratch as in kernels_avx512.c (B's packed panels, a short panel of A, the depthwise row
/// ring), grown on demand, zeroed when new and kept for the thread's life; separate buffers, so that
/// switching paths in one process is safe.
enum { SCRATCH_PACKED_B, SCRATCH_EDGE_A, SCRATCH_DEPTHWISE_RING, SCRATCH_USES };
static __thread float *scratch[SCRATCH_USES];
static __thread size_t scratch_capacity[SCRATCH_USES];

static float *thread_scratch(int use, size_t floats) {
    if (floats > scratch_capacity[use]) {
        free(scratch[use]);
        scratch[use] = NULL;
        scratch_capacity[use] = 0;
        void *p = NULL;
        if (posix_memalign(&p, 64, floats * sizeof(float)) != 0) return NULL;
        memset(p, 0, floats * sizeof(float));
        scratch[use] = p;
        scratch_capacity[use] = floats;
    }
    return scratch[use];
}

// MARK: - sgemm

// Register tile MR x NR: 12 accumulators, two rows of B and one broadcast of A make 15 of the 16 ymm
// registers. A packed block of B is KC x NC (256 KB): half the L2 of a Zen 2/3 core, all of a Skylake
// client core's, so the panels stay in L2 while each 6-row panel of A streams from L1. Products of at most
// SMALL_M rows read B where it lies.
enum { MR = 6, NR = 16, KC = 256, NC = 256, SMALL_M = 4 * MR };

/// Packs rows [0, kc) of B (columns [0, n)) into panels of NR columns as kernels_avx512.c does, panel j
/// panel_stride floats after panel j - 1; each column multiplied by scale[column] when scale is given.
TL_AVX2 static void pack_b(long kc, long n, const float *b, long ldb, const float *scale, float *panels, long panel_stride) {
    for (long j0 = 0; j0 < n; j0 += NR) {
        float *dst = panels + (j0 / NR) * panel_stride;
        long lanes0 = n - j0, lanes1 = n - j0 - 8;
        __m256i m0 = lane_mask(lanes0), m1 = lane_mask(lanes1);
        const float *src = b + j0;
        __m256 s0 = scale ? load_lanes(scale + j0, lanes0, m0) : _mm256_set1_ps(1);
        __m256 s1 = scale && lanes1 > 0 ? load_lanes(scale + j0 + 8, lanes1, m1) : _mm256_set1_ps(1);
        for (long p = 0; p < kc; p++) {
            __m256 v0 = load_lanes(src, lanes0, m0), v1 = lanes1 > 0 ? load_lanes(src + 8, lanes1, m1) : _mm256_setzero_ps();
            if (scale) { v0 = _mm256_mul_ps(v0, s0); v1 = _mm256_mul_ps(v1, s1); }
            _mm256_storeu_ps(dst, v0);
            _mm256_storeu_ps(dst + 8, v1);
            src += ldb;
            dst += NR;
        }
    }
}

/// Stores one row of the tile: y = act(acc + bias (+ C)), the first `cols` columns.
TL_AVX2 static inline void store_row(float *row, __m256 acc0, __m256 acc1, __m256 bias0, __m256 bias1, int accumulate,
                                     int relu, __m256 top, long cols, __m256i m0, __m256i m1) {
    __m256 y0 = _mm256_add_ps(acc0, bias0), y1 = _mm256_add_ps(acc1, bias1);
    if (accumulate) {
        y0 = _mm256_add_ps(y0, load_lanes(row, cols, m0));
        if (cols > 8) y1 = _mm256_add_ps(y1, load_lanes(row + 8, cols - 8, m1));
    }
    if (relu) { y0 = clamp_relu(y0, top); y1 = clamp_relu(y1, top); }
    store_lanes(row, cols, m0, y0);
    if (cols > 8) store_lanes(row + 8, cols - 8, m1, y1);
}

/// c[0..<rows][0..<cols] (+)= a[0..<MR][0..<kc] * panel, with a's rows lda apart and broadcast one value at
/// a time, the panel kc runs of NR floats `stride` apart. The 12 accumulators stay in registers. C's rows
/// are fetched while the products run, and so are `next_a`, the next panel of A, and `next_b`, the next panel of
/// B read in place (kc runs of NR floats `stride` apart), when given.
TL_AVX2 static inline void micro_kernel(long kc, const float *a, long lda, const float *panel, long stride, float *c,
                                        long ldc, int accumulate, const float *bias, int relu, float ceiling, long rows,
                                        long cols, const float *next_a, const float *next_b) {
    __m256 acc[MR][2];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        acc[r][0] = _mm256_setzero_ps();
        acc[r][1] = _mm256_setzero_ps();
        if (r < rows) _mm_prefetch((const char *)(c + r * ldc), _MM_HINT_T0);
    }
    for (long p = 0; p < kc; p++) {
        if (next_b) {
            const float *row = next_b + p * stride;
            for (int q = 0; q < NR; q += 16) _mm_prefetch((const char *)(row + q), _MM_HINT_T0);
            _mm_prefetch((const char *)(row + NR - 1), _MM_HINT_T0);
        }
        if (next_a && (p & 15) == 0) {
#pragma clang loop unroll(full)
            for (int r = 0; r < MR; r++) _mm_prefetch((const char *)(next_a + r * lda + p), _MM_HINT_T0);
        }
        __m256 b0 = _mm256_loadu_ps(panel), b1 = _mm256_loadu_ps(panel + 8);
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) {
            __m256 x = _mm256_broadcast_ss(a + r * lda + p);
            acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
        }
        panel += stride;
    }
    __m256i m0 = lane_mask(cols), m1 = lane_mask(cols - 8);
    const __m256 zero = _mm256_setzero_ps(), top = _mm256_set1_ps(ceiling);
    __m256 bias0 = bias ? load_lanes(bias, cols, m0) : zero;
    __m256 bias1 = bias && cols > 8 ? load_lanes(bias + 8, cols - 8, m1) : zero;
    if (rows == MR && cols == NR) {
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) store_row(c + r * ldc, acc[r][0], acc[r][1], bias0, bias1, accumulate, relu, top, NR, m0, m1);
        return;
    }
    // Unrolled, so that acc is indexed by constants only (see kernels_avx512.c).
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        if (r < rows) store_row(c + r * ldc, acc[r][0], acc[r][1], bias0, bias1, accumulate, relu, top, cols, m0, m1);
    }
}

#define TL_TARGET TL_AVX2
#define TL_SUFFIX(name) name##_avx2
#include "sgemm_driver.h"

// MARK: - Winograd F(4x4, 3x3) and F(3x3, 3x3)

#define VL 8
typedef __m256 vf;
typedef __m256i vmask;
#define vmask_for(lanes) lane_mask(lanes)
#define vload(p, lanes, mask) load_lanes(p, lanes, mask)
#define vstore(p, lanes, mask, v) store_lanes(p, lanes, mask, v)
#define vstore_all(p, v) _mm256_storeu_ps(p, v)
#define vstream_all(p, v) _mm256_stream_ps(p, v)
#define vzero() _mm256_setzero_ps()
#define vset1(x) _mm256_set1_ps(x)
#define vadd _mm256_add_ps
#define vsub _mm256_sub_ps
#define vmul _mm256_mul_ps
#define vfmadd _mm256_fmadd_ps
#define vfnmadd _mm256_fnmadd_ps
#define vclamp clamp_relu
#define vmax _mm256_max_ps
#include "winograd.h"

// MARK: - Depthwise convolution

/// One output row of one 8-channel block from k zero-padded input rows of 8-float pixels (`rows`), k a
/// compile-time constant after inlining. Four output pixels at a time, so four independent accumulator
/// chains hide the FMA latency; for k = 3 the nine taps stay in registers beside them, for k = 5 they
/// are read from L1 (25 taps do not fit 16 registers).
TL_AVX2 static inline __attribute__((always_inline)) void depthwise_strip_row(
    float *const rows[5], const float *kernel, long kernel_stride, int k, long stride_x,
    long out_width, __m256 b, int relu, float ceiling, float *out, long channels, long lanes, __m256i mask) {
    const __m256 top = _mm256_set1_ps(ceiling);
    __m256 taps[25];
    for (int t = 0; t < k * k; t++) taps[t] = load_lanes(kernel + t * kernel_stride, lanes, mask);
    long ox = 0;
    for (; ox + 4 <= out_width; ox += 4) {
        __m256 a0 = b, a1 = b, a2 = b, a3 = b;
        for (int ky = 0; ky < k; ky++) {
            const float *row = rows[ky] + ox * stride_x * 8;
            for (int kx = 0; kx < k; kx++) {
                __m256 w = taps[ky * k + kx];
                a0 = _mm256_fmadd_ps(_mm256_load_ps(row + kx * 8), w, a0);
                a1 = _mm256_fmadd_ps(_mm256_load_ps(row + (stride_x + kx) * 8), w, a1);
                a2 = _mm256_fmadd_ps(_mm256_load_ps(row + (2 * stride_x + kx) * 8), w, a2);
                a3 = _mm256_fmadd_ps(_mm256_load_ps(row + (3 * stride_x + kx) * 8), w, a3);
            }
        }
        if (relu) {
            a0 = clamp_relu(a0, top);
            a1 = clamp_relu(a1, top);
            a2 = clamp_relu(a2, top);
            a3 = clamp_relu(a3, top);
        }
        store_lanes(out + ox * channels, lanes, mask, a0);
        store_lanes(out + (ox + 1) * channels, lanes, mask, a1);
        store_lanes(out + (ox + 2) * channels, lanes, mask, a2);
        store_lanes(out + (ox + 3) * channels, lanes, mask, a3);
    }
    for (; ox < out_width; ox++) {
        __m256 a = b;
        for (int ky = 0; ky < k; ky++) {
            const float *row = rows[ky] + ox * stride_x * 8;
            for (int kx = 0; kx < k; kx++) a = _mm256_fmadd_ps(_mm256_load_ps(row + kx * 8), taps[ky * k + kx], a);
        }
        if (relu) a = clamp_relu(a, top);
        store_lanes(out + ox * channels, lanes, mask, a);
    }
}

/// Loads input row iy (zero outside the image) into ring slot `row`, by blocks of 8 channels:
/// block cb's pixel px at row + cb * block_floats + px * 8.
TL_AVX2 static void depthwise_load_row(const float *image, long height, long width, long channels, long iy, long pad_left,
                                       long strip_width, long block_floats, float *row) {
    long blocks = (channels + 7) / 8;
    const __m256 zero = _mm256_setzero_ps();
    for (long px = 0; px < strip_width; px++) {
        long ix = px - pad_left;
        int inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
        const float *src = image + (iy * width + ix) * channels;
        for (long cb = 0; cb < blocks; cb++) {
            long lanes = channels - cb * 8;
            __m256 v = inside ? load_lanes(src + cb * 8, lanes, lane_mask(lanes)) : zero;
            _mm256_store_ps(row + cb * block_floats + px * 8, v);
        }
    }
}

/// Square 3x3 and 5x5 kernels: a ring of k input rows, zero-padded, laid out by blocks of 8 channels
/// (block, slot, pixel, 8): slot iy mod k holds input row iy. Each input row is read once, front to back,
/// so the memory traffic is sequential; the sweep of an output row over one block then reads a few KB
/// with no bounds checks.
TL_AVX2 static void depthwise_ring(const float *image, long height, long width, long channels, const float *kernel, long k,
                                   long stride_y, long stride_x, long pad_top, long pad_left, const float *bias, int relu,
                                   float ceiling, float *output, long out_width, long first_row, long end_row) {
    long strip_width = (out_width - 1) * stride_x + k;
    long blocks = (channels + 7) / 8, block_floats = k * strip_width * 8;
    float *strip = thread_scratch(SCRATCH_DEPTHWISE_RING, (size_t)(blocks * block_floats));
    if (strip == NULL) abort();
    long loaded[5];
    for (int slot = 0; slot < 5; slot++) loaded[slot] = LONG_MIN;
    for (long oy = first_row; oy < end_row; oy++) {
        long slots[5];
        for (long ky = 0; ky < k; ky++) {
            long iy = oy * stride_y - pad_top + ky;
            long slot = ((iy % k) + k) % k;
            slots[ky] = slot;
            if (loaded[slot] == iy) continue;
            loaded[slot] = iy;
            depthwise_load_row(image, height, width, channels, iy, pad_left, strip_width, block_floats, strip + slot * strip_width * 8);
        }
        for (long cb = 0; cb < blocks; cb++) {
            long ch = cb * 8, lanes = channels - ch;
            __m256i mask = lane_mask(lanes);
            __m256 b = bias ? load_lanes(bias + ch, lanes, mask) : _mm256_setzero_ps();
            float *rows[5];
            for (long ky = 0; ky < k; ky++) rows[ky] = strip + cb * block_floats + slots[ky] * strip_width * 8;
            float *out = output + oy * out_width * channels + ch;
            if (k == 3) {
                depthwise_strip_row(rows, kernel + ch, channels, 3, stride_x, out_width, b, relu, ceiling, out, channels, lanes, mask);
            } else {
                depthwise_strip_row(rows, kernel + ch, channels, 5, stride_x, out_width, b, relu, ceiling, out, channels, lanes, mask);
            }
        }
    }
}

/// Any other window: taps clipped to the image per output pixel.
TL_AVX2 static void depthwise_general(const float *image, long height, long width, long channels,
                                      const float *kernel, long kernel_height, long kernel_width,
                                      long stride_y, long stride_x, long pad_top, long pad_left,
                                      const float *bias, int relu, float ceiling,
                                      float *output, long out_width, long first_row, long end_row) {
    const __m256 top = _mm256_set1_ps(ceiling);
    for (long oy = first_row; oy < end_row; oy++) {
        long ky0 = pad_top - oy * stride_y;                           // first tap row inside the image
        if (ky0 < 0) ky0 = 0;
        long ky1 = height + pad_top - oy * stride_y;                  // one past the last
        if (ky1 > kernel_height) ky1 = kernel_height;
        for (long ox = 0; ox < out_width; ox++) {
            long kx0 = pad_left - ox * stride_x;
            if (kx0 < 0) kx0 = 0;
            long kx1 = width + pad_left - ox * stride_x;
            if (kx1 > kernel_width) kx1 = kernel_width;
            float *out = output + (oy * out_width + ox) * channels;
            for (long ch = 0; ch < channels; ch += 8) {
                long lanes = channels - ch;
                __m256i mask = lane_mask(lanes);
                __m256 acc = bias ? load_lanes(bias + ch, lanes, mask) : _mm256_setzero_ps();
                for (long ky = ky0; ky < ky1; ky++) {
                    long iy = oy * stride_y - pad_top + ky;
                    const float *src = image + (iy * width + ox * stride_x - pad_left) * channels + ch;
                    const float *tap = kernel + ky * kernel_width * channels + ch;
                    for (long kx = kx0; kx < kx1; kx++) {
                        acc = _mm256_fmadd_ps(load_lanes(src + kx * channels, lanes, mask),
                                              load_lanes(tap + kx * channels, lanes, mask), acc);
                    }
                }
                if (relu) acc = clamp_relu(acc, top);
                store_lanes(out + ch, lanes, mask, acc);
            }
        }
    }
}

TL_AVX2 void tl_depthwise_avx2(const float *image, long height, long width, long channels,
                               const float *kernel, long kernel_height, long kernel_width,
                               long stride_y, long stride_x, long pad_top, long pad_left,
                               const float *bias, int relu, float ceiling,
                               float *output, long out_width, long first_row, long end_row) {
    if (kernel_height == kernel_width && (kernel_height == 3 || kernel_height == 5)) {
        depthwise_ring(image, height, width, channels, kernel, kernel_height, stride_y, stride_x, pad_top, pad_left,
                       bias, relu, ceiling, output, out_width, first_row, end_row);
        return;
    }
    depthwise_general(image, height, width, channels, kernel, kernel_height, kernel_width, stride_y, stride_x,
                      pad_top, pad_left, bias, relu, ceiling, output, out_width, first_row, end_row);
}

// MARK: - Max pooling

TL_AVX2 void tl_max_pool_avx2(const float *image, long height, long width, long channels,
                              long window_height, long window_width, long stride_y, long stride_x,
                              long pad_top, long pad_left, float *output, long out_width, long first_row, long end_row) {
    for (long oy = first_row; oy < end_row; oy++) {
        long y0 = oy * stride_y - pad_top, y1 = y0 + window_height;
        if (y0 < 0) y0 = 0;
        if (y1 > height) y1 = height;
        for (long ox = 0; ox < out_width; ox++) {
            long x0 = ox * stride_x - pad_left, x1 = x0 + window_width;
            if (x0 < 0) x0 = 0;
            if (x1 > width) x1 = width;
            float *out = output + (oy * out_width + ox) * channels;
            for (long ch = 0; ch < channels; ch += 8) {
                long lanes = channels - ch;
                __m256i mask = lane_mask(lanes);
                __m256 best = load_lanes(image + (y0 * width + x0) * channels + ch, lanes, mask);
                for (long iy = y0; iy < y1; iy++) {
                    for (long ix = x0; ix < x1; ix++) {
                        // MAXPS(v, best) is v > best ? v : best: the portable loop's comparison, NaN included.
                        best = _mm256_max_ps(load_lanes(image + (iy * width + ix) * channels + ch, lanes, mask), best);
                    }
                }
                store_lanes(out + ch, lanes, mask, best);
            }
        }
    }
}

// MARK: - Optimizers

TL_AVX2 void tl_rmsprop_avx2(float *weights, const float *gradients, float *velocity, long count,
                             float learning_rate, float rho, float epsilon) {
    // Multiplications and additions kept separate (no FMA), in the order of the portable Swift loop, so
    // every path gives the same bits.
    const __m256 r = _mm256_set1_ps(rho), one_minus_r = _mm256_set1_ps(1 - rho);
    const __m256 lr = _mm256_set1_ps(learning_rate), eps = _mm256_set1_ps(epsilon);
    for (long i = 0; i < count; i += 8) {
        long lanes = count - i;
        __m256i mask = lane_mask(lanes);
        __m256 g = load_lanes(gradients + i, lanes, mask);
        __m256 v = _mm256_add_ps(_mm256_mul_ps(r, load_lanes(velocity + i, lanes, mask)),
                                 _mm256_mul_ps(_mm256_mul_ps(one_minus_r, g), g));
        __m256 step = _mm256_div_ps(_mm256_mul_ps(lr, g), _mm256_sqrt_ps(_mm256_add_ps(v, eps)));
        store_lanes(velocity + i, lanes, mask, v);
        store_lanes(weights + i, lanes, mask, _mm256_sub_ps(load_lanes(weights + i, lanes, mask), step));
    }
}

TL_AVX2 void tl_adam_avx2(float *weights, const float *gradients, float *first_moment, float *second_moment, long count,
                          float step_size, float beta1, float beta2, float epsilon) {
    // As tl_rmsprop_avx2: the portable loop's operations in its order, no FMA, so the bits agree.
    const __m256 b1 = _mm256_set1_ps(beta1), one_minus_b1 = _mm256_set1_ps(1 - beta1);
    const __m256 b2 = _mm256_set1_ps(beta2), one_minus_b2 = _mm256_set1_ps(1 - beta2);
    const __m256 alpha = _mm256_set1_ps(step_size), eps = _mm256_set1_ps(epsilon);
    for (long i = 0; i < count; i += 8) {
        long lanes = count - i;
        __m256i mask = lane_mask(lanes);
        __m256 g = load_lanes(gradients + i, lanes, mask);
        __m256 m = _mm256_add_ps(_mm256_mul_ps(b1, load_lanes(first_moment + i, lanes, mask)), _mm256_mul_ps(one_minus_b1, g));
        __m256 v = _mm256_add_ps(_mm256_mul_ps(b2, load_lanes(second_moment + i, lanes, mask)),
                                 _mm256_mul_ps(_mm256_mul_ps(one_minus_b2, g), g));
        __m256 step = _mm256_div_ps(_mm256_mul_ps(alpha, m), _mm256_add_ps(_mm256_sqrt_ps(v), eps));
        store_lanes(first_moment + i, lanes, mask, m);
        store_lanes(second_moment + i, lanes, mask, v);
        store_lanes(weights + i, lanes, mask, _mm256_sub_ps(load_lanes(weights + i, lanes, mask), step));
    }
}

// MARK: - Element-wise arithmetic

TL_AVX2 void tl_add_clamp_avx2(float *y, const float *x, long count, float ceiling) {
    const __m256 top = _mm256_set1_ps(ceiling);
    long whole = count / 8 * 8;
    for (long i = 0; i < whole; i += 8) {
        _mm256_storeu_ps(y + i, clamp_relu(_mm256_add_ps(_mm256_loadu_ps(y + i), _mm256_loadu_ps(x + i)), top));
    }
    for (long i = whole; i < count; i++) {
        float v = y[i] + x[i];
        y[i] = v < 0 ? 0 : (v > ceiling ? ceiling : v);
    }
}

TL_AVX2 void tl_elementwise_avx2(int operation, const float *a, const float *b, long b_step, float *y, long count) {
    // One operation per element, as the portable loop does: the bits agree on every path.
    for (long i = 0; i < count; i += 8) {
        long lanes = count - i;
        __m256i mask = lane_mask(lanes);
        __m256 x = load_lanes(a + i, lanes, mask);
        __m256 z = b_step ? load_lanes(b + i, lanes, mask) : _mm256_set1_ps(b[0]);
        __m256 r = operation == TL_ELEMENTWISE_ADD ? _mm256_add_ps(x, z)
                 : operation == TL_ELEMENTWISE_SUBTRACT ? _mm256_sub_ps(x, z)
                 : operation == TL_ELEMENTWISE_MULTIPLY ? _mm256_mul_ps(x, z) : _mm256_div_ps(x, z);
        store_lanes(y + i, lanes, mask, r);
    }
}

#endif
