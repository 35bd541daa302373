import ArgumentParser
import Foundation
import TLTensor
import TLNN
import TLZoo

/// `tl bench kernels`: the VGG16 base (the shared Keras weights) on a batch of random images, timed layer
/// by layer, then whole training steps of methods 2 and 3. Every figure is the best of `--repeats` runs;
/// GFLOP/s counts a convolution as `2 * OH * OW * 9 * Cin * Cout` per image (the direct method's
/// multiply-adds, ``WorkloadArithmetic``), whatever algorithm computed it, so Winograd shows up as more GFLOP/s.
struct KernelsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels", abstract: "Time the VGG16 base's layers and block5 training steps.")

    @Option(help: "Keras VGG16 no-top weights (legacy .h5).") var weights = "/work/shared/weights/vgg16_edges_notop.h5"
    @Option(help: "Images per batch.") var batch = 20
    @Option(help: "Image side in pixels.") var size = 150
    @Option(help: "Timed repetitions (the best is kept).") var repeats = 3
    @Option(help: "Training steps to time for methods 2 and 3 (0 skips them).") var trainSteps = 2
    @Option(help: "Convolution algorithm: auto, im2col.") var algorithm = "auto"
    @Option(help: "Winograd's products: split (over the workers, sgemm single-threaded) or blas (OpenBLAS threads).")
    var products = "split"
    @Option(help: "Floats of Winograd's transformed inputs and products held per group of tiles.")
    var winogradGroup = EngineOptions.current.winogradGroupBudget
    @Flag(help: "Winograd F(4x4) at most (no F(6x6) tiles).") var noLargeTiles = false

    func run() throws {
        try EngineOptions.with(changing: {
            $0.usesWinograd = algorithm != "im2col"
            $0.splitsWinogradProducts = products != "blas"
            $0.winogradGroupBudget = winogradGroup
            $0.usesLargeWinogradTiles = !noLargeTiles
        }) { try measure() }
    }

    private func measure() throws {
        let base = try VGG16.load(weights: .file(weights), includeTop: false, inputShape: [size, size, 3])
        var rng = RandomGenerator(seed: 3)
        var x = Tensor(shape: [batch, size, size, 3])
        for i in 0..<x.count { x.scalars[i] = rng.uniform(-124, 152) }   // caffe-preprocessed pixel range

        let layers = base.executionLeaves
        let (best, totals) = try timeLayers(layers, on: x)
        let totalFlop = try printLayerTable(layers, bestSeconds: best)
        let transformSeconds = try kernelTransformSeconds(layers)
        let bestTotal = totals.min() ?? 0
        let median = totals.sorted()[totals.count / 2]
        print("batch: \(batch)  image: \(size)x\(size)  threads: \(ParallelFor.workerCount)  algorithm: \(algorithm)  products: \(products)  kernels: \(KernelPath.current)")
        print("forward_seconds_best: \(String(format: "%.3f", bestTotal))")
        print("forward_seconds_median: \(String(format: "%.3f", median))")
        print("images_per_second: \(String(format: "%.2f", Double(batch) / bestTotal))")
        print("gflop_per_image: \(String(format: "%.2f", totalFlop / Double(batch) / 1e9))")
        print("gflop_per_second: \(String(format: "%.1f", totalFlop / bestTotal / 1e9))")
        print("kernel_transform_seconds_per_forward: \(String(format: "%.3f", transformSeconds))")
        print("peak_rss_mb: \(peakResidentBytes() / 1_000_000)")
        guard trainSteps > 0 else { return }
        try timeTrainingSteps(base: base, x: x)
        print("peak_rss_mb_after_training: \(peakResidentBytes() / 1_000_000)")
    }

    /// Runs the layers one by one `repeats` times after a warm-up (page faults, thread pool): the best
    /// seconds of each layer, and each repetition's total.
    private func timeLayers(_ layers: [TLNN.Layer], on x: Tensor) throws -> (best: [Double], totals: [Double]) {
        var h = x
        for layer in layers { h = try layer.forward(h, mode: .inference) }
        var best = [Double](repeating: .infinity, count: layers.count)
        var totals = [Double]()
        for _ in 0..<repeats {
            h = x
            var total = 0.0
            for (i, layer) in layers.enumerated() {
                let start = DispatchTime.now().uptimeNanoseconds
                h = try layer.forward(h, mode: .inference)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                best[i] = min(best[i], seconds)
                total += seconds
            }
            totals.append(total)
        }
        return (best, totals)
    }

    /// Prints each layer's output shape, best time and GFLOP/s (direct-algorithm FLOPs, see
    /// ``WorkloadArithmetic``); returns the FLOPs of the whole batch.
    private func printLayerTable(_ layers: [TLNN.Layer], bestSeconds best: [Double]) throws -> Double {
        var shape: FeatureShape = [size, size, 3]
        var totalFlop = 0.0
        print(pad("layer", 14) + pad("output", 18) + pad("ms", 10, left: true) + pad("GFLOP/s", 10, left: true))
        for (i, layer) in layers.enumerated() {
            shape = try layer.outputShape(for: shape)
            let flop = 2 * Double(batch) * WorkloadArithmetic.multiplyAdds(of: layer, output: shape)
            totalFlop += flop
            let rate = flop > 0 ? String(format: "%.1f", flop / best[i] / 1e9) : ""
            print(pad(layer.name, 14) + pad("\(shape.map { $0! })", 18) + pad(String(format: "%.1f", best[i] * 1e3), 10, left: true)
                  + pad(rate, 10, left: true))
        }
        return totalFlop
    }

    /// What transforming every 3x3 kernel for Winograd costs per forward pass (done on each call, not cached).
    private func kernelTransformSeconds(_ layers: [TLNN.Layer]) throws -> Double {
        var transformSeconds = 0.0
        var shape: FeatureShape = [size, size, 3]
        for layer in layers {
            let input = shape.map { $0! }
            shape = try layer.outputShape(for: shape)
            guard let conv = layer as? Conv2D, let kernel = conv.kernel else { continue }
            let g = WindowGeometry(inputHeight: input[0], inputWidth: input[1], channels: input[2],
                                   window: conv.kernelSize, strides: conv.strides, padding: conv.padding)
            guard case .winograd(let tile) = ConvolutionKernels.resolve(.automatic, geometry: g, filters: conv.filters, batch: batch)
            else { continue }
            let c = g.channels, f = conv.filters
            let u = UnsafeMutablePointer<Float>.allocate(capacity: tile.alpha * tile.alpha * Winograd.positionStride(c * f))
            defer { u.deallocate() }
            var bestLayer = Double.infinity
            for _ in 0..<3 {
                let start = DispatchTime.now().uptimeNanoseconds
                kernel.value.scalars.withUnsafeBufferPointer {
                    Winograd.transformKernel($0.baseAddress!, channels: c, filters: f, tile: tile, into: u)
                }
                bestLayer = min(bestLayer, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            transformSeconds += bestLayer
        }
        return transformSeconds
    }

    /// Method 2: frozen base + classifier; method 3: block5 trainable. Head: flatten, dense 256 relu, dense 1 sigmoid.
    private func timeTrainingSteps(base: Sequential, x: Tensor) throws {
        var labels = Tensor(shape: [batch])
        for i in 0..<batch { labels.scalars[i] = Float(i % 2) }
        let model = Sequential()
        try model.add(base)
        try model.add(Flatten())
        try model.add(Dense(units: 256, activation: .relu))
        try model.add(Dense(units: 1, activation: .sigmoid))
        for method in [2, 3] {
            base.trainable = method == 3
            if method == 3 {
                var on = false
                for layer in base.layers {
                    if layer.name == "block5_conv1" { on = true }
                    layer.trainable = on
                }
            }
            try model.compile(optimizer: RMSprop(learningRate: 1e-5), loss: .binaryCrossentropy, metrics: ["acc"])
            let setup = model.compiled!
            _ = try model.trainStep(x, labels, setup: setup, epoch: 0, batch: 0)   // warm-up
            var steps = [Double]()
            for s in 0..<trainSteps {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try model.trainStep(x, labels, setup: setup, epoch: 0, batch: s + 1)
                steps.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            print("method\(method)_step_seconds_best: \(String(format: "%.3f", steps.min()!))")
            print("method\(method)_step_seconds_median: \(String(format: "%.3f", steps.sorted()[steps.count / 2]))")
        }
    }

    private func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return left ? fill + s : s + fill
    }
}
