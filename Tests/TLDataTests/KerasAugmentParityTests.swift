import Foundation
import TLData
import TLTensor
import TLTestSupport
import XCTest

/// tl's augmentation against Keras's own results, computed once in the Keras venv and stored in
/// Fixtures/KerasAugmentFixtures.swift by scripts/make_augment_fixtures.py.
final class KerasAugmentParityTests: XCTestCase {
    private typealias F = KerasAugmentFixtures
    private let image = FloatImage(height: 5, width: 7, values: KerasAugmentFixtures.image)

    private func parameters(_ a: [Double]) -> AugmentationParameters {
        AugmentationParameters(theta: a[0], tx: a[1], ty: a[2], shear: a[3], zx: a[4], zy: a[5])
    }

    func testAffineTransformMatchesScipyForEveryFillMode() throws {
        XCTAssertEqual(Set(F.affine.map(\.mode)), Set(FillMode.allCases.map(\.rawValue)))
        for (values, mode, cval, expected) in F.affine {
            let augmentation = try ImageAugmentation(fillMode: try FillMode(kerasName: mode), cval: cval)
            let out = augmentation.apply(parameters(values), to: image)
            let worst = zip(out.values, expected).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(worst, 1e-4, "\(mode) \(values): off by \(worst)")
        }
    }

    func testChannelShiftFlipsAndBrightnessMatchKeras() throws {
        for (affine, flips, shift, brightness, mode, cval, expected) in F.transforms {
            var p = parameters(affine)
            p.flipHorizontal = flips.0
            p.flipVertical = flips.1
            p.channelShiftIntensity = shift.isNaN ? nil : shift
            p.brightness = brightness.isNaN ? nil : brightness
            let augmentation = try ImageAugmentation(fillMode: try FillMode(kerasName: mode), cval: cval)
            let out = augmentation.apply(p, to: image)
            let worst = zip(out.values, expected).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(worst, 1e-3, "\(p): off by \(worst)")
        }
    }

    /// The seeded draws are Keras's to the last bit.
    func testRandomParametersAreKerasDraws() throws {
        let settings: [String: ImageAugmentation] = [
            "walkthrough": try ImageAugmentation(rotationRange: 40, widthShiftRange: .uniform(0.2), heightShiftRange: .uniform(0.2),
                                                 shearRange: 0.2, zoom: 0.2, horizontalFlip: true),
            "everything": try ImageAugmentation(rotationRange: 10, widthShiftRange: .integer(20), heightShiftRange: .choices([0.1, 0.3]),
                                                shearRange: 5, zoomRange: (0.7, 1.1), channelShiftRange: 30,
                                                brightnessRange: (0.5, 1.5), horizontalFlip: true, verticalFlip: true),
        ]
        for (name, seed, rows) in F.draws {
            var random = MersenneTwister(seed: seed)
            for row in rows {
                let p = settings[name]!.randomParameters(height: 40, width: 60, random: &random)
                let drawn: [Double] = [p.theta, p.tx, p.ty, p.shear, p.zx, p.zy, p.flipHorizontal ? 1 : 0, p.flipVertical ? 1 : 0,
                             p.channelShiftIntensity ?? .nan, p.brightness ?? .nan]
                for (a, b) in zip(drawn, row) where !(a.isNaN && b.isNaN) {
                    XCTAssertEqual(a, b, "\(name) seed \(seed): \(drawn) != \(row)")
                }
            }
        }
    }

    func testPreprocessingFunctionsMatchKerasPreprocessInput() throws {
        for (name, expected) in F.preprocessed {
            var picture = FloatImage(height: 1, width: 2, values: F.preprocessInput)
            try PreprocessingFunction(name: name).apply(to: &picture)
            for (a, e) in zip(picture.values, expected) { XCTAssertEqual(a, e, accuracy: 1e-5, name) }
        }
    }

    /// A seeded, augmented flow gives Keras's files, in Keras's order, transformed as Keras transforms them.
    func testSeededAugmentedFlowMatchesKeras() throws {
        let augmentation = try ImageAugmentation(rotationRange: 40, widthShiftRange: .uniform(0.2), heightShiftRange: .uniform(0.2),
                                                 shearRange: 0.2, zoom: 0.2, horizontalFlip: true, fillMode: .nearest)
        for workers in [1, 2] {
            let flow = try DirectoryIterator(directory: SharedFiles.data.appendingPathComponent("train").path,
                                             targetSize: (24, 32), batchSize: 3, classMode: .binary, seed: 7,
                                             config: ImageDataGeneratorConfig(rescale: 1 / 255, augmentation: augmentation),
                                             workers: workers)
            for (files, sums, samples) in F.flowBatches {
                let batch = try flow.next()
                XCTAssertEqual(batch.images.shape, [3, 24, 32, 3])
                for i in 0..<3 {
                    let image = Array(batch.images.scalars[(i * 2304)..<((i + 1) * 2304)])
                    let sum = image.reduce(0.0) { $0 + Double($1) }
                    XCTAssertEqual(sum, sums[i], accuracy: 1e-3, "\(files[i]) with \(workers) workers")
                    for ((r, c, k), expected) in zip(F.flowPositions, samples[i]) {
                        XCTAssertEqual(image[(r * 32 + c) * 3 + k], expected, accuracy: 1e-5, "\(files[i]) at (\(r), \(c), \(k))")
                    }
                }
                XCTAssertEqual(batch.labels, Tensor(shape: [3], scalars: files.map { $0.hasPrefix("dogs") ? 1 : 0 }))
            }
        }
    }
}
