// Weight-gradient products and the optimizer steps fused with them; see the last block of
// include/CTensorKernels.h. A Dense layer's weight gradient over a batch of k rows is G = X^T dZ, a product of
// depth k (20 in the walkthrough's classifier) as large as the weights: forming it, checking it and reading it
// back in the optimizer streams the weights' size four times. These kernels form G a tile at a time in
// registers and either store it or apply RMSprop or Adam to the tile, so the weights and the optimizer's slots
// are the only large arrays that move.
//
// Each tile's epilogue (the optimizer's square root and division) is interleaved with the next tile's
// multiply-adds, one vector per step of p (a software pipeline), so that the out-of-order core can overlap
// the two where the divider does not hold up the FMA pipes. Measured on Zen 4 (one thread, the classifier's
// 8192 x 256 x 20, in cache): AVX-512 1.49 -> 1.26 ms (the product alone 0.83), AVX2 1.97 -> 1.87 ms (the
// product alone 1.0): there the divider takes 8 lanes in the time it takes 16 with AVX-512, and little of it
// overlaps.
//
// Each function carries its own target attribute (the file compiles for the x86-64 baseline) and is
// single-threaded: callers split the rows over the cores.
#include "CTensorKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include <stdlib.h>

#define TL_UPDATE_AVX512 __attribute__((target("avx512f")))
#define TL_UPDATE_AVX2 __attribute__((target("avx2,fma")))
#define TL_INLINE static inline __attribute__((always_inline))

/// What happens to each element g of the product once it is formed (the epilogue of a tile).
typedef enum { EPILOGUE_STORE, EPILOGUE_ACCUMULATE, EPILOGUE_RMSPROP, EPILOGUE_ADAM } epilogue_kind;

/// The target of the epilogue: C (the product, or the weights an optimizer updates) and the optimizer's slots,
/// all laid out alike (row stride ldc), and the optimizer's hyperparameters.
typedef struct {
    epilogue_kind kind;
    float *c, *slot0, *slot1;
    long ldc;
    float learning_rate, decay0, decay1, epsilon;
} epilogue;

/// Asks for the lines of rows [row, row + rows), columns [column, column + columns) of C and the optimizer's
/// slots. The walks ask for those of the next band of rows, a band ahead of the epilogue that reads them: they
/// stream from memory (the weights are megabytes), and a band's multiply-adds cover the wait.
static inline void prefetch_tile(const epilogue *e, long row, long rows, long column, long columns) {
    if (e->kind == EPILOGUE_STORE) return;
    float *arrays[3] = { e->c, e->slot0, e->slot1 };
    for (int s = 0; s < 3 && arrays[s]; s++) {
        for (long r = 0; r < rows; r++) {
            const char *start = (const char *)(arrays[s] + (row + r) * e->ldc + column);
            for (long offset = 0; offset < columns * (long)sizeof(float); offset += 64) _mm_prefetch(start + offset, _MM_HINT_T0);
        }
    }
}

/// Copies columns [i0, i0 + rows) of A (k rows, stride lda) into panel[p * width + r], zero past `rows`: the
/// tiles broadcast A's values from this panel, a few lines in L1, instead of from k rows of A lda floats
/// apart (the batch's inputs, 32 KB apart for 8192 features, which all fall in one set of L1 and evict
/// each other).
static inline void pack_panel(long i0, long rows, long width, long k, const float *a, long lda, float *panel) {
    for (long p = 0; p < k; p++) {
        for (long r = 0; r < width; r++) panel[p * width + r] = r < rows ? a[p * lda + i0 + r] : 0;
    }
}

/// A panel of k x width floats: `stack` (room for 256 rows) when k fits, else from the heap (free with
/// release_panel).
static inline float *panel_buffer(long k, long width, float *stack) {
    if (k <= 256) return stack;
    float *heap = malloc((size_t)(k * width) * sizeof(float));
    if (heap == NULL) abort();
    return heap;
}

static inline void release_panel(float *panel, float *stack) {
    if (panel != stack) free(panel);
}

// MARK: - AVX-512: tiles of 4 rows x 64 columns (16 accumulators, 4 vectors of B, 1 broadcast of A)

enum { MR512 = 4, NB512 = 4, TILE512 = MR512 * NB512 };

static inline __mmask16 mask16(long lanes) {
    return lanes >= 16 ? (__mmask16)0xFFFF : (lanes <= 0 ? (__mmask16)0 : (__mmask16)((1u << lanes) - 1));
}

/// Applies the epilogue to 16 lanes of row `row` from column `column`, `g` the product's sums. `e` is passed
/// by value and `e.kind` is a constant where this is inlined, so the switch and the hyperparameters' loads
/// leave the loops.
TL_UPDATE_AVX512 TL_INLINE void finish16(const epilogue e, long row, long column, __m512 g, __mmask16 mask) {
    long at = row * e.ldc + column;
    // + 0 turns a sum of -0 into +0, as the sgemm's bias add (of zero) does: the same bits as G formed there.
    g = _mm512_add_ps(g, _mm512_setzero_ps());
    switch (e.kind) {
    case EPILOGUE_STORE:
        _mm512_mask_storeu_ps(e.c + at, mask, g);
        return;
    case EPILOGUE_ACCUMULATE:
        _mm512_mask_storeu_ps(e.c + at, mask, _mm512_add_ps(g, _mm512_maskz_loadu_ps(mask, e.c + at)));
        return;
    case EPILOGUE_RMSPROP: {
        // tl_rmsprop_avx512's operations in its order (no FMA): the same bits as that step on the stored G.
        __m512 v = _mm512_add_ps(_mm512_mul_ps(_mm512_set1_ps(e.decay0), _mm512_maskz_loadu_ps(mask, e.slot0 + at)),
                                 _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(1 - e.decay0), g), g));
        __m512 step = _mm512_div_ps(_mm512_mul_ps(_mm512_set1_ps(e.learning_rate), g),
                                    _mm512_sqrt_ps(_mm512_add_ps(v, _mm512_set1_ps(e.epsilon))));
        _mm512_mask_storeu_ps(e.slot0 + at, mask, v);
        _mm512_mask_storeu_ps(e.c + at, mask, _mm512_sub_ps(_mm512_maskz_loadu_ps(mask, e.c + at), step));
        return;
    }
    case EPILOGUE_ADAM: {
        // tl_adam_avx512's operations in its order.
        __m512 m = _mm512_add_ps(_mm512_mul_ps(_mm512_set1_ps(e.decay0), _mm512_maskz_loadu_ps(mask, e.slot0 + at)),
                                 _mm512_mul_ps(_mm512_set1_ps(1 - e.decay0), g));
        __m512 v = _mm512_add_ps(_mm512_mul_ps(_mm512_set1_ps(e.decay1), _mm512_maskz_loadu_ps(mask, e.slot1 + at)),
                                 _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(1 - e.decay1), g), g));
        __m512 step = _mm512_div_ps(_mm512_mul_ps(_mm512_set1_ps(e.learning_rate), m),
                                    _mm512_add_ps(_mm512_sqrt_ps(v), _mm512_set1_ps(e.epsilon)));
        _mm512_mask_storeu_ps(e.slot0 + at, mask, m);
        _mm512_mask_storeu_ps(e.slot1 + at, mask, v);
        _mm512_mask_storeu_ps(e.c + at, mask, _mm512_sub_ps(_mm512_maskz_loadu_ps(mask, e.c + at), step));
        return;
    }
    }
}

/// The sums of a tile of G, its `rows` rows' columns of A packed in `panel` (pack_panel), its columns
/// [j0, j0 + 64) of B (the lanes `masks` leave on), into g[r * NB512 + c]. While they form, `waiting` (a whole
/// tile formed before, at waiting_row, waiting_column; or NULL) is finished one vector per step of p, so that
/// its epilogue overlaps these multiply-adds. `rows` and `e.kind` are constants where this is inlined.
TL_UPDATE_AVX512 TL_INLINE void tile512(const int rows, long j0, long k, const float *panel, const float *b, long ldb,
                                        const epilogue e, const __mmask16 masks[NB512], __m512 g[TILE512],
                                        const __m512 *waiting, long waiting_row, long waiting_column) {
    __m512 acc[MR512][NB512];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR512; r++) {
#pragma clang loop unroll(full)
        for (int c = 0; c < NB512; c++) acc[r][c] = _mm512_setzero_ps();
    }
    const float *ap = panel, *bp = b + j0;
    int next = waiting ? 0 : TILE512;
    for (long p = 0; p < k; p++, ap += MR512, bp += ldb) {
        __m512 bv[NB512];
#pragma clang loop unroll(full)
        for (int c = 0; c < NB512; c++) bv[c] = _mm512_maskz_loadu_ps(masks[c], bp + 16 * c);
#pragma clang loop unroll(full)
        for (int r = 0; r < MR512; r++) {
            if (r >= rows) break;
            __m512 x = _mm512_set1_ps(ap[r]);
#pragma clang loop unroll(full)
            for (int c = 0; c < NB512; c++) acc[r][c] = _mm512_fmadd_ps(x, bv[c], acc[r][c]);
        }
        if (next < TILE512) {
            finish16(e, waiting_row + next / NB512, waiting_column + 16 * (next % NB512), waiting[next], 0xFFFF);
            next++;
        }
    }
    for (; next < TILE512; next++) finish16(e, waiting_row + next / NB512, waiting_column + 16 * (next % NB512), waiting[next], 0xFFFF);
#pragma clang loop unroll(full)
    for (int r = 0; r < MR512; r++) {
#pragma clang loop unroll(full)
        for (int c = 0; c < NB512; c++) g[r * NB512 + c] = acc[r][c];
    }
}

/// Rows [first_row, end_row) of G = A^T B (A k x m, B k x n), each element summed over p = 0..k-1 in order
/// by FMA from zero, handed to the epilogue. Whole tiles wait for their epilogue until the next tile forms;
/// a tile cut by the edge of G is finished at once.
TL_UPDATE_AVX512 TL_INLINE void walk512(long first_row, long end_row, long n, long k, const float *a, long lda, const float *b,
                                        long ldb, const epilogue e) {
    __m512 tiles[2][TILE512];
    int current = 0, waiting = 0;   // waiting: tiles[1 - current] holds a whole tile at (waiting_row, waiting_column)
    long waiting_row = 0, waiting_column = 0;
    const __mmask16 whole[NB512] = { 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF };
    float stack[256 * MR512];
    float *panel = panel_buffer(k, MR512, stack);
    for (long i0 = first_row; i0 < end_row; i0 += MR512) {
        long rows = end_row - i0 < MR512 ? end_row - i0 : MR512;
        pack_panel(i0, rows, MR512, k, a, lda, panel);
        for (long j0 = 0; j0 < n; j0 += 16 * NB512) {
            long columns = n - j0 < 16 * NB512 ? n - j0 : 16 * NB512;
            if (i0 + MR512 < end_row) {
                long next_rows = end_row - i0 - MR512 < MR512 ? end_row - i0 - MR512 : MR512;
                prefetch_tile(&e, i0 + MR512, next_rows, j0, columns);
            }
            const __m512 *previous = waiting ? tiles[1 - current] : 0;
            if (rows == MR512 && columns == 16 * NB512) {
                tile512(MR512, j0, k, panel, b, ldb, e, whole, tiles[current], previous, waiting_row, waiting_column);
                waiting = 1;
                waiting_row = i0;
                waiting_column = j0;
                current = 1 - current;
                continue;
            }
            __mmask16 masks[NB512];
            for (int c = 0; c < NB512; c++) masks[c] = mask16(n - j0 - 16 * c);
            tile512((int)rows, j0, k, panel, b, ldb, e, masks, tiles[current], previous, waiting_row, waiting_column);
            waiting = 0;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < NB512 && masks[c]; c++) finish16(e, i0 + r, j0 + 16 * c, tiles[current][r * NB512 + c], masks[c]);
            }
        }
    }
    release_panel(panel, stack);
    if (waiting) {
        for (int q = 0; q < TILE512; q++) {
            finish16(e, waiting_row + q / NB512, waiting_column + 16 * (q % NB512), tiles[1 - current][q], 0xFFFF);
        }
    }
}

TL_UPDATE_AVX512 void tl_transposed_product_avx512(long first_row, long end_row, long n, long k, const float *a, long lda,
                                                   const float *b, long ldb, float *c, long ldc, int accumulate) {
    epilogue e = { EPILOGUE_STORE, c, 0, 0, ldc, 0, 0, 0, 0 };
    // Two calls on purpose: walk512 is inlined into each with its epilogue kind a constant, so neither copy
    // tests the kind per tile.
    if (accumulate) {
        e.kind = EPILOGUE_ACCUMULATE;
        walk512(first_row, end_row, n, k, a, lda, b, ldb, e);
    } else {
        walk512(first_row, end_row, n, k, a, lda, b, ldb, e);
    }
}

TL_UPDATE_AVX512 void tl_rmsprop_product_avx512(long first_row, long end_row, long n, long k, const float *a, long lda,
                                                const float *b, long ldb, float *weights, float *velocity, long ldw,
                                                float learning_rate, float rho, float epsilon) {
    const epilogue e = { EPILOGUE_RMSPROP, weights, velocity, 0, ldw, learning_rate, rho, 0, epsilon };
    walk512(first_row, end_row, n, k, a, lda, b, ldb, e);
}

TL_UPDATE_AVX512 void tl_adam_product_avx512(long first_row, long end_row, long n, long k, const float *a, long lda,
                                             const float *b, long ldb, float *weights, float *first_moment,
                                             float *second_moment, long ldw, float step_size, float beta1, float beta2,
                                             float epsilon) {
    const epilogue e = { EPILOGUE_ADAM, weights, first_moment, second_moment, ldw, step_size, beta1, beta2, epsilon };
    walk512(first_row, end_row, n, k, a, lda, b, ldb, e);
}

// MARK: - AVX2+FMA: tiles of 4 rows x 16 columns (8 accumulators, 2 vectors of B, 1 broadcast of A), which
// leave 5 of the 16 ymm registers to the interleaved epilogue

enum { MR256 = 4, NB256 = 2, TILE256 = MR256 * NB256 };

/// The first `lanes` of 8 (as maskload and maskstore take them: the sign bit of each lane).
TL_UPDATE_AVX2 TL_INLINE __m256i mask8(long lanes) {
    long clamped = lanes < 0 ? 0 : (lanes > 8 ? 8 : lanes);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)clamped), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// Whole runs take plain loads and stores: masked ones cost more, masked stores far more on AMD cores.
TL_UPDATE_AVX2 TL_INLINE __m256 load8(const float *p, long lanes) {
    return lanes >= 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, mask8(lanes));
}

TL_UPDATE_AVX2 TL_INLINE void store8(float *p, long lanes, __m256 v) {
    if (lanes >= 8) _mm256_storeu_ps(p, v);
    else _mm256_maskstore_ps(p, mask8(lanes), v);
}

/// As finish16, on 8 lanes (the first `lanes` of them): the operations of tl_rmsprop_avx2 and tl_adam_avx2
/// in their order.
TL_UPDATE_AVX2 TL_INLINE void finish8(const epilogue e, long row, long column, __m256 g, long lanes) {
    long at = row * e.ldc + column;
    g = _mm256_add_ps(g, _mm256_setzero_ps());
    switch (e.kind) {
    case EPILOGUE_STORE:
        store8(e.c + at, lanes, g);
        return;
    case EPILOGUE_ACCUMULATE:
        store8(e.c + at, lanes, _mm256_add_ps(g, load8(e.c + at, lanes)));
        return;
    case EPILOGUE_RMSPROP: {
        __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(e.decay0), load8(e.slot0 + at, lanes)),
                                 _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(1 - e.decay0), g), g));
        __m256 step = _mm256_div_ps(_mm256_mul_ps(_mm256_set1_ps(e.learning_rate), g),
                                    _mm256_sqrt_ps(_mm256_add_ps(v, _mm256_set1_ps(e.epsilon))));
        store8(e.slot0 + at, lanes, v);
        store8(e.c + at, lanes, _mm256_sub_ps(load8(e.c + at, lanes), step));
        return;
    }
    case EPILOGUE_ADAM: {
        __m256 m = _mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(e.decay0), load8(e.slot0 + at, lanes)),
                                 _mm256_mul_ps(_mm256_set1_ps(1 - e.decay0), g));
        __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(e.decay1), load8(e.slot1 + at, lanes)),
                                 _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(1 - e.decay1), g), g));
        __m256 step = _mm256_div_ps(_mm256_mul_ps(_mm256_set1_ps(e.learning_rate), m),
                                    _mm256_add_ps(_mm256_sqrt_ps(v), _mm256_set1_ps(e.epsilon)));
        store8(e.slot0 + at, lanes, m);
        store8(e.slot1 + at, lanes, v);
        store8(e.c + at, lanes, _mm256_sub_ps(load8(e.c + at, lanes), step));
        return;
    }
    }
}

/// tile512 on 8 lanes: `lanes[c]` columns of vector c exist (8 for every vector where `rows` is MR256 and
/// the tile whole; a constant there, so B's rows take plain loads).
TL_UPDATE_AVX2 TL_INLINE void tile256(const int rows, long j0, long k, const float *panel, const float *b, long ldb,
                                      const epilogue e, const long lanes[NB256], __m256 g[TILE256], const __m256 *waiting,
                                      long waiting_row, long waiting_column) {
    __m256 acc[MR256][NB256];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR256; r++) {
#pragma clang loop unroll(full)
        for (int c = 0; c < NB256; c++) acc[r][c] = _mm256_setzero_ps();
    }
    const float *ap = panel, *bp = b + j0;
    int next = waiting ? 0 : TILE256;
    for (long p = 0; p < k; p++, ap += MR256, bp += ldb) {
        __m256 bv[NB256];
#pragma clang loop unroll(full)
        for (int c = 0; c < NB256; c++) bv[c] = lanes[c] > 0 ? load8(bp + 8 * c, lanes[c]) : _mm256_setzero_ps();
#pragma clang loop unroll(full)
        for (int r = 0; r < MR256; r++) {
            if (r >= rows) break;
            __m256 x = _mm256_broadcast_ss(ap + r);
#pragma clang loop unroll(full)
            for (int c = 0; c < NB256; c++) acc[r][c] = _mm256_fmadd_ps(x, bv[c], acc[r][c]);
        }
        if (next < TILE256) {
            finish8(e, waiting_row + next / NB256, waiting_column + 8 * (next % NB256), waiting[next], 8);
            next++;
        }
    }
    for (; next < TILE256; next++) finish8(e, waiting_row + next / NB256, waiting_column + 8 * (next % NB256), waiting[next], 8);
#pragma clang loop unroll(full)
    for (int r = 0; r < MR256; r++) {
#pragma clang loop unroll(full)
        for (int c = 0; c < NB256; c++) g[r * NB256 + c] = acc[r][c];
    }
}

/// walk512 on 8 lanes.
TL_UPDATE_AVX2 TL_INLINE void walk256(long first_row, long end_row, long n, long k, const float *a, long lda, const float *b,
                                      long ldb, const epilogue e) {
    __m256 tiles[2][TILE256];
    int current = 0, waiting = 0;
    long waiting_row = 0, waiting_column = 0;
    const long whole[NB256] = { 8, 8 };
    float stack[256 * MR256];
    float *panel = panel_buffer(k, MR256, stack);
    for (long i0 = first_row; i0 < end_row; i0 += MR256) {
        long rows = end_row - i0 < MR256 ? end_row - i0 : MR256;
        pack_panel(i0, rows, MR256, k, a, lda, panel);
        for (long j0 = 0; j0 < n; j0 += 8 * NB256) {
            long columns = n - j0 < 8 * NB256 ? n - j0 : 8 * NB256;
            if (i0 + MR256 < end_row) {
                long next_rows = end_row - i0 - MR256 < MR256 ? end_row - i0 - MR256 : MR256;
                prefetch_tile(&e, i0 + MR256, next_rows, j0, columns);
            }
            const __m256 *previous = waiting ? tiles[1 - current] : 0;
            if (rows == MR256 && columns == 8 * NB256) {
                tile256(MR256, j0, k, panel, b, ldb, e, whole, tiles[current], previous, waiting_row, waiting_column);
                waiting = 1;
                waiting_row = i0;
                waiting_column = j0;
                current = 1 - current;
                continue;
            }
            long lanes[NB256];
            for (int c = 0; c < NB256; c++) lanes[c] = n - j0 - 8 * c;
            tile256((int)rows, j0, k, panel, b, ldb, e, lanes, tiles[current], previous, waiting_row, waiting_column);
            waiting = 0;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < NB256 && lanes[c] > 0; c++) finish8(e, i0 + r, j0 + 8 * c, tiles[current][r * NB256 + c], lanes[c]);
            }
        }
    }
    release_panel(panel, stack);
    if (waiting) {
        for (int q = 0; q < TILE256; q++) {
            finish8(e, waiting_row + q / NB256, waiting_column + 8 * (q % NB256), tiles[1 - current][q], 8);
        }
    }
}

TL_UPDATE_AVX2 void tl_transposed_product_avx2(long first_row, long end_row, long n, long k, const float *a, long lda,
                                               const float *b, long ldb, float *c, long ldc, int accumulate) {
    epilogue e = { EPILOGUE_STORE, c, 0, 0, ldc, 0, 0, 0, 0 };
    // Two calls on purpose: walk256 is inlined into each with its epilogue kind a constant, so neither copy
    // tests the kind per tile.
    if (accumulate) {
        e.kind = EPILOGUE_ACCUMULATE;
        walk256(first_row, end_row, n, k, a, lda, b, ldb, e);
    } else {
        walk256(first_row, end_row, n, k, a, lda, b, ldb, e);
    }
}

TL_UPDATE_AVX2 void tl_rmsprop_product_avx2(long first_row, long end_row, long n, long k, const float *a, long lda,
                                            const float *b, long ldb, float *weights, float *velocity, long ldw,
                                            float learning_rate, float rho, float epsilon) {
    const epilogue e = { EPILOGUE_RMSPROP, weights, velocity, 0, ldw, learning_rate, rho, 0, epsilon };
    walk256(first_row, end_row, n, k, a, lda, b, ldb, e);
}

TL_UPDATE_AVX2 void tl_adam_product_avx2(long first_row, long end_row, long n, long k, const float *a, long lda,
                                         const float *b, long ldb, float *weights, float *first_moment, float *second_moment,
                                         long ldw, float step_size, float beta1, float beta2, float epsilon) {
    const epilogue e = { EPILOGUE_ADAM, weights, first_moment, second_moment, ldw, step_size, beta1, beta2, epsilon };
    walk256(first_row, end_row, n, k, a, lda, b, ldb, e);
}

#endif
