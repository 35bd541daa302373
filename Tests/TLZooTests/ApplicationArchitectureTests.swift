import XCTest
import TLTensor
import TLNN
import TLTestSupport
import TLSaving
@testable import TLZoo

/// The six keras.applications bases are built as tf-keras 2.x builds them: layer by layer (names, class,
/// output shape, parameters, inbound layers, in `model.layers` order), the totals, and Keras's input rules.
final class ApplicationArchitectureTests: XCTestCase {
    static let builders: [(key: String, make: (ApplicationOptions) throws -> Layer)] = [
        ("vgg19", { try VGG19.make($0) }), ("resnet50", { try ResNet50.make($0) }), ("mobilenet", { try MobileNet.make($0) }),
        ("mobilenetv2", { try MobileNetV2.make($0) }), ("inceptionv3", { try InceptionV3.make($0) }), ("xception", { try Xception.make($0) }),
    ]

    /// tl's rows for the table: a Sequential's layers each fed by the one before, a graph's nodes.
    func rows(of model: Layer) throws -> [BaseFixtures.LayerRow] {
        if let graph = model as? Functional {
            let shapes = try graph.nodeShapes(for: graph.inputShape)
            return graph.nodes.enumerated().map { i, node in
                BaseFixtures.LayerRow(name: node.layer.name, className: node.layer.typeName, outputShape: describeShape(shapes[i]),
                                      parameters: node.layer.parameterCount, inbound: node.inputs.map { graph.nodes[$0].layer.name })
            }
        }
        let sequential = try XCTUnwrap(model as? Sequential)
        var shape = try XCTUnwrap(sequential.inputShape)
        return try sequential.layers.enumerated().map { i, layer in
            if i > 0 { shape = try layer.outputShape(for: shape) }
            return BaseFixtures.LayerRow(name: layer.name, className: layer.typeName, outputShape: describeShape(shape),
                                         parameters: layer.parameterCount, inbound: i == 0 ? [] : [sequential.layers[i - 1].name])
        }
    }

    /// The totals without the top that the issue quotes.
    static let totalsWithoutTop = ["vgg19": 20_024_384, "resnet50": 23_587_712, "mobilenet": 3_228_864, "mobilenetv2": 2_257_984,
                                   "inceptionv3": 21_802_784, "xception": 20_861_480]

    func checkAgainstKeras(top: Bool) throws {
        for (key, make) in Self.builders {
            LayerNames.reset()
            let model = try make(ApplicationOptions(includeTop: top))
            let keras = try BaseFixtures.layerTable("\(key)_\(top ? "top" : "notop")")
            let ours = try rows(of: model)
            XCTAssertEqual(ours.count, keras.rows.count, "\(key): layer count")
            for (a, b) in zip(ours, keras.rows) where a != b {
                XCTFail("\(key): tl has \(a), Keras has \(b)")
                break
            }
            XCTAssertEqual(model.name, keras.modelName)
            XCTAssertEqual(model.parameterCount, keras.total, "\(key) total")
            if !top { XCTAssertEqual(model.parameterCount, Self.totalsWithoutTop[key], "\(key) total quoted") }
            XCTAssertEqual(model.trainableWeights.reduce(0) { $0 + $1.count }, keras.trainable, "\(key) trainable")
            try checkPrintedSummary(of: model, ours, file: "\(key)_\(top ? "top" : "notop")_summary")
            let summary = model is Functional ? summaryText(of: model as! Functional) : summaryText(of: model as! Sequential)
            XCTAssertTrue(summary.contains("Total params: \(groupedThousands(keras.total))\n"), key)
            XCTAssertTrue(summary.contains("Non-trainable params: \(groupedThousands(keras.total - keras.trainable))\n"), key)
        }
    }

    /// tl's rows against what tf-keras 2.21's `summary()` printed for the same model, row by row.
    func checkPrintedSummary(of model: Layer, _ ours: [BaseFixtures.LayerRow], file: String) throws {
        let printed = try BaseFixtures.printedSummary(file)
        XCTAssertEqual(printed.rows.count, ours.count, file)
        XCTAssertEqual(printed.total, model.parameterCount, file)
        XCTAssertEqual(printed.connected, !["vgg19", "mobilenet"].contains { file.hasPrefix($0 + "_") }, file)
        for (row, keras) in zip(ours, printed.rows) {
            // Keras shows an InputLayer's shape as a list of one shape: [(None, 224, 224, 3)].
            let shape = row.className == "InputLayer" ? "[\(row.outputShape)]" : row.outputShape
            let expected = BaseFixtures.PrintedRow(layer: "\(row.name)(\(row.className))", shape: shape.filter { $0 != " " },
                                                   parameters: row.parameters, connections: printed.connected ? row.inbound : [])
            if expected != keras {
                XCTFail("\(file): tl prints \(expected), Keras printed \(keras)")
                break
            }
        }
    }

    func testBasesWithoutTopMatchKerasLayerByLayer() throws { try checkAgainstKeras(top: false) }

    func testBasesWithTopMatchKerasLayerByLayer() throws { try checkAgainstKeras(top: true) }

    /// The names the book's fine-tuning loop looks for, and the feature shape at the walkthrough's size.
    func testResNet50NamesAndFeatureShape() throws {
        let resnet = try ResNet50.make(ApplicationOptions(includeTop: false, inputShape: [150, 150, 3]))
        XCTAssertNotNil(resnet.layer(named: "conv5_block1_1_conv"))
        XCTAssertEqual(try resnet.outputShape(for: [150, 150, 3]).map { $0 ?? -1 }, [5, 5, 2048])
    }

    /// Keras's `obtain_input_shape` rules and messages, the alpha rules, and pooling.
    func testInputRulesAndMessages() throws {
        func message(_ body: () throws -> Any) -> String {
            do { _ = try body(); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message { try ResNet50.make(ApplicationOptions(inputShape: [150, 150, 3], imagenetWeights: true)) },
                       "When setting `include_top=True` and loading `imagenet` weights, `input_shape` should be (224, 224, 3).")
        XCTAssertEqual(message { try InceptionV3.make(ApplicationOptions(includeTop: false, inputShape: [64, 64, 3])) },
                       "Input size must be at least 75x75; Received: input_shape=(64, 64, 3)")
        XCTAssertEqual(message { try Xception.make(ApplicationOptions(includeTop: true, inputShape: [nil, nil, 3])) },
                       "If `include_top` is True, you should specify a static `input_shape`. Received: input_shape=(None, None, 3)")
        XCTAssertEqual(message { try MobileNet.make(ApplicationOptions(includeTop: false, imagenetWeights: true), alpha: 0.6) },
                       "If imagenet weights are being loaded, alpha can be one of`0.25`, `0.50`, `0.75` or `1.0` only.  Received alpha=0.6")
        XCTAssertEqual(message { try MobileNetV2.make(ApplicationOptions(includeTop: true, classes: 10, imagenetWeights: true)) },
                       "If using `weights` as `\"imagenet\"` with `include_top` as true, `classes` should be 1000.  Received classes=10")
        XCTAssertEqual(try MobileNetV2.make(ApplicationOptions(includeTop: false, inputShape: [160, 160, 3], imagenetWeights: true)).name,
                       "mobilenetv2_1.00_160")
        let pooled = try MobileNetV2.make(ApplicationOptions(includeTop: false, inputShape: [96, 96, 3], pooling: .max), alpha: 0.35)
        XCTAssertEqual(try pooled.outputShape(for: [96, 96, 3]).map { $0 ?? -1 }, [1280])
        XCTAssertEqual(pooled.nodes.last?.layer.typeName, "GlobalMaxPooling2D")
        let small = try MobileNet.make(ApplicationOptions(includeTop: true, inputShape: [128, 128, 3], classes: 7, classifierActivation: .linear), alpha: 0.5)
        XCTAssertEqual(try small.outputShape(for: [128, 128, 3]).map { $0 ?? -1 }, [7])
    }
}

extension ApplicationArchitectureTests {
    /// A model file records every new layer (ReLU's ceiling, BatchNormalization's scale, padding sides,
    /// separable convolutions, concatenations, the kept dimensions of MobileNet's pooling, Reshape) and
    /// rebuilds the same graph.
    func testArchitecturesRoundTripThroughTheModelDescription() throws {
        for (key, make) in Self.builders where key != "vgg19" {
            LayerNames.reset()
            let model = try make(ApplicationOptions(includeTop: key == "mobilenet", inputShape: key == "mobilenet" ? [128, 128, 3] : nil))
            let json = try ModelArchitecture.json(try LayerRegistry.describe(model))
            let rebuilt = try ModelArchitecture.build(try XCTUnwrap(ModelArchitecture.parse(json: json)), source: "\(key).json")
            XCTAssertEqual(try rows(of: rebuilt), try rows(of: model), key)
            XCTAssertEqual(rebuilt.weights.map(\.shape), model.weights.map(\.shape), key)
            let scales = { (graph: Layer) in (graph as! Functional).nodes.map { ($0.layer as? BatchNormalization)?.scale } }
            XCTAssertEqual(scales(rebuilt), scales(model), key)
        }
    }

    /// The bases' `model_config` is written byte for byte as before layers described themselves: SHA-256
    /// of the JSON tl wrote at commit a9cd236 (from the two switches in ModelArchitecture).
    func testBaseDescriptionsAreWrittenAsBefore() throws {
        let expected: [(key: String, top: String, avg: String)] = [
            ("vgg19", "ae2ea2475f645eb84e406f7a1949959580339ae1c990bbe7c2e62088373b0707", "a6cdc7f02d5995aaf996c5ff0c94234b895443ee39d4b6a59337da0c9caa2fb2"),
            ("resnet50", "a9c4f43783ea657038d3c8fe4385ffe6c20158cb3f4bb61867ac54d538d02102", "7b73a6e4a58e1a23048907bbbf55a340904da30d06bb57b85b366af3aa82bd0e"),
            ("mobilenet", "add2f2b6f8b805d98464a93f580ccbf8c7e7196222e841904c0ef31f34fb9b25", "396ff4c23d7d3666efb6c08d0d198366136a3a788a9c2ac81b20c23d747834d7"),
            ("mobilenetv2", "01ee8e15979e41d10b4fcb99c13de67aba1cc3160a2cd0f5a123a85fef5428f3", "7212839c00163231623ef170829dc79c9b0fea79ab3817bf88e4af7967fdef2e"),
            ("inceptionv3", "1c061f510c0ed9f5a8b97413d29eeedae03e0aee81c4709d9fdfdc48cccaa5d6", "f1f3f2dab7cafd923b74cfb74d4a5bc1564087bba3de9004f5f5188fa86d4eeb"),
            ("xception", "05898277fae7158194792d65ac6cb9a524364f30e24decbdf0d1bfc00ae373f4", "d8fb435fff95876f4b80ea21540d5d26fdd94b8535bfb4bb01cce1119057eadc"),
        ]
        func digest(_ model: Layer) throws -> String {
            Checksum.sha256(Data(try ModelArchitecture.json(try LayerRegistry.describe(model)).utf8))
        }
        for (key, make) in Self.builders {
            let hashes = try XCTUnwrap(expected.first { $0.key == key })
            LayerNames.reset()
            XCTAssertEqual(try digest(try make(ApplicationOptions(includeTop: true))), hashes.top, key)
            LayerNames.reset()
            XCTAssertEqual(try digest(try make(ApplicationOptions(includeTop: false, pooling: .avg))), hashes.avg, key)
        }
        LayerNames.reset()
        XCTAssertEqual(try digest(try VGG16.make(includeTop: false, inputShape: [150, 150, 3])),
                       "9d729bf6ad4ce37b2fcaeec35b44e73ed9d19e584486280b708be251ef212208")
        LayerNames.reset()
        XCTAssertEqual(try digest(try EfficientNetLite.make(.lite0, includeTop: true)),
                       "9ec6bd977faa520d63a5a8e62fe2aa54285b41f378491c50b36f69de98c485bf")
    }
}
