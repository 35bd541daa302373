import XCTest
@testable import TLTensor

/// Winograd F(2x2, 3x3), F(3x3, 3x3), F(4x4, 3x3) and F(6x6, 3x3), the parallel im2col path and the convolution gradients, against
/// loops written from the definitions in double precision.
final class WinogradTests: XCTestCase {
    var rng = RandomGenerator(seed: 11)

    func random(_ shape: [Int]) -> Tensor {
        var t = Tensor(shape: shape)
        for i in 0..<t.count { t.scalars[i] = rng.uniform(-1, 1) }
        return t
    }

    /// y[n,i,j,f] = b[f] + sum x[n, i*s - pt + u, j*s - pl + v, c] * w[u,v,c,f], zero outside.
    func direct(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _ g: WindowGeometry, relu: Bool = false) -> [Double] {
        let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let f = w.shape[3]
        var y = [Double](repeating: 0, count: n * g.outputPixels * f)
        for img in 0..<n { for i in 0..<g.outputHeight { for j in 0..<g.outputWidth { for o in 0..<f {
            var sum = Double(b?.scalars[o] ?? 0)
            for u in 0..<g.windowHeight { for v in 0..<g.windowWidth {
                let yy = i * g.strideY - g.padTop + u, xx = j * g.strideX - g.padLeft + v
                guard yy >= 0, yy < h, xx >= 0, xx < wd else { continue }
                for ch in 0..<c {
                    sum += Double(x.scalars[((img * h + yy) * wd + xx) * c + ch]) * Double(w.scalars[((u * g.windowWidth + v) * c + ch) * f + o])
                }
            } }
            y[((img * g.outputHeight + i) * g.outputWidth + j) * f + o] = relu ? max(sum, 0) : sum
        } } } }
        return y
    }

    /// Largest difference relative to the reference's largest magnitude (as the golden tests measure).
    func relativeError(_ a: [Float], _ reference: [Double]) -> Double {
        var diff = 0.0, scale = 0.0
        for i in reference.indices {
            diff = max(diff, abs(Double(a[i]) - reference[i]))
            scale = max(scale, abs(reference[i]))
        }
        return diff / max(scale, 1e-30)
    }

    /// Runs `body` once per kernel path the processor has (portable, AVX2+FMA, AVX-512), naming the path
    /// for failure messages.
    func forEachKernelPath(_ body: (String) -> Void) {
        EngineOptions.forEachAvailablePath { path in body("\(path)") }
    }

    func testWinogradMatchesDirectConvolutionOnRandomShapes() {
        forEachKernelPath { path in
        for trial in 0..<45 {
            let tile = WinogradTile.allCases[trial % WinogradTile.allCases.count]
            let h = Int.random(in: 1...14, using: &rng), w = Int.random(in: 1...14, using: &rng)
            let c = [1, 3, 8, 9, 17, 24, 40][Int.random(in: 0..<7, using: &rng)]
            let f = [1, 5, 8, 16, 19, 37][Int.random(in: 0..<6, using: &rng)]
            let padding: Padding = trial % 3 == 0 ? .valid : .same
            let relu = trial % 4 == 1
            let g = WindowGeometry(inputHeight: h, inputWidth: w, channels: c, window: (3, 3), strides: (1, 1), padding: padding)
            guard g.outputHeight > 0 && g.outputWidth > 0 else { continue }
            let n = Int.random(in: 1...3, using: &rng)
            let x = random([n, h, w, c]), k = random([3, 3, c, f]), b = random([f])
            let y = ConvolutionKernels.forward(input: x, kernel: k, bias: trial % 5 == 2 ? nil : b, geometry: g, relu: relu,
                                               algorithm: .winograd(tile))
            let reference = direct(x, k, trial % 5 == 2 ? nil : b, g, relu: relu)
            XCTAssertEqual(y.shape, [n, g.outputHeight, g.outputWidth, f])
            XCTAssertLessThan(relativeError(y.scalars, reference), 2e-6 * Double(tile.m * tile.m),
                              "\(path) \(tile) n\(n) h\(h) w\(w) c\(c) f\(f) \(padding) relu \(relu)")
        }
        }
    }

    /// Convolution then 2x2 max pooling in one pass (pooled as Winograd tiles are written) equals the two
    /// passes exactly: bias and the clamp commute with the max. Odd sizes drop the last row or column as
    /// Keras's floor does.
    func testConvolutionWithMaxPoolingEqualsTheTwoPasses() {
        forEachKernelPath { path in
            for trial in 0..<24 {
                let tile: WinogradTile = trial < 12 ? .f4 : .f6
                let h = [9, 10, 15, 16, 7, 12][trial % 6], w = [11, 8, 13, 16, 6, 9][trial % 6]
                let c = [8, 17, 32][trial % 3], f = [16, 24, 40][(trial / 3) % 3]
                let g = WindowGeometry(inputHeight: h, inputWidth: w, channels: c, window: (3, 3), strides: (1, 1), padding: .same)
                let x = random([2, h, w, c]), k = random([3, 3, c, f]), b = trial % 4 == 3 ? nil : random([f])
                let (relu, ceiling): (Bool, Float) = [(true, .infinity), (true, 6), (false, .infinity)][trial % 3]
                let pooled = ConvolutionKernels.forwardMaxPooled(input: x, kernel: k, bias: b, geometry: g, relu: relu, reluCeiling: ceiling,
                                                                 algorithm: .winograd(tile))
                let y = ConvolutionKernels.forward(input: x, kernel: k, bias: b, geometry: g, relu: relu, reluCeiling: ceiling,
                                                   algorithm: .winograd(tile))
                let expected = PoolingKernels.maxForward(input: y, geometry: WindowGeometry(batch: y, window: (2, 2), strides: (2, 2), padding: .valid),
                                                         recordArgmax: false).output
                XCTAssertEqual(pooled.shape, [2, h / 2, w / 2, f], path)
                XCTAssertEqual(pooled, expected, "\(path) \(tile) h\(h) w\(w) c\(c) f\(f) relu \(relu) ceiling \(ceiling)")
            }
        }
    }

    /// The C paths run F(6x6), F(4x4) and F(3x3) in two ways: chunks of tiles that span images, each chunk's three
    /// stages on one worker (64 -> 64 channels: 48 tiles a chunk, several chunks here), and groups with the
    /// products dealt out by position where the packed transformed kernel is large (320 -> 320 channels). Each
    /// against the definition, with and without pooling (the even tiles). 512 -> 512 channels make one group with
    /// F(4x4) and F(6x6) kernels larger than ``Winograd/kernelBandLimit``: transformed and multiplied band by band.
    func testChunkedAndGroupedWinogradMatchTheDefinition() {
        let cases = [(64, 64, 2, 30, 29), (32, 64, 3, 35, 33), (320, 320, 1, 5, 6), (288, 320, 2, 9, 9), (256, 256, 1, 19, 19),
                     (512, 512, 1, 7, 7)]
        for (c, f, n, h, w) in cases {
            let g = WindowGeometry(inputHeight: h, inputWidth: w, channels: c, window: (3, 3), strides: (1, 1), padding: .same)
            let x = random([n, h, w, c]), k = random([3, 3, c, f]), b = random([f])
            let reference = direct(x, k, b, g, relu: true)
            forEachKernelPath { path in
                // The larger tiles' larger transform entries amplify float32 rounding more: F(4x4) 1.3e-5 on the
                // 288-channel case.
                for (tile, tolerance) in [(WinogradTile.f3, 1e-5), (.f4, 2e-5), (.f6, 3e-5)] {
                    let y = ConvolutionKernels.forward(input: x, kernel: k, bias: b, geometry: g, relu: true, algorithm: .winograd(tile))
                    XCTAssertLessThan(relativeError(y.scalars, reference), tolerance, "\(path) \(tile) c\(c) f\(f) h\(h) w\(w)")
                    guard Winograd.canPool(tile: tile) else { continue }
                    let pooled = ConvolutionKernels.forwardMaxPooled(input: x, kernel: k, bias: b, geometry: g, relu: true,
                                                                     algorithm: .winograd(tile))
                    let expected = PoolingKernels.maxForward(input: y, geometry: WindowGeometry(batch: y, window: (2, 2), strides: (2, 2),
                                                                                                padding: .valid), recordArgmax: false).output
                    XCTAssertEqual(pooled, expected, "\(path) \(tile) c\(c) f\(f) pooled")
                }
            }
        }
    }

    /// A kernel scale per filter (a batch normalisation folded in; applied as the kernel is packed on the C
    /// paths) equals convolving with the scaled kernel, for the Winograd routes and im2col (3x3 stride 2, 1x1).
    func testKernelScaleEqualsTheScaledKernel() {
        // 320 -> 330 takes the groups route (the kernel written with streaming stores; its last panel partly padding).
        let cases: [(Int, Int, Int, Int, Int)] = [(3, 3, 1, 24, 40), (3, 3, 1, 320, 48), (3, 3, 1, 320, 330), (3, 3, 2, 16, 37),
                                                  (1, 1, 1, 33, 70)]
        for (kh, kw, stride, c, f) in cases {
            let g = WindowGeometry(inputHeight: 9, inputWidth: 10, channels: c, window: (kh, kw), strides: (stride, stride), padding: .same)
            let x = random([2, 9, 10, c]), k = random([kh, kw, c, f]), b = random([f])
            let scale = (0..<f).map { _ in rng.uniform(0.2, 3) }
            var scaled = k
            for i in 0..<scaled.count { scaled.scalars[i] *= scale[i % f] }
            let reference = direct(x, scaled, b, g, relu: true)
            let algorithms: [ConvolutionAlgorithm] = kh == 3 && stride == 1 ? [.winograd(.f6), .winograd(.f4), .winograd(.f3)] : [.automatic]
            forEachKernelPath { path in
                for algorithm in algorithms {
                    let y = ConvolutionKernels.forward(input: x, kernel: k, bias: b, geometry: g, relu: true, kernelScale: scale,
                                                       algorithm: algorithm)
                    // The larger tiles round more (as in testChunkedAndGroupedWinogradMatchTheDefinition).
                    let tolerance = algorithm == .winograd(.f6) || algorithm == .winograd(.f4) ? 2e-5 : 1e-5
                    XCTAssertLessThan(relativeError(y.scalars, reference), tolerance,
                                      "\(path) \(algorithm) \(kh)x\(kw)/\(stride) c\(c) f\(f)")
                }
            }
        }
    }

    /// With the products one after another on OpenBLAS, the C kernel transform writes the unpacked layout
    /// (a filter count that is no multiple of the vector width: partial and empty vectors).
    func testUnpackedKernelTransformRouteMatchesTheDefinition() {
        let g = WindowGeometry(inputHeight: 13, inputWidth: 11, channels: 24, window: (3, 3), strides: (1, 1), padding: .same)
        let x = random([2, 13, 11, 24]), k = random([3, 3, 24, 19]), b = random([19])
        let reference = direct(x, k, b, g, relu: true)
        forEachKernelPath { path in
            EngineOptions.with(changing: { $0.splitsWinogradProducts = false }) {
                for tile in [WinogradTile.f3, .f4, .f6] {
                    XCTAssertFalse(Winograd.packsKernel(tile: tile))
                    let y = ConvolutionKernels.forward(input: x, kernel: k, bias: b, geometry: g, relu: true, algorithm: .winograd(tile))
                    XCTAssertLessThan(relativeError(y.scalars, reference), 2e-5, "\(path) \(tile)")
                }
            }
        }
    }

    /// Large-valued inputs over many channels (like VGG's deep layers): the float32 error stays small (F(6x6):
    /// 1.3e-5, twice F(4x4)'s).
    func testWinogradErrorOverManyChannels() {
        let g = WindowGeometry(inputHeight: 11, inputWidth: 9, channels: 256, window: (3, 3), strides: (1, 1), padding: .same)
        var x = random([1, 11, 9, 256])
        for i in 0..<x.count { x.scalars[i] = max(0, x.scalars[i]) * 100 }   // post-ReLU activations
        let k = random([3, 3, 256, 32])
        let reference = direct(x, k, nil, g)
        forEachKernelPath { path in
            for tile in WinogradTile.allCases {
                let y = ConvolutionKernels.forward(input: x, kernel: k, bias: nil, geometry: g, algorithm: .winograd(tile))
                XCTAssertLessThan(relativeError(y.scalars, reference), tile == .f6 ? 2e-5 : 1e-5, "\(path) \(tile)")
            }
        }
    }

    func testAutomaticChoosesWinogradOnlyWhereItApplies() {
        let conv3 = WindowGeometry(inputHeight: 150, inputWidth: 150, channels: 64, window: (3, 3), strides: (1, 1), padding: .same)
        XCTAssertEqual(ConvolutionKernels.resolve(.automatic, geometry: conv3, filters: 64), .winograd(.f6))
        EngineOptions.with(changing: { $0.usesLargeWinogradTiles = false }) {
            XCTAssertEqual(ConvolutionKernels.resolve(.automatic, geometry: conv3, filters: 64), .winograd(.f4))
        }
        // Under 64 channels in or out the transforms weigh too much for F(6x6).
        XCTAssertEqual(ConvolutionKernels.resolve(.automatic, geometry: conv3, filters: 32), .winograd(.f4))
        let rgb = WindowGeometry(inputHeight: 150, inputWidth: 150, channels: 3, window: (3, 3), strides: (1, 1), padding: .same)
        XCTAssertEqual(ConvolutionKernels.resolve(.automatic, geometry: rgb, filters: 64), .im2col)
        let strided = WindowGeometry(inputHeight: 150, inputWidth: 150, channels: 64, window: (3, 3), strides: (2, 2), padding: .same)
        XCTAssertEqual(ConvolutionKernels.resolve(.automatic, geometry: strided, filters: 64), .im2col)
        // VGG16's block5 at 150x150: one 9x9 image does not repay the kernel transform, a batch of 20 does.
        let block5 = WindowGeometry(inputHeight: 9, inputWidth: 9, channels: 512, window: (3, 3), strides: (1, 1), padding: .same)
        XCTAssertEqual(ConvolutionKernels.resolve(.automatic, geometry: block5, filters: 512, batch: 1), .im2col)
        // Nine 3x3 tiles of 25 products cover it; F(4x4) would need nine 4x4 tiles of 36.
        XCTAssertEqual(ConvolutionKernels.resolve(.automatic, geometry: block5, filters: 512, batch: 20), .winograd(.f3))
        XCTAssertEqual(WinogradTile.cheapest(outputHeight: 2, outputWidth: 2), .f2)
        XCTAssertEqual(WinogradTile.cheapest(outputHeight: 9, outputWidth: 9), .f3)
        XCTAssertEqual(WinogradTile.cheapest(outputHeight: 6, outputWidth: 6), .f3)
        XCTAssertEqual(WinogradTile.cheapest(outputHeight: 6, outputWidth: 7), .f4)   // 4 tiles of 36 against 6 of 25
        // A tie (18x18: 36 tiles of 25 or 25 of 36) goes to the larger tile, which has fewer tiles to transform.
        XCTAssertEqual(WinogradTile.cheapest(outputHeight: 18, outputWidth: 18), .f4)
        XCTAssertEqual(WinogradTile.cheapest(outputHeight: 37, outputWidth: 37), .f4)
        // With 8x8 tiles: 150x150 takes 625 tiles of 64 products against 1444 of 36; 18x18 9 of 64 against 25 of
        // 36; 9x9 still F(3x3) (4 tiles of 64 against 9 of 25); 14x14 a tie, to F(6x6).
        XCTAssertEqual(WinogradTile.cheapest(outputHeight: 150, outputWidth: 150, largeTiles: true), .f6)
        XCTAssertEqual(WinogradTile.cheapest(outputHeight: 18, outputWidth: 18, largeTiles: true), .f6)
        XCTAssertEqual(WinogradTile.cheapest(outputHeight: 9, outputWidth: 9, largeTiles: true), .f3)
        XCTAssertEqual(WinogradTile.cheapest(outputHeight: 14, outputWidth: 14, largeTiles: true), .f6)
        XCTAssertEqual(WinogradTile.cheapest(outputHeight: 7, outputWidth: 7, largeTiles: true), .f4)
    }

    /// im2col blocks spread over the workers, bias and fused ReLU, on shapes Winograd does not take.
    func testParallelIm2colMatchesDirectConvolution() {
        forEachKernelPath { path in
        for trial in 0..<12 {
            let h = Int.random(in: 3...20, using: &rng), w = Int.random(in: 3...20, using: &rng)
            let c = Int.random(in: 1...6, using: &rng), f = Int.random(in: 1...9, using: &rng)
            let kh = Int.random(in: 1...3, using: &rng), s = Int.random(in: 1...2, using: &rng)
            let g = WindowGeometry(inputHeight: h, inputWidth: w, channels: c, window: (kh, kh), strides: (s, s),
                                   padding: trial % 2 == 0 ? .same : .valid)
            let n = Int.random(in: 1...5, using: &rng)
            let x = random([n, h, w, c]), k = random([kh, kh, c, f]), b = random([f])
            let y = ConvolutionKernels.forward(input: x, kernel: k, bias: b, geometry: g, relu: trial % 3 == 0, algorithm: .im2col)
            XCTAssertLessThan(relativeError(y.scalars, direct(x, k, b, g, relu: trial % 3 == 0)), 1e-5, "\(path) trial \(trial)")
        }
        }
    }

    /// dX[n,iy,ix,c] = sum_{oy,ox,f} dY[n,oy,ox,f] W[iy - oy*s + pt, ix - ox*s + pl, c, f];
    /// dW[u,v,c,f] = sum_{n,oy,ox} x[n, oy*s - pt + u, ox*s - pl + v, c] dY[n,oy,ox,f]; db[f] = sum dY.
    func testGradientsMatchDefinitionsForBothAlgorithms() {
        forEachKernelPath { path in
        for trial in 0..<10 {
            let h = Int.random(in: 2...12, using: &rng), w = Int.random(in: 2...12, using: &rng)
            let c = [8, 9, 16][trial % 3], f = [8, 12, 17][(trial / 3) % 3]
            let padding: Padding = trial % 2 == 0 ? .same : .valid
            let g = WindowGeometry(inputHeight: h, inputWidth: w, channels: c, window: (3, 3), strides: (1, 1), padding: padding)
            guard g.outputHeight > 0 && g.outputWidth > 0 else { continue }
            let n = 2
            let x = random([n, h, w, c]), k = random([3, 3, c, f]), dy = random([n, g.outputHeight, g.outputWidth, f])
            var dxRef = [Double](repeating: 0, count: x.count), dwRef = [Double](repeating: 0, count: k.count)
            var dbRef = [Double](repeating: 0, count: f)
            for img in 0..<n { for oy in 0..<g.outputHeight { for ox in 0..<g.outputWidth { for o in 0..<f {
                let d = Double(dy.scalars[((img * g.outputHeight + oy) * g.outputWidth + ox) * f + o])
                dbRef[o] += d
                for u in 0..<3 { for v in 0..<3 {
                    let iy = oy - g.padTop + u, ix = ox - g.padLeft + v
                    guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                    for ch in 0..<c {
                        let xi = ((img * h + iy) * w + ix) * c + ch, wi = ((u * 3 + v) * c + ch) * f + o
                        dxRef[xi] += d * Double(k.scalars[wi])
                        dwRef[wi] += d * Double(x.scalars[xi])
                    }
                } }
            } } } }
            for algorithm in [ConvolutionAlgorithm.im2col, .winograd(.f2), .winograd(.f3), .winograd(.f4), .winograd(.f6)] {
                var dw: Tensor? = Tensor(shape: k.shape, repeating: 1)   // accumulates onto what is there
                var db: Tensor? = Tensor(shape: [f])
                let dx = ConvolutionKernels.backward(input: x, kernel: k, outputGradient: dy, geometry: g, kernelGradient: &dw,
                                                     biasGradient: &db, computeInputGradient: true, algorithm: algorithm)
                let label = "\(path) \(algorithm) h\(h) w\(w) c\(c) f\(f) \(padding)"
                XCTAssertLessThan(relativeError(dx!.scalars, dxRef), algorithm == .winograd(.f6) ? 3e-5 : 1e-5, label)
                XCTAssertLessThan(relativeError(dw!.scalars.map { $0 - 1 }, dwRef), 1e-5, label)
                XCTAssertLessThan(relativeError(db!.scalars, dbRef), 1e-6, label)
            }
        }
        }
    }

    /// The kernel gradient by Winograd F(3x3) (the C paths' route from 128 channels in and out, VGG16's
    /// block5 fine-tuning among them) against the definition in double precision: maps whose sides are not
    /// multiples of 3 (tiles cut by the edge), both paddings, chunks of tiles forced small so that the
    /// products accumulate over several, and the result added onto what the gradient held. A 2x2 map, whose
    /// one tile would cost more products than the direct method, keeps im2col.
    func testWinogradKernelGradientMatchesTheDefinition() {
        for (c, f, n, h, w, padding) in [(128, 128, 4, 9, 9, Padding.same), (136, 130, 3, 7, 11, .valid), (128, 144, 1, 10, 5, .same)] {
            let g = WindowGeometry(inputHeight: h, inputWidth: w, channels: c, window: (3, 3), strides: (1, 1), padding: padding)
            let x = random([n, h, w, c]), k = random([3, 3, c, f]), dy = random([n, g.outputHeight, g.outputWidth, f])
            var dwRef = [Double](repeating: 0, count: k.count)
            for img in 0..<n { for oy in 0..<g.outputHeight { for ox in 0..<g.outputWidth {
                for u in 0..<3 { for v in 0..<3 {
                    let iy = oy - g.padTop + u, ix = ox - g.padLeft + v
                    guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                    for ch in 0..<c {
                        let xv = Double(x.scalars[((img * h + iy) * w + ix) * c + ch])
                        for o in 0..<f {
                            dwRef[((u * 3 + v) * c + ch) * f + o] += xv * Double(dy.scalars[((img * g.outputHeight + oy) * g.outputWidth + ox) * f + o])
                        }
                    }
                } }
            } } }
            let tiny = WindowGeometry(inputHeight: 2, inputWidth: 2, channels: c, window: (3, 3), strides: (1, 1), padding: .same)
            XCTAssertFalse(ConvolutionKernels.kernelGradientUsesWinograd(.automatic, geometry: tiny, filters: f))
            forEachKernelPath { path in
                let winograd = ConvolutionKernels.kernelGradientUsesWinograd(.automatic, geometry: g, filters: f)
                XCTAssertEqual(winograd, path != "portable", "\(path) route")
                // One chunk; chunks of 16 tiles, the floor (36, 18 and 8 tiles here: three chunks, two, one).
                for budget in [9 << 20, 25 * (c + f) * 5] {
                    EngineOptions.with(changing: { $0.winogradGroupBudget = budget }) {
                        var dw: Tensor? = Tensor(shape: k.shape, repeating: 0.5)
                        var db: Tensor? = nil
                        _ = ConvolutionKernels.backward(input: x, kernel: k, outputGradient: dy, geometry: g, kernelGradient: &dw,
                                                        biasGradient: &db, computeInputGradient: false)
                        XCTAssertLessThan(relativeError(dw!.scalars.map { $0 - 0.5 }, dwRef), 1e-5,
                                          "\(path) c\(c) f\(f) n\(n) \(h)x\(w) \(padding) budget \(budget)")
                    }
                }
            }
        }
    }

    func testParallelForVisitsEveryItemOnceAndRestoresBLASThreads() {
        let before = blasThreadCount
        var hits = [Int](repeating: 0, count: 1000)
        hits.withUnsafeMutableBufferPointer { h in
            let base = h.baseAddress!
            ParallelFor.run(1000) { item in base[item] += 1 }
        }
        XCTAssertEqual(hits, [Int](repeating: 1, count: 1000))
        XCTAssertEqual(blasThreadCount, before)
        XCTAssertEqual(ParallelFor.ranges(10, parts: 3).map(\.count).reduce(0, +), 10)
        XCTAssertEqual(ParallelFor.ranges(2, parts: 8).count, 2)
    }
}
