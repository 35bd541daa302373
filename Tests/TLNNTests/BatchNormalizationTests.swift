import XCTest
import TLTensor
@testable import TLNN

final class BatchNormalizationTests: XCTestCase {
    var fd = FiniteDifferenceCheck()

    /// A BN layer with non-trivial gamma, beta and moving statistics.
    func makeLayer(channels: Int) throws -> BatchNormalization {
        let bn = BatchNormalization()
        try bn.build(inputShape: [nil, nil, channels])
        bn.gamma!.value = fd.random([channels], scale: 2)
        bn.beta!.value = fd.random([channels])
        bn.movingMean!.value = fd.random([channels])
        var variance = fd.random([channels])
        for i in 0..<channels { variance.scalars[i] = 0.5 + abs(variance.scalars[i]) }
        bn.movingVariance!.value = variance
        return bn
    }

    /// Training mode: batch statistics, whose dependence on x enters dx.
    func testGradientsWithBatchStatistics() throws {
        try fd.check(try makeLayer(channels: 3), input: fd.random([2, 3, 4, 3], scale: 2))
        try fd.check(try makeLayer(channels: 4), input: fd.random([5, 4], scale: 2))
    }

    /// Inference mode (and a frozen layer in training): the moving statistics, an affine map.
    func testGradientsWithMovingStatistics() throws {
        try fd.check(try makeLayer(channels: 3), input: fd.random([2, 3, 2, 3]), mode: ForwardMode(training: false, keepForBackward: true))
        let frozen = try makeLayer(channels: 2)
        frozen.trainable = false
        let x = fd.random([3, 2, 2, 2])
        let output = try frozen.forward(x, mode: ForwardMode(training: true, keepForBackward: true))
        let dx = try XCTUnwrap(try frozen.backward(Tensor(shape: x.shape, repeating: 1), needsInputGradient: true))
        for i in 0..<x.count {
            let c = i % 2
            let invStd = 1 / (frozen.movingVariance!.value.scalars[c] + 1e-3).squareRoot()
            let gamma = frozen.gamma!.value.scalars[c]
            XCTAssertEqual(dx.scalars[i], gamma * invStd, accuracy: 1e-5)
            let expected = gamma * (x.scalars[i] - frozen.movingMean!.value.scalars[c]) * invStd + frozen.beta!.value.scalars[c]
            XCTAssertEqual(output.scalars[i], expected, accuracy: 1e-5)
        }
    }

    /// Training mode normalises with the batch's own mean and biased variance and moves the moving
    /// statistics by `moving * 0.99 + batch * 0.01`; a frozen layer leaves them alone.
    func testTrainingNormalisesAndUpdatesMovingStatistics() throws {
        let bn = BatchNormalization()
        // Channel 0 takes 1, 2, 3, 4; channel 1 takes 10, 10, 10, 14.
        let x = Tensor(shape: [2, 1, 2, 2], scalars: [1, 10, 2, 10, 3, 10, 4, 14])
        let y = try bn.forward(x, mode: ForwardMode(training: true, keepForBackward: false))
        let mean: [Float] = [2.5, 11], variance: [Float] = [1.25, 3]
        for i in 0..<x.count {
            let c = i % 2
            XCTAssertEqual(y.scalars[i], (x.scalars[i] - mean[c]) / (variance[c] + 1e-3).squareRoot(), accuracy: 1e-5)
        }
        XCTAssertEqual(bn.movingMean!.value.scalars[0], 0.01 * 2.5, accuracy: 1e-6)
        XCTAssertEqual(bn.movingMean!.value.scalars[1], 0.01 * 11, accuracy: 1e-6)
        XCTAssertEqual(bn.movingVariance!.value.scalars[0], 0.99 + 0.01 * 1.25, accuracy: 1e-6)
        XCTAssertEqual(bn.movingVariance!.value.scalars[1], 0.99 + 0.01 * 3, accuracy: 1e-6)

        let saved = bn.weights.map(\.value)
        bn.trainable = false
        let frozenOutput = try bn.forward(x, mode: ForwardMode(training: true, keepForBackward: false))
        XCTAssertEqual(bn.weights.map(\.value), saved, "a frozen BatchNormalization must not update its moving statistics")
        XCTAssertEqual(frozenOutput, try bn(x), "a frozen BatchNormalization runs in inference mode")
        // Inference never updates them either.
        bn.trainable = true
        _ = try bn(x)
        XCTAssertEqual(bn.weights.map(\.value), saved)
    }

    /// gamma and beta are trainable; the moving statistics count as non-trainable parameters, as in Keras.
    func testMovingStatisticsAreNeverTrainable() throws {
        let bn = BatchNormalization(name: "bn")
        try bn.build(inputShape: [4, 4, 8])
        XCTAssertEqual(bn.weights.map(\.name), ["gamma", "beta", "moving_mean", "moving_variance"])
        XCTAssertEqual(bn.trainableWeights.map(\.name), ["gamma", "beta"])
        XCTAssertEqual(bn.nonTrainableWeights.map(\.name), ["moving_mean", "moving_variance"])
        let model = try Sequential([InputLayer(shape: [4, 4, 8]), Conv2D(filters: 8, kernelSize: (3, 3), padding: .same), bn, Flatten(), Dense(units: 1)])
        XCTAssertTrue(summaryText(of: model).contains("Non-trainable params: 16"), summaryText(of: model))
        XCTAssertEqual(model.trainableWeights.count, 6)
        bn.trainable = false
        XCTAssertEqual(bn.nonTrainableWeights.count, 4)
    }
}
