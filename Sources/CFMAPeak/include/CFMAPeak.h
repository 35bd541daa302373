// The machine's limit for `tl bench peak`: loops of independent multiply-adds on the widest registers of
// each kernel path, nothing else (no loads, no stores), so a core retires them as fast as it can.
#ifndef C_FMA_PEAK_H
#define C_FMA_PEAK_H

#ifdef __cplusplus
extern "C" {
#endif

/// Independent accumulators each loop keeps in registers: more than an FMA's latency times the FMA
/// ports (4 cycles x 2 ports on current x86-64 cores), so no round waits for the one before it.
#define TL_FMA_PEAK_CHAINS 12

/// Float lanes of one register on each path: AVX-512 16, AVX2 8, portable 4 (SSE on the x86-64
/// baseline, NEON on aarch64).
#define TL_FMA_PEAK_LANES_AVX512 16
#define TL_FMA_PEAK_LANES_AVX2 8
#define TL_FMA_PEAK_LANES_PORTABLE 4

/// `rounds` rounds of `acc[k] = acc[k] * m + c` on TL_FMA_PEAK_CHAINS registers of the path's width,
/// accumulator k of every lane starting at `start + k * step`: 2 x rounds x chains x lanes floating-point
/// operations. Returns the sum of every lane of every accumulator, which the caller keeps so the compiler
/// cannot drop the work (and a test checks against the recurrence's closed form).
/// The AVX-512 and AVX2 loops run only where the processor has them (the caller checks, as TLTensor's
/// kernel path does); the portable loop is a multiply and an add where the baseline has no FMA.
double tl_fma_peak_avx512(long rounds, float start, float step, float m, float c);
double tl_fma_peak_avx2(long rounds, float start, float step, float m, float c);
double tl_fma_peak_portable(long rounds, float start, float step, float m, float c);

#ifdef __cplusplus
}
#endif

#endif
