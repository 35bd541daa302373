// The blocked sgemm around a micro-kernel, shared by kernels_avx512.c and kernels_avx2.c: each defines
// TL_TARGET (its target attribute), TL_SUFFIX(name) (name_avx512 / name_avx2), MR, NR, KC, NC, SMALL_M,
// thread_scratch() with SCRATCH_PACKED_B and SCRATCH_EDGE_A, pack_b() and micro_kernel(), then includes
// this file. Only the register tile and its intrinsics differ between the two families.

/// C = act((C) + bias) for k = 0, where there is no product to fuse the epilogue into.
static void epilogue_only(long m, long n, float *c, long ldc, int accumulate, const float *bias, int relu, float ceiling) {
    for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) {
            float y = (accumulate ? c[i * ldc + j] : 0) + (bias ? bias[j] : 0);
            c[i * ldc + j] = relu ? (y < 0 ? 0 : (y > ceiling ? ceiling : y)) : y;
        }
    }
}

/// One kc x nc block of B (columns jc..., rows from A's column `a`) against every row panel of A. The block
/// is packed (`packed`, panels NR wide) or, when `packed` is NULL, read in place from `b` (row stride ldb),
/// its last short panel packed into scratch so that the kernel never reads past column n. Packed, each row
/// panel of A meets every panel of B (in L2); in place (a few rows of A), each panel of B meets every row
/// panel of A, so that it comes from memory once and is read again from L1, while the next one is fetched.
TL_TARGET static void multiply_block(long m, long n, long jc, long nc, long kc, const float *a, long lda, const float *packed,
                                     const float *b, long ldb, float *c, long ldc, int acc, const float *bias, int relu,
                                     float ceiling) {
    long panels = (nc + NR - 1) / NR, row_panels = (m + MR - 1) / MR;
    float *edge_a = thread_scratch(SCRATCH_EDGE_A, (size_t)(MR * KC + NR * KC));
    if (edge_a == NULL) abort();
    float *edge_b = edge_a + MR * KC;
    if (!packed && nc % NR != 0) pack_b(kc, nc % NR, b + jc + (panels - 1) * NR, ldb, NULL, edge_b, NR * kc);
    // A short last row panel goes to scratch so that the kernel reads nothing outside A; the rows past it
    // hold earlier (finite) values whose products are never stored.
    long short_rows = m % MR;
    if (short_rows) {
        const float *last = a + (m - short_rows) * lda;
        for (long r = 0; r < short_rows; r++) memcpy(edge_a + r * kc, last + r * lda, (size_t)kc * sizeof(float));
    }
    for (long outer = 0; outer < (packed ? row_panels : panels); outer++) {
        for (long inner = 0; inner < (packed ? panels : row_panels); inner++) {
            long i = (packed ? outer : inner) * MR, jp = packed ? inner : outer;
            long rows = m - i < MR ? m - i : MR;
            const float *ai = rows < MR ? edge_a : a + i * lda;
            long lda_i = rows < MR ? kc : lda;
            long j0 = jc + jp * NR;
            long cols = n - j0 < NR ? n - j0 : NR;
            const float *panel = packed ? packed + jp * NR * kc : (cols < NR ? edge_b : b + j0);
            long stride = packed || cols < NR ? NR : ldb;
            const float *next_a = packed && jp == panels - 1 && i + 2 * MR <= m ? a + (i + MR) * lda : NULL;
            const float *next_b = !packed && inner == 0 && jp + 1 < panels && n - j0 - NR >= NR ? b + j0 + NR : NULL;
            micro_kernel(kc, ai, lda_i, panel, stride, c + i * ldc + j0, ldc, acc, bias ? bias + j0 : NULL, relu, ceiling,
                         rows, cols, next_a, next_b);
        }
    }
}

/// Where the packed block of B for columns from jc and rows from pc starts: blocks are column-major over
/// (jc, pc), each panels x NR x kc floats.
static inline long packed_block_offset(long n, long k, long jc, long pc) {
    long nc = n - jc < NC ? n - jc : NC;
    return jc * k + pc * ((nc + NR - 1) / NR) * NR;
}

/// Where element (row p, column j) of a k x n B lies in its packed form.
static inline long packed_offset(long n, long k, long p, long j) {
    long jc = j / NC * NC, pc = p / KC * KC, kc = k - pc < KC ? k - pc : KC;
    return packed_block_offset(n, k, jc, pc) + ((j - jc) / NR) * NR * kc + (p - pc) * NR + (j - jc) % NR;
}

long TL_SUFFIX(tl_sgemm_packed_b_floats)(long n, long k) { return ((n + NR - 1) / NR) * NR * k; }

TL_TARGET void TL_SUFFIX(tl_sgemm_pack_b)(long n, long k, long first_row, long rows, const float *b, long ldb,
                                          const float *column_scale, float *packed) {
    // Each (jc, pc) block the rows reach, packed in one pass over its panels.
    long end_row = first_row + rows;
    for (long pc = first_row / KC * KC; pc < end_row; pc += KC) {
        long kc = k - pc < KC ? k - pc : KC;
        long r0 = first_row > pc ? first_row : pc, r1 = end_row < pc + kc ? end_row : pc + kc;
        for (long jc = 0; jc < n; jc += NC) {
            long nc = n - jc < NC ? n - jc : NC;
            pack_b(r1 - r0, nc, b + (r0 - first_row) * ldb + jc, ldb, column_scale ? column_scale + jc : NULL,
                   packed + packed_block_offset(n, k, jc, pc) + (r0 - pc) * NR, NR * kc);
        }
    }
}

/// The blocked product over B packed whole (`packed`), packed block by block into scratch (`b`, m large), or
/// read in place (`b`, m small: packing would copy all of B to use each panel once or twice). The sums are
/// the same, in the same order, on every route.
TL_TARGET static void sgemm(long m, long n, long k, const float *a, long lda, const float *b, long ldb, const float *packed,
                            float *c, long ldc, int accumulate, const float *bias, int relu, float ceiling) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        epilogue_only(m, n, c, ldc, accumulate, bias, relu, ceiling);
        return;
    }
    int in_place = packed == NULL && m <= SMALL_M;
    float *bp = NULL;
    if (packed == NULL && !in_place) {
        long nc_max = n < NC ? n : NC, kc_max = k < KC ? k : KC;
        bp = thread_scratch(SCRATCH_PACKED_B, (size_t)(((nc_max + NR - 1) / NR) * NR * kc_max));
        if (bp == NULL) abort();
    }
    for (long jc = 0; jc < n; jc += NC) {
        long nc = n - jc < NC ? n - jc : NC;
        for (long pc = 0; pc < k; pc += KC) {
            long kc = k - pc < KC ? k - pc : KC;
            const float *block = packed ? packed + packed_block_offset(n, k, jc, pc) : bp;
            if (bp) pack_b(kc, nc, b + pc * ldb + jc, ldb, NULL, bp, NR * kc);
            int last = pc + kc >= k;
            // The bias and the clamp go with the last k-block only, which sees the whole sum.
            multiply_block(m, n, jc, nc, kc, a + pc, lda, block, in_place ? b + pc * ldb : NULL, ldb, c, ldc,
                           accumulate || pc > 0, last ? bias : NULL, last && relu, ceiling);
        }
    }
}

TL_TARGET void TL_SUFFIX(tl_sgemm_nn)(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                                      float *c, long ldc, int accumulate, const float *bias, int relu, float ceiling) {
    sgemm(m, n, k, a, lda, b, ldb, NULL, c, ldc, accumulate, bias, relu, ceiling);
}

TL_TARGET void TL_SUFFIX(tl_sgemm_nn_packed)(long m, long n, long k, const float *a, long lda, const float *packed,
                                             float *c, long ldc, int accumulate, const float *bias, int relu, float ceiling) {
    sgemm(m, n, k, a, lda, NULL, 0, packed, c, ldc, accumulate, bias, relu, ceiling);
}
