import XCTest
import TLTensor
@testable import TLNN

/// The preprocessing layers against tf-keras (Fixtures/KerasPhotoModelFixtures.swift, made by
/// scripts/make_photo_model_fixtures.py) and the random ones against the distributions Keras draws from.
final class PreprocessingLayerTests: XCTestCase {
    private let batch = Tensor(shape: [2, 7, 9, 3], scalars: KerasPhotoModelFixtures.batch)

    private func assertClose(_ actual: Tensor, _ expected: [Float], tolerance: Float = 1e-4, _ message: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, message, file: file, line: line)
        let worst = zip(actual.scalars, expected).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(worst, tolerance, message, file: file, line: line)
    }

    func testDeterministicLayersEqualKeras() throws {
        assertClose(try Rescaling(scale: 1.0 / 255, offset: -0.5).forward(batch, mode: .inference), KerasPhotoModelFixtures.rescaled, "Rescaling")
        let resized = try Resizing(height: 4, width: 11).forward(batch, mode: .inference)
        XCTAssertEqual(resized.shape, [2, 4, 11, 3])
        assertClose(resized, KerasPhotoModelFixtures.resized, tolerance: 1e-3, "Resizing")
        assertClose(try Resizing(height: 5, width: 5, cropToAspectRatio: true).forward(batch, mode: .inference),
                    KerasPhotoModelFixtures.resizedCropped, tolerance: 1e-3, "Resizing(crop_to_aspect_ratio)")
        assertClose(try Resizing(height: 4, width: 5, centerCrop: true).forward(batch, mode: .inference),
                    KerasPhotoModelFixtures.centerCropped, "CenterCrop")
        assertClose(try Resizing(height: 8, width: 6, centerCrop: true).forward(batch, mode: .inference),
                    KerasPhotoModelFixtures.centerCropUpsized, tolerance: 1e-3, "CenterCrop onto a larger size")
        let normalization = Normalization()
        try normalization.adapt(batch)
        assertClose(try normalization.forward(batch, mode: .inference), KerasPhotoModelFixtures.normalized, tolerance: 1e-4, "Normalization")
    }

    func testAffineTransformsSampleAsTensorFlow() {
        let image = KerasPhotoModelFixtures.transformImage
        let transforms: [String: AffineImageTransform] = [
            "rotation": .rotation(0.4, width: 6, height: 5),
            "zoom": .zoom(x: 1.3, y: 0.8, width: 6, height: 5),
            "translation": .translation(dx: 1.5, dy: -0.7),
        ]
        for (name, mode, expected) in KerasPhotoModelFixtures.transformed {
            let output = transforms[name]!.apply(to: image, width: 6, height: 5, channels: 2, fill: ImageFillMode(rawValue: mode)!, fillValue: 3)
            let worst = zip(output, expected).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThan(worst, 1e-3, "\(name) with fill_mode \(mode)")
        }
    }

    func testRandomLayersAreTheIdentityInInference() throws {
        let layers: [Layer] = [try RandomFlip(seed: 1), try RandomRotation(lower: -0.2, upper: 0.2, seed: 1),
                               try RandomZoom(height: (-0.3, 0.3), width: nil, seed: 1),
                               try RandomTranslation(height: (-0.2, 0.2), width: (-0.2, 0.2), seed: 1),
                               try RandomContrast(lower: 0.5, upper: 0.5, seed: 1), try RandomBrightness(lower: -0.3, upper: 0.3, seed: 1)]
        for layer in layers {
            XCTAssertEqual(try layer.forward(batch, mode: .inference).scalars, batch.scalars, layer.typeName)
            XCTAssertNotEqual(try layer.forward(batch, mode: ForwardMode(training: true, keepForBackward: false)).scalars, batch.scalars,
                              "\(layer.typeName) transforms in training")
        }
    }

    /// Each image is flipped with probability 1/2: over 2000 one-pixel-wide rows, about 1000 flips
    /// (binomial standard deviation 22; the bound is 5 of them).
    func testRandomFlipFlipsHalfTheImages() throws {
        let n = 2000
        var scalars: [Float] = []
        for _ in 0..<n { scalars += [0, 1] }
        let x = Tensor(shape: [n, 1, 2, 1], scalars: scalars)
        let y = try RandomFlip(mode: "horizontal", seed: 7).forward(x, mode: ForwardMode(training: true, keepForBackward: false))
        let flipped = stride(from: 0, to: y.count, by: 2).filter { y.scalars[$0] == 1 }.count
        XCTAssertLessThan(abs(flipped - n / 2), 110)
        let vertical = try RandomFlip(mode: "vertical", seed: 7).forward(x, mode: ForwardMode(training: true, keepForBackward: false))
        XCTAssertEqual(vertical.scalars, x.scalars, "a vertical flip of one-row images changes nothing")
    }

    /// Each image comes out as itself or one of its three flips (left-right, top-bottom, both), written
    /// out index by index, and all four occur.
    func testRandomFlipOnBothAxesGivesOneOfTheFourFlipsOfEachImage() throws {
        let (n, h, w, c) = (64, 2, 3, 2)
        let x = Tensor(shape: [n, h, w, c], scalars: (0..<(n * h * w * c)).map { Float($0) })
        let y = try RandomFlip(seed: 3).forward(x, mode: ForwardMode(training: true, keepForBackward: false))
        func flip(_ i: Int, _ flipY: Bool, _ flipX: Bool) -> [Float] {
            var out: [Float] = []
            for r in 0..<h { for col in 0..<w { for k in 0..<c {
                out.append(x.scalars[((i * h + (flipY ? h - 1 - r : r)) * w + (flipX ? w - 1 - col : col)) * c + k])
            } } }
            return out
        }
        var seen = Set<Int>()
        for i in 0..<n {
            let image = Array(y.scalars[(i * h * w * c)..<((i + 1) * h * w * c)])
            let kind = (0..<4).first { flip(i, $0 & 2 != 0, $0 & 1 != 0) == image }
            XCTAssertNotNil(kind, "image \(i) is not a flip of its input")
            kind.map { _ = seen.insert($0) }
        }
        XCTAssertEqual(seen, [0, 1, 2, 3])
    }

    /// Per-channel statistics apply along the last axis; a batch with other channels is an error, not a
    /// silent wrap-around.
    func testNormalizationAppliesItsStatisticsPerChannel() throws {
        let layer = Normalization(mean: [1, 2], variance: [4, 16])
        let y = try layer.forward(Tensor(shape: [2, 2], scalars: [3, 6, -1, 2]), mode: .inference)
        XCTAssertEqual(y.scalars, [1, 1, -1, 0])
        XCTAssertEqual(try layer.backward(Tensor(shape: [2, 2], scalars: [1, 1, 2, 2]), needsInputGradient: true)?.scalars,
                       [0.5, 0.25, 1, 0.5])
        XCTAssertThrowsError(try layer.forward(Tensor(shape: [1, 3], scalars: [1, 2, 3]), mode: .inference))
    }

    /// RandomRotation draws its angle uniformly in [-factor, factor] * 2 pi: rotating a single bright
    /// pixel's position recovers each image's angle; their mean is near 0 and their spread matches a
    /// uniform's (standard deviation range / sqrt(12)).
    func testRandomRotationAnglesAreUniformOverTheFactorRange() throws {
        let layer = try RandomRotation(lower: -0.1, upper: 0.1, seed: 11)
        var angles: [Float] = []
        for _ in 0..<400 {
            let transform = layer.drawTransform(width: 9, height: 9)
            angles.append(atan2(transform.b.0, transform.a.0))
        }
        let limit = Float(0.1 * 2 * Double.pi)
        XCTAssertLessThanOrEqual(angles.map(abs).max()!, limit + 1e-5)
        XCTAssertGreaterThan(angles.max()!, limit * 0.95)
        XCTAssertLessThan(angles.min()!, -limit * 0.95)
        let mean = angles.reduce(0, +) / Float(angles.count)
        let deviation = (angles.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(angles.count)).squareRoot()
        XCTAssertLessThan(abs(mean), 0.06)
        XCTAssertEqual(deviation, 2 * limit / Float(12).squareRoot(), accuracy: 0.05)
    }

    func testZoomTranslationBrightnessAndContrastDrawInTheirRanges() throws {
        let zoom = try RandomZoom(height: (-0.2, 0.3), width: (0.1, 0.1), seed: 3)
        let translation = try RandomTranslation(height: (-0.25, 0.25), width: (0, 0.5), seed: 3)
        for _ in 0..<200 {
            let z = zoom.drawTransform(width: 10, height: 10)
            XCTAssertTrue((0.8...1.3).contains(z.b.1), "height zoom \(z.b.1)")
            XCTAssertEqual(z.a.0, 1.1, accuracy: 1e-6)
            let t = translation.drawTransform(width: 8, height: 12)
            XCTAssertTrue((-3...3).contains(-t.b.2) && (0...4).contains(-t.a.2))
        }
        let flat = Tensor(shape: [300, 1, 1, 1], repeating: 100)
        let bright = try RandomBrightness(lower: -0.2, upper: 0.2, seed: 5).forward(flat, mode: ForwardMode(training: true, keepForBackward: false))
        let shifts = bright.scalars.map { $0 - 100 }
        XCTAssertLessThanOrEqual(shifts.map(abs).max()!, 51)
        XCTAssertLessThan(abs(shifts.reduce(0, +) / 300), 6, "uniform in [-51, 51]: mean near 0")
        let contrasted = try RandomContrast(lower: 0.5, upper: 0.5, seed: 5).forward(batch, mode: ForwardMode(training: true, keepForBackward: false))
        XCTAssertTrue(contrasted.scalars.allSatisfy { $0 >= 0 && $0 <= 255 })
    }

    /// A 3-step fit of Dense(1) with BinaryCrossentropy(from_logits=True): plain, with class_weight
    /// {0: 1, 1: 2} and with label_smoothing 0.2, against Keras's epoch loss and final weights.
    func testClassWeightAndLabelSmoothingTrainAsKeras() throws {
        let x = Tensor(shape: [12, 4], scalars: KerasPhotoModelFixtures.fitX)
        let y = Tensor(shape: [12, 1], scalars: KerasPhotoModelFixtures.fitY)
        for (name, loss, weights, smoothing) in KerasPhotoModelFixtures.fits {
            let dense = Dense(units: 1)
            let model = try Sequential([dense], inputShape: [4])
            dense.kernel!.value = Tensor(shape: [4, 1], scalars: KerasPhotoModelFixtures.fitKernel)
            try model.compile(optimizer: SGD(learningRate: 0.1), loss: .binaryCrossentropy, metricDefinitions: [],
                              lossOptions: LossOptions(fromLogits: true, labelSmoothing: smoothing))
            let history = try model.fit(x: x, y: y, epochs: 1, batchSize: 4, shuffle: false, progress: .silent,
                                        classWeight: name == "classWeighted" ? [0: 1, 1: 2] : nil)
            XCTAssertEqual(history["loss"]!.last!, loss, accuracy: 1e-5, name)
            let trained = dense.kernel!.value.scalars + dense.bias!.value.scalars
            XCTAssertLessThan(zip(trained, weights).map { abs($0 - $1) }.max()!, 1e-5, name)
        }
    }

    /// sample_weight equal to each sample's class weight trains exactly as class_weight does.
    func testSampleWeightEqualsTheClassWeightItSpellsOut() throws {
        let x = Tensor(shape: [12, 4], scalars: KerasPhotoModelFixtures.fitX)
        let y = Tensor(shape: [12, 1], scalars: KerasPhotoModelFixtures.fitY)
        let (_, loss, weights, _) = KerasPhotoModelFixtures.fits.first { $0.0 == "classWeighted" }!
        let dense = Dense(units: 1)
        let model = try Sequential([dense], inputShape: [4])
        dense.kernel!.value = Tensor(shape: [4, 1], scalars: KerasPhotoModelFixtures.fitKernel)
        try model.compile(optimizer: SGD(learningRate: 0.1), loss: .binaryCrossentropy, metricDefinitions: [],
                          lossOptions: LossOptions(fromLogits: true))
        let history = try model.fit(x: x, y: y, epochs: 1, batchSize: 4, shuffle: false, progress: .silent,
                                    sampleWeight: KerasPhotoModelFixtures.fitY.map { $0 == 1 ? 2 : 1 })
        XCTAssertEqual(history["loss"]!.last!, loss, accuracy: 1e-5)
        XCTAssertLessThan(zip(dense.kernel!.value.scalars + dense.bias!.value.scalars, weights).map { abs($0 - $1) }.max()!, 1e-5)
        XCTAssertThrowsError(try model.fit(x: x, y: y, epochs: 1, progress: .silent, sampleWeight: [1, 2]))
    }

    func testTrainingFalseKeepsANodeInInferenceWhileTheGraphTrains() throws {
        let graph = Functional(inputShape: [4])
        let dropout = Dropout(rate: 0.9, seed: 1)
        _ = try graph.apply(dropout, to: graph.input, training: false)
        let x = Tensor(shape: [3, 4], repeating: 1)
        XCTAssertEqual(try graph.forward(x, mode: ForwardMode(training: true, keepForBackward: false)).scalars, x.scalars)
        let free = Functional(inputShape: [4])
        _ = try free.apply(Dropout(rate: 0.9, seed: 1), to: free.input)
        XCTAssertNotEqual(try free.forward(x, mode: ForwardMode(training: true, keepForBackward: false)).scalars, x.scalars)
    }
}
