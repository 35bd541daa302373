import XCTest
import TLTensor
@testable import TLNN

/// The layers keras.applications' bases need beyond VGG16 and EfficientNet-Lite: values on hand-checked
/// cases and backward passes against central differences.
final class ApplicationLayerTests: XCTestCase {
    var fd = FiniteDifferenceCheck(rng: RandomGenerator(seed: 14))

    func testZeroPaddingPlacesTheImageAndPassesTheInnerGradient() throws {
        let pad = ZeroPadding2D(top: 1, bottom: 0, left: 0, right: 2)
        let x = Tensor(shape: [1, 2, 2, 1], scalars: [1, 2, 3, 4])
        let y = try pad.forward(x, mode: .inference)
        XCTAssertEqual(y.shape, [1, 3, 4, 1])
        XCTAssertEqual(y.scalars, [0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0])
        XCTAssertEqual(try pad.outputShape(for: [nil, 5, 3]).map { $0 ?? -1 }, [-1, 7, 3])
        try fd.check(ZeroPadding2D((3, 3)), input: fd.random([2, 3, 2, 2]))
        try fd.check(ZeroPadding2D(top: 0, bottom: 1, left: 1, right: 0), input: fd.random([1, 2, 3, 3]))
    }

    /// 'same' average pooling divides by the count of real pixels in the window (TensorFlow's avg_pool).
    func testAveragePoolingExcludesPaddingFromTheMean() throws {
        let x = Tensor(shape: [1, 2, 2, 1], scalars: [1, 2, 3, 4])
        let same = try AveragePooling2D(poolSize: (3, 3), strides: (1, 1), padding: .same).forward(x, mode: .inference)
        XCTAssertEqual(same.scalars, [2.5, 2.5, 2.5, 2.5])
        let valid = try AveragePooling2D(poolSize: (2, 2)).forward(Tensor(shape: [1, 2, 4, 1], scalars: [1, 2, 3, 4, 5, 6, 7, 8]), mode: .inference)
        XCTAssertEqual(valid.scalars, [3.5, 5.5])
        try fd.check(AveragePooling2D(poolSize: (3, 3), strides: (1, 1), padding: .same), input: fd.random([2, 4, 3, 2]))
        try fd.check(AveragePooling2D(poolSize: (2, 2), strides: (2, 2)), input: fd.random([1, 5, 4, 3]))
    }

    /// Separable = depthwise then pointwise: checked against the two existing layers run in turn.
    func testSeparableConvolutionIsDepthwiseThenPointwise() throws {
        let separable = SeparableConv2D(filters: 4, kernelSize: (3, 3), strides: (2, 2), padding: .same, useBias: true)
        let x = fd.random([2, 5, 6, 3])
        _ = try separable.forward(x, mode: .inference)
        separable.bias!.value = fd.random([4])
        let depthwise = DepthwiseConv2D(kernelSize: (3, 3), strides: (2, 2), padding: .same, useBias: false)
        let pointwise = Conv2D(filters: 4, kernelSize: (1, 1))
        _ = try pointwise.forward(try depthwise.forward(x, mode: .inference), mode: .inference)
        depthwise.kernel!.value = separable.depthwiseKernel!.value
        pointwise.kernel!.value = separable.pointwiseKernel!.value
        pointwise.bias!.value = separable.bias!.value
        let expected = try pointwise.forward(try depthwise.forward(x, mode: .inference), mode: .inference)
        let y = try separable.forward(x, mode: .inference)
        XCTAssertEqual(y.shape, [2, 3, 3, 4])
        for (a, b) in zip(y.scalars, expected.scalars) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        XCTAssertEqual(separable.weights.map(\.name), ["depthwise_kernel", "pointwise_kernel", "bias"])
        try fd.check(separable, input: x)
        try fd.check(SeparableConv2D(filters: 3, kernelSize: (3, 3), padding: .valid, useBias: false), input: fd.random([1, 5, 5, 2]))
    }

    /// Concatenation along channels inside a graph; gradients reach both branches' weights and the input.
    func testConcatenateJoinsChannelsAndSplitsGradients() throws {
        let join = Concatenate()
        let a = Tensor(shape: [1, 1, 2, 1], scalars: [1, 2]), b = Tensor(shape: [1, 1, 2, 2], scalars: [3, 4, 5, 6])
        XCTAssertEqual(try join.forward([a, b], mode: .inference).scalars, [1, 3, 4, 2, 5, 6])
        XCTAssertEqual(try join.outputShape(for: [[nil, 2, 1], [4, 2, 2]]).map { $0 ?? -1 }, [4, 2, 3])
        XCTAssertThrowsError(try join.outputShape(for: [[3, 2, 1], [4, 2, 2]]))
        let graph = Functional(inputShape: [4, 4, 2])
        let left = try graph.apply(Conv2D(filters: 2, kernelSize: (3, 3), padding: .same), to: graph.input)
        let right = try graph.apply(AveragePooling2D(poolSize: (3, 3), strides: (1, 1), padding: .same), to: graph.input)
        let joined = try graph.apply(Concatenate(), to: [left, right, graph.input])
        XCTAssertEqual(joined.shape.map { $0 ?? -1 }, [4, 4, 6])
        try fd.check(graph, input: fd.random([2, 4, 4, 2]))
    }

    /// Keras's `ReLU(max_value=6.)` is ReLU6 with its own type name; other ceilings are refused.
    func testReLULayerWithMaxValue() throws {
        let relu6 = try ActivationLayer.relu(maxValue: 6)
        XCTAssertEqual(relu6.typeName, "ReLU")
        let y = try relu6.forward(Tensor(shape: [1, 4], scalars: [-1, 3, 6.5, 10]), mode: .inference)
        XCTAssertEqual(y.scalars, [0, 3, 6, 6])
        XCTAssertEqual(try ActivationLayer.relu().activation, .relu)
        XCTAssertThrowsError(try ActivationLayer.relu(maxValue: 4))
        // Values away from the kinks at 0 and 6.
        let x = Tensor(shape: [2, 4], scalars: [-2, 0.5, 3, 5, 7, 9, -0.5, 1.5])
        try fd.check(relu6, input: x, epsilon: 1e-3)
    }

    func testReshapeAndGlobalPoolingKeepingDimensions() throws {
        let pool = GlobalAveragePooling2D(keepDimensions: true)
        XCTAssertEqual(try pool.outputShape(for: [7, 7, 5]).map { $0 ?? -1 }, [1, 1, 5])
        let x = fd.random([2, 3, 3, 5])
        XCTAssertEqual(try pool.forward(x, mode: .inference).shape, [2, 1, 1, 5])
        try fd.check(pool, input: x)
        let reshape = Reshape(targetShape: [5])
        XCTAssertThrowsError(try reshape.outputShape(for: [1, 2, 5]))
        try fd.check(reshape, input: fd.random([2, 1, 1, 5]))
    }

    /// InceptionV3's batch normalisation has no gamma (`scale=False`): three weights, gamma taken as 1,
    /// in training (batch statistics) and inference.
    func testBatchNormalizationWithoutScale() throws {
        let bn = BatchNormalization(scale: false)
        try bn.build(inputShape: [nil, nil, 3])
        XCTAssertEqual(bn.weights.map(\.name), ["beta", "moving_mean", "moving_variance"])
        XCTAssertEqual(bn.trainableWeights.map(\.name), ["beta"])
        bn.beta!.value = fd.random([3])
        bn.movingMean!.value = fd.random([3])
        bn.movingVariance!.value = Tensor(shape: [3], scalars: [0.5, 1.5, 2])
        let x = fd.random([2, 2, 3, 3], scale: 2)
        let y = try bn.forward(x, mode: .inference)
        for i in 0..<x.count {
            let c = i % 3
            let expected = (x.scalars[i] - bn.movingMean!.value.scalars[c]) / (bn.movingVariance!.value.scalars[c] + 1e-3).squareRoot() + bn.beta!.value.scalars[c]
            XCTAssertEqual(y.scalars[i], expected, accuracy: 1e-5)
        }
        try fd.check(bn, input: x)
        try fd.check(bn, input: x, mode: ForwardMode(training: false, keepForBackward: true))
    }
}

extension ApplicationLayerTests {
    /// Inference folds ResNet's `Add` + ReLU into one pass; the values are those of the two layers.
    func testAddFollowedByReLUFoldsWithoutChangingValues() throws {
        let graph = Functional(inputShape: [4, 4, 3])
        let conv = try graph.apply(Conv2D(filters: 3, kernelSize: (3, 3), padding: .same), to: graph.input)
        let sum = try graph.apply(Add(), to: [conv, graph.input])
        try graph.apply(ActivationLayer(.relu), to: sum)
        XCTAssertEqual(AddActivationFolding.find(in: graph.planNodes), [2: 3])
        let x = fd.random([2, 4, 4, 3])
        let folded = try graph.forward(x, mode: .inference)
        let separate = try graph.forward(x, mode: ForwardMode(training: false, keepForBackward: true))
        XCTAssertEqual(folded, separate)
        XCTAssertTrue(folded.scalars.contains(0) && folded.scalars.contains { $0 > 0 })
    }
}
