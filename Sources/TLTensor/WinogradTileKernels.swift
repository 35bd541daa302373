import CTensorKernels

#if arch(x86_64)
/// The C transforms of one Winograd tile size on one kernel path (winograd.h and winograd_f6.h, compiled for
/// AVX-512 and for AVX2+FMA), looked up once per convolution so that the per-tile loops call them directly.
struct WinogradTileKernels {
    /// `V[p][c]` of the tile whose top-left input is (y0, x0) (zero outside the image), at `v + p * stride + c`:
    /// (image, height, width, channels, y0, x0, v, stride).
    typealias Input = @convention(c) (UnsafePointer<Float>?, Int, Int, Int, Int, Int, UnsafeMutablePointer<Float>?, Int) -> Void
    /// `y = act(A^T M A + b)` of one tile, written into the output map (or its 2x2 max pool):
    /// (mt, stride, filters, bias, relu, ceiling, output, height, width, oy0, ox0).
    typealias Output = @convention(c) (UnsafePointer<Float>?, Int, Int, UnsafePointer<Float>?, Int32, Float,
                                       UnsafeMutablePointer<Float>?, Int, Int, Int, Int) -> Void
    /// `U[p] = G g G^T` for channels [first, end) and rows of positions [firstRow, endRow): (kernel, channels,
    /// filters, first, end, firstRow, endRow, u, stride, pack, scale).
    typealias Kernel = @convention(c) (UnsafePointer<Float>?, Int, Int, Int, Int, Int, Int, UnsafeMutablePointer<Float>?,
                                       Int, Int32, UnsafePointer<Float>?) -> Void

    let input: Input
    let output: Output
    /// Nil for an odd tile side (F(3x3)), whose tiles do not hold whole 2x2 windows.
    let outputPool: Output?
    let kernel: Kernel

    /// Nil where there are no C transforms: the portable path, F(2x2).
    init?(tile: WinogradTile, kernels: KernelPath) {
        switch (kernels, tile) {
        case (.avx512, .f3):
            (input, output, outputPool, kernel) = (tl_winograd_f3_input_avx512, tl_winograd_f3_output_avx512, nil,
                                                   tl_winograd_f3_kernel_avx512)
        case (.avx512, .f4):
            (input, output, outputPool, kernel) = (tl_winograd_f4_input_avx512, tl_winograd_f4_output_avx512,
                                                   tl_winograd_f4_output_pool_avx512, tl_winograd_f4_kernel_avx512)
        case (.avx512, .f6):
            (input, output, outputPool, kernel) = (tl_winograd_f6_input_avx512, tl_winograd_f6_output_avx512,
                                                   tl_winograd_f6_output_pool_avx512, tl_winograd_f6_kernel_avx512)
        case (.avx2, .f3):
            (input, output, outputPool, kernel) = (tl_winograd_f3_input_avx2, tl_winograd_f3_output_avx2, nil,
                                                   tl_winograd_f3_kernel_avx2)
        case (.avx2, .f4):
            (input, output, outputPool, kernel) = (tl_winograd_f4_input_avx2, tl_winograd_f4_output_avx2,
                                                   tl_winograd_f4_output_pool_avx2, tl_winograd_f4_kernel_avx2)
        case (.avx2, .f6):
            (input, output, outputPool, kernel) = (tl_winograd_f6_input_avx2, tl_winograd_f6_output_avx2,
                                                   tl_winograd_f6_output_pool_avx2, tl_winograd_f6_kernel_avx2)
        default:
            return nil
        }
    }
}
#endif
