// AVX-512 kernels for tl's hot loops; see include/CTensorKernels.h. Each function carries its own target
// attribute, so the file compiles for the baseline and the code runs only where tl_cpu_has_avx512() says.
#include "CTensorKernels.h"

// x86-64 only: elsewhere (aarch64) the header declares none of these and Swift takes the portable path.
#if defined(__x86_64__)

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>

#define TL_AVX512 __attribute__((target("avx512f")))

int tl_cpu_has_avx512(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
}

// MARK: - sgemm

// Register tile MR x NR; a packed block of B is KC x NC (512 KB, half of a core's L2). Products of at most
// SMALL_M rows read B where it lies: packing would copy all of B to use each panel once or twice.
enum { MR = 12, NR = 32, KC = 256, NC = 512, SMALL_M = 2 * MR };

/// Per-thread scratch, one buffer per use (B's packed panels, a short panel of A, the depthwise row ring),
/// grown on demand and kept for the thread's life: the workers are long-lived and call these kernels
/// thousands of times. New buffers are zeroed, so rows past a short panel's end hold finite values.
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

static inline __mmask16 lane_mask(long lanes) {
    return lanes >= 16 ? (__mmask16)0xFFFF : (lanes <= 0 ? (__mmask16)0 : (__mmask16)((1u << lanes) - 1));
}

/// min(max(v, 0), top): ReLU with a ceiling (INFINITY for plain ReLU). NaN stays NaN: MAXPS and MINPS
/// return their second operand when either is NaN.
TL_AVX512 static inline __m512 clamp_relu(__m512 v, __m512 top) {
    return _mm512_min_ps(top, _mm512_max_ps(_mm512_setzero_ps(), v));
}

/// Packs rows [0, kc) of B (columns [0, n)) into panels of NR columns: panel j holds kc runs of NR floats,
/// zero beyond column n, and starts panel_stride floats after panel j - 1 (NR * kc when whole; a block's
/// when only some of its rows are packed); each column multiplied by scale[column] when scale is given.
TL_AVX512 static void pack_b(long kc, long n, const float *b, long ldb, const float *scale, float *panels, long panel_stride) {
    for (long j0 = 0; j0 < n; j0 += NR) {
        float *dst = panels + (j0 / NR) * panel_stride;
        __mmask16 m0 = lane_mask(n - j0), m1 = lane_mask(n - j0 - 16);
        const float *src = b + j0;
        __m512 s0 = scale ? _mm512_maskz_loadu_ps(m0, scale + j0) : _mm512_set1_ps(1);
        __m512 s1 = scale ? _mm512_maskz_loadu_ps(m1, scale + j0 + 16) : _mm512_set1_ps(1);
        for (long p = 0; p < kc; p++) {
            __m512 v0 = _mm512_maskz_loadu_ps(m0, src), v1 = _mm512_maskz_loadu_ps(m1, src + 16);
            if (scale) { v0 = _mm512_mul_ps(v0, s0); v1 = _mm512_mul_ps(v1, s1); }
            _mm512_storeu_ps(dst, v0);
            _mm512_storeu_ps(dst + 16, v1);
            src += ldb;
            dst += NR;
        }
    }
}

/// c[0..<rows][0..<cols] (+)= a[0..<MR][0..<kc] * panel, with a's rows lda apart and broadcast one value at
/// a time, the panel kc runs of NR floats `stride` apart. The 24 accumulators stay in registers. C's rows
/// are fetched while the products run, and so are `next_a`, the next panel of A, and `next_b`, the next panel of
/// B read in place (kc runs of NR floats `stride` apart), when given.
TL_AVX512 static inline void micro_kernel(long kc, const float *a, long lda, const float *panel, long stride, float *c,
                                          long ldc, int accumulate, const float *bias, int relu, float ceiling, long rows,
                                          long cols, const float *next_a, const float *next_b) {
    __m512 acc[MR][2];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        acc[r][0] = _mm512_setzero_ps();
        acc[r][1] = _mm512_setzero_ps();
        if (r < rows) {
            _mm_prefetch((const char *)(c + r * ldc), _MM_HINT_T0);
            _mm_prefetch((const char *)(c + r * ldc + 16), _MM_HINT_T0);
        }
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
        __m512 b0 = _mm512_loadu_ps(panel), b1 = _mm512_loadu_ps(panel + 16);
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) {
            __m512 x = _mm512_set1_ps(a[r * lda + p]);
            acc[r][0] = _mm512_fmadd_ps(x, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(x, b1, acc[r][1]);
        }
        panel += stride;
    }
    __mmask16 m0 = lane_mask(cols), m1 = lane_mask(cols - 16);
    const __m512 zero = _mm512_setzero_ps(), top = _mm512_set1_ps(ceiling);
    __m512 bias0 = bias ? _mm512_maskz_loadu_ps(m0, bias) : zero, bias1 = bias ? _mm512_maskz_loadu_ps(m1, bias + 16) : zero;
    if (rows == MR && cols == NR) {
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) {
            float *row = c + r * ldc;
            __m512 y0 = _mm512_add_ps(acc[r][0], bias0), y1 = _mm512_add_ps(acc[r][1], bias1);
            if (accumulate) {
                y0 = _mm512_add_ps(y0, _mm512_loadu_ps(row));
                y1 = _mm512_add_ps(y1, _mm512_loadu_ps(row + 16));
            }
            if (relu) { y0 = clamp_relu(y0, top); y1 = clamp_relu(y1, top); }
            _mm512_storeu_ps(row, y0);
            _mm512_storeu_ps(row + 16, y1);
        }
        return;
    }
    // Unrolled like the loops above, so that acc is indexed by constants only: a variable index would make
    // the compiler keep the accumulators in memory (zeroed by a memset on every call).
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        if (r >= rows) continue;
        float *row = c + r * ldc;
        __m512 y0 = _mm512_add_ps(acc[r][0], bias0), y1 = _mm512_add_ps(acc[r][1], bias1);
        if (accumulate) {
            y0 = _mm512_add_ps(y0, _mm512_maskz_loadu_ps(m0, row));
            y1 = _mm512_add_ps(y1, _mm512_maskz_loadu_ps(m1, row + 16));
        }
        if (relu) { y0 = clamp_relu(y0, top); y1 = clamp_relu(y1, top); }
        _mm512_mask_storeu_ps(row, m0, y0);
        _mm512_mask_storeu_ps(row + 16, m1, y1);
    }
}

#define TL_TARGET TL_AVX512
#define TL_SUFFIX(name) name##_avx512
#include "sgemm_driver.h"

// MARK: - Winograd F(4x4, 3x3) and F(3x3, 3x3)

#define VL 16
typedef __m512 vf;
typedef __mmask16 vmask;
#define vmask_for(lanes) lane_mask(lanes)
#define vload(p, lanes, mask) _mm512_maskz_loadu_ps(mask, p)
#define vstore(p, lanes, mask, v) _mm512_mask_storeu_ps(p, mask, v)
#define vstore_all(p, v) _mm512_storeu_ps(p, v)
#define vstream_all(p, v) _mm512_stream_ps(p, v)
#define vzero() _mm512_setzero_ps()
#define vset1(x) _mm512_set1_ps(x)
#define vadd _mm512_add_ps
#define vsub _mm512_sub_ps
#define vmul _mm512_mul_ps
#define vfmadd _mm512_fmadd_ps
#define vfnmadd _mm512_fnmadd_ps
#define vclamp clamp_relu
#define vmax _mm512_max_ps
#include "winograd.h"

// MARK: - Depthwise convolution

/// One output row of one 16-channel block from k zero-padded input rows of 16-float pixels (`rows`), k a
/// compile-time constant after inlining. Four output pixels at a time, so four independent
/// accumulator chains hide the FMA latency.
TL_AVX512 static inline __attribute__((always_inline)) void depthwise_strip_row(
    float *const rows[5], const float *kernel, long kernel_stride, int k, long stride_x,
    long out_width, __m512 b, int relu, float ceiling, float *out, long channels, __mmask16 mask) {
    const __m512 top = _mm512_set1_ps(ceiling);
    __m512 taps[25];
    for (int t = 0; t < k * k; t++) taps[t] = _mm512_maskz_loadu_ps(mask, kernel + t * kernel_stride);
    long ox = 0;
    for (; ox + 4 <= out_width; ox += 4) {
        __m512 a0 = b, a1 = b, a2 = b, a3 = b;
        for (int ky = 0; ky < k; ky++) {
            const float *row = rows[ky] + ox * stride_x * 16;
            for (int kx = 0; kx < k; kx++) {
                __m512 w = taps[ky * k + kx];
                a0 = _mm512_fmadd_ps(_mm512_load_ps(row + kx * 16), w, a0);
                a1 = _mm512_fmadd_ps(_mm512_load_ps(row + (stride_x + kx) * 16), w, a1);
                a2 = _mm512_fmadd_ps(_mm512_load_ps(row + (2 * stride_x + kx) * 16), w, a2);
                a3 = _mm512_fmadd_ps(_mm512_load_ps(row + (3 * stride_x + kx) * 16), w, a3);
            }
        }
        if (relu) {
            a0 = clamp_relu(a0, top);
            a1 = clamp_relu(a1, top);
            a2 = clamp_relu(a2, top);
            a3 = clamp_relu(a3, top);
        }
        _mm512_mask_storeu_ps(out + ox * channels, mask, a0);
        _mm512_mask_storeu_ps(out + (ox + 1) * channels, mask, a1);
        _mm512_mask_storeu_ps(out + (ox + 2) * channels, mask, a2);
        _mm512_mask_storeu_ps(out + (ox + 3) * channels, mask, a3);
    }
    for (; ox < out_width; ox++) {
        __m512 a = b;
        for (int ky = 0; ky < k; ky++) {
            const float *row = rows[ky] + ox * stride_x * 16;
            for (int kx = 0; kx < k; kx++) a = _mm512_fmadd_ps(_mm512_load_ps(row + kx * 16), taps[ky * k + kx], a);
        }
        if (relu) a = clamp_relu(a, top);
        _mm512_mask_storeu_ps(out + ox * channels, mask, a);
    }
}

/// Loads input row iy (zero outside the image) into ring slot `row`, by blocks of 16 channels:
/// block cb's pixel px at row + cb * block_floats + px * 16.
TL_AVX512 static void depthwise_load_row(const float *image, long height, long width, long channels, long iy, long pad_left,
                                         long strip_width, long block_floats, float *row) {
    long blocks = (channels + 15) / 16;
    const __m512 zero = _mm512_setzero_ps();
    for (long px = 0; px < strip_width; px++) {
        long ix = px - pad_left;
        int inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
        const float *src = image + (iy * width + ix) * channels;
        for (long cb = 0; cb < blocks; cb++) {
            __m512 v = inside ? _mm512_maskz_loadu_ps(lane_mask(channels - cb * 16), src + cb * 16) : zero;
            _mm512_store_ps(row + cb * block_floats + px * 16, v);
        }
    }
}

/// Square 3x3 and 5x5 kernels: a ring of k input rows, zero-padded, laid out by blocks of 16 channels
/// (block, slot, pixel, 16): slot iy mod k holds input row iy. Each input row is read once, front to back (at
/// stride 1), so the memory traffic is sequential; the sweep of an output row over one block then reads a
/// few KB with no bounds checks.
TL_AVX512 static void depthwise_ring(const float *image, long height, long width, long channels, const float *kernel, long k,
                                     long stride_y, long stride_x, long pad_top, long pad_left, const float *bias, int relu,
                                     float ceiling, float *output, long out_width, long first_row, long end_row) {
    long strip_width = (out_width - 1) * stride_x + k;
    long blocks = (channels + 15) / 16, block_floats = k * strip_width * 16;
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
            depthwise_load_row(image, height, width, channels, iy, pad_left, strip_width, block_floats, strip + slot * strip_width * 16);
        }
        for (long cb = 0; cb < blocks; cb++) {
            long ch = cb * 16;
            __mmask16 mask = lane_mask(channels - ch);
            __m512 b = bias ? _mm512_maskz_loadu_ps(mask, bias + ch) : _mm512_setzero_ps();
            float *rows[5];
            for (long ky = 0; ky < k; ky++) rows[ky] = strip + cb * block_floats + slots[ky] * strip_width * 16;
            float *out = output + oy * out_width * channels + ch;
            if (k == 3) {
                depthwise_strip_row(rows, kernel + ch, channels, 3, stride_x, out_width, b, relu, ceiling, out, channels, mask);
            } else {
                depthwise_strip_row(rows, kernel + ch, channels, 5, stride_x, out_width, b, relu, ceiling, out, channels, mask);
            }
        }
    }
}

/// Any other window: taps clipped to the image per output pixel.
TL_AVX512 static void depthwise_general(const float *image, long height, long width, long channels,
                                        const float *kernel, long kernel_height, long kernel_width,
                                        long stride_y, long stride_x, long pad_top, long pad_left,
                                        const float *bias, int relu, float ceiling,
                                        float *output, long out_width, long first_row, long end_row) {
    const __m512 zero = _mm512_setzero_ps(), top = _mm512_set1_ps(ceiling);
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
            for (long ch = 0; ch < channels; ch += 16) {
                __mmask16 mask = lane_mask(channels - ch);
                __m512 acc = bias ? _mm512_maskz_loadu_ps(mask, bias + ch) : zero;
                for (long ky = ky0; ky < ky1; ky++) {
                    long iy = oy * stride_y - pad_top + ky;
                    const float *src = image + (iy * width + ox * stride_x - pad_left) * channels + ch;
                    const float *tap = kernel + ky * kernel_width * channels + ch;
                    for (long kx = kx0; kx < kx1; kx++) {
                        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, src + kx * channels),
                                              _mm512_maskz_loadu_ps(mask, tap + kx * channels), acc);
                    }
                }
                if (relu) acc = clamp_relu(acc, top);
                _mm512_mask_storeu_ps(out + ch, mask, acc);
            }
        }
    }
}

TL_AVX512 void tl_depthwise_avx512(const float *image, long height, long width, long channels,
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

TL_AVX512 void tl_max_pool_avx512(const float *image, long height, long width, long channels,
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
            for (long ch = 0; ch < channels; ch += 16) {
                __mmask16 mask = lane_mask(channels - ch);
                __m512 best = _mm512_maskz_loadu_ps(mask, image + (y0 * width + x0) * channels + ch);
                for (long iy = y0; iy < y1; iy++) {
                    for (long ix = x0; ix < x1; ix++) {
                        // MAXPS(v, best) is v > best ? v : best: the portable loop's comparison, NaN included.
                        best = _mm512_max_ps(_mm512_maskz_loadu_ps(mask, image + (iy * width + ix) * channels + ch), best);
                    }
                }
                _mm512_mask_storeu_ps(out + ch, mask, best);
            }
        }
    }
}

// MARK: - Optimizers

TL_AVX512 void tl_rmsprop_avx512(float *weights, const float *gradients, float *velocity, long count,
                                 float learning_rate, float rho, float epsilon) {
    // Multiplications and additions kept separate (no FMA), in the order of the portable Swift loop, so
    // both paths give the same bits.
    const __m512 r = _mm512_set1_ps(rho), one_minus_r = _mm512_set1_ps(1 - rho);
    const __m512 lr = _mm512_set1_ps(learning_rate), eps = _mm512_set1_ps(epsilon);
    for (long i = 0; i < count; i += 16) {
        __mmask16 mask = lane_mask(count - i);
        __m512 g = _mm512_maskz_loadu_ps(mask, gradients + i);
        __m512 v = _mm512_add_ps(_mm512_mul_ps(r, _mm512_maskz_loadu_ps(mask, velocity + i)),
                                 _mm512_mul_ps(_mm512_mul_ps(one_minus_r, g), g));
        __m512 step = _mm512_div_ps(_mm512_mul_ps(lr, g), _mm512_sqrt_ps(_mm512_add_ps(v, eps)));
        _mm512_mask_storeu_ps(velocity + i, mask, v);
        _mm512_mask_storeu_ps(weights + i, mask, _mm512_sub_ps(_mm512_maskz_loadu_ps(mask, weights + i), step));
    }
}

TL_AVX512 void tl_adam_avx512(float *weights, const float *gradients, float *first_moment, float *second_moment, long count,
                              float step_size, float beta1, float beta2, float epsilon) {
    // As tl_rmsprop_avx512: the portable loop's operations in its order, no FMA, so the bits agree.
    const __m512 b1 = _mm512_set1_ps(beta1), one_minus_b1 = _mm512_set1_ps(1 - beta1);
    const __m512 b2 = _mm512_set1_ps(beta2), one_minus_b2 = _mm512_set1_ps(1 - beta2);
    const __m512 alpha = _mm512_set1_ps(step_size), eps = _mm512_set1_ps(epsilon);
    for (long i = 0; i < count; i += 16) {
        __mmask16 mask = lane_mask(count - i);
        __m512 g = _mm512_maskz_loadu_ps(mask, gradients + i);
        __m512 m = _mm512_add_ps(_mm512_mul_ps(b1, _mm512_maskz_loadu_ps(mask, first_moment + i)), _mm512_mul_ps(one_minus_b1, g));
        __m512 v = _mm512_add_ps(_mm512_mul_ps(b2, _mm512_maskz_loadu_ps(mask, second_moment + i)),
                                 _mm512_mul_ps(_mm512_mul_ps(one_minus_b2, g), g));
        __m512 step = _mm512_div_ps(_mm512_mul_ps(alpha, m), _mm512_add_ps(_mm512_sqrt_ps(v), eps));
        _mm512_mask_storeu_ps(first_moment + i, mask, m);
        _mm512_mask_storeu_ps(second_moment + i, mask, v);
        _mm512_mask_storeu_ps(weights + i, mask, _mm512_sub_ps(_mm512_maskz_loadu_ps(mask, weights + i), step));
    }
}

// MARK: - Element-wise arithmetic

TL_AVX512 void tl_add_clamp_avx512(float *y, const float *x, long count, float ceiling) {
    const __m512 top = _mm512_set1_ps(ceiling);
    for (long i = 0; i < count; i += 16) {
        __mmask16 mask = lane_mask(count - i);
        __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, y + i), _mm512_maskz_loadu_ps(mask, x + i));
        _mm512_mask_storeu_ps(y + i, mask, clamp_relu(v, top));
    }
}

TL_AVX512 void tl_elementwise_avx512(int operation, const float *a, const float *b, long b_step, float *y, long count) {
    // One operation per element, as the portable loop does: the bits agree on every path.
    for (long i = 0; i < count; i += 16) {
        __mmask16 mask = lane_mask(count - i);
        __m512 x = _mm512_maskz_loadu_ps(mask, a + i);
        __m512 z = b_step ? _mm512_mask_loadu_ps(_mm512_set1_ps(1), mask, b + i) : _mm512_set1_ps(b[0]);
        __m512 r = operation == TL_ELEMENTWISE_ADD ? _mm512_add_ps(x, z)
                 : operation == TL_ELEMENTWISE_SUBTRACT ? _mm512_sub_ps(x, z)
                 : operation == TL_ELEMENTWISE_MULTIPLY ? _mm512_mul_ps(x, z) : _mm512_div_ps(x, z);
        _mm512_mask_storeu_ps(y + i, mask, r);
    }
}

#endif
