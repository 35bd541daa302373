import XCTest
import Foundation
@testable import TLNN
@testable import TLSaving

/// Model descriptions are Keras's `model_config`: every layer type tl saves, written byte for byte as
/// tl wrote them before layers described themselves (the files Keras and older tl read), and read back.
final class ModelArchitectureTests: XCTestCase {
    /// Every layer type with options away from their defaults, in a Keras 2 style Sequential.
    static let everyLayer = """
    {"class_name": "Sequential", "config": {"name": "every_layer", "trainable": true, "build_input_shape": [null, 32, 32, 3], "layers": [
      {"class_name": "Rescaling", "config": {"name": "rescale", "scale": 0.00392156862745098, "offset": -1}},
      {"class_name": "Resizing", "config": {"name": "resize", "height": 30, "width": 30, "crop_to_aspect_ratio": true}},
      {"class_name": "CenterCrop", "config": {"name": "crop", "height": 28, "width": 28}},
      {"class_name": "Normalization", "config": {"name": "norm", "mean": [0.5, 0.25, 0.125], "variance": [1.5, 2, 0.75]}},
      {"class_name": "RandomFlip", "config": {"name": "flip", "mode": "horizontal"}},
      {"class_name": "RandomContrast", "config": {"name": "contrast", "factor": 0.2}},
      {"class_name": "RandomBrightness", "config": {"name": "bright", "factor": [-0.1, 0.3], "value_range": [0, 1]}},
      {"class_name": "RandomRotation", "config": {"name": "rot", "factor": 0.1, "fill_mode": "nearest", "interpolation": "nearest", "fill_value": 0.5}},
      {"class_name": "RandomZoom", "config": {"name": "zoom", "height_factor": [-0.2, 0.1]}},
      {"class_name": "RandomZoom", "config": {"name": "zoom2", "height_factor": 0.2, "width_factor": [-0.1, 0.3], "fill_mode": "constant"}},
      {"class_name": "RandomTranslation", "config": {"name": "shift", "height_factor": 0.1, "width_factor": [-0.2, 0.2], "fill_mode": "wrap"}},
      {"class_name": "ZeroPadding2D", "config": {"name": "pad", "padding": [[1, 2], [0, 1]]}},
      {"class_name": "Conv2D", "config": {"name": "conv", "filters": 4, "kernel_size": [3, 3], "strides": [2, 1], "padding": "same", "activation": "relu", "use_bias": false}},
      {"class_name": "DepthwiseConv2D", "config": {"name": "dw", "kernel_size": 3, "padding": "valid", "activation": "relu6", "trainable": false}},
      {"class_name": "BatchNormalization", "config": {"name": "bn", "momentum": 0.9, "epsilon": 0.001, "scale": false}},
      {"class_name": "ReLU", "config": {"name": "relu6", "max_value": 6.0}},
      {"class_name": "ReLU", "config": {"name": "relu", "max_value": null}},
      {"class_name": "SeparableConv2D", "config": {"name": "sep", "filters": 5, "kernel_size": [3, 3], "padding": "same", "activation": "linear"}},
      {"class_name": "MaxPooling2D", "config": {"name": "maxpool", "pool_size": [2, 2], "strides": [1, 1], "padding": "same"}},
      {"class_name": "AveragePooling2D", "config": {"name": "avgpool", "pool_size": [3, 3], "padding": "valid"}},
      {"class_name": "Activation", "config": {"name": "act", "activation": "tanh"}},
      {"class_name": "GlobalAveragePooling2D", "config": {"name": "gap", "keepdims": true}},
      {"class_name": "Reshape", "config": {"name": "reshape", "target_shape": [5]}},
      {"class_name": "Dropout", "config": {"name": "drop", "rate": 0.25}},
      {"class_name": "Dense", "config": {"name": "dense", "units": 3, "activation": "softmax", "use_bias": true}}
    ]}}
    """

    /// A graph with merges, a node called with training=False, a frozen layer and a nested Sequential.
    static let graph = """
    {"class_name": "Functional", "config": {"name": "graph", "type_name": "Model", "input_shape": [8, 8, 2], "input_name": "in", "nodes": [
      {"layer": {"class_name": "Conv2D", "config": {"name": "a", "filters": 2, "kernel_size": [1, 1]}}, "inputs": [0]},
      {"layer": {"class_name": "BatchNormalization", "config": {"name": "b"}}, "inputs": [1], "training": false},
      {"layer": {"class_name": "Add", "config": {"name": "add"}}, "inputs": [0, 2]},
      {"layer": {"class_name": "Concatenate", "config": {"name": "cat"}}, "inputs": [3, 1]},
      {"layer": {"class_name": "GlobalMaxPooling2D", "config": {"name": "gmp", "trainable": false}}, "inputs": [4]},
      {"layer": {"class_name": "Sequential", "config": {"name": "head", "layers": [
         {"class_name": "InputLayer", "config": {"name": "head_in", "batch_input_shape": [null, 4]}},
         {"class_name": "Dense", "config": {"name": "d", "units": 1, "activation": "sigmoid"}},
         {"class_name": "Flatten", "config": {"name": "f"}}]}}, "inputs": [5]}
    ]}}
    """

    /// What tl wrote for these two models before the layers described themselves (captured from
    /// `ModelArchitecture.describe` at commit a9cd236).
    static let everyLayerWritten = #"""
    {"class_name":"Sequential","config":{"build_input_shape":[null,32,32,3],"layers":[{"class_name":"Rescaling","c\#
    onfig":{"name":"rescale","offset":-1,"scale":0.003921568859368563,"trainable":true}},{"class_name":"Resizing",\#
    "config":{"crop_to_aspect_ratio":true,"height":30,"interpolation":"bilinear","name":"resize","trainable":true,\#
    "width":30}},{"class_name":"CenterCrop","config":{"height":28,"name":"crop","trainable":true,"width":28}},{"cl\#
    ass_name":"Normalization","config":{"axis":-1,"mean":[0.5,0.25,0.125],"name":"norm","trainable":true,"variance\#
    ":[1.5,2,0.75]}},{"class_name":"RandomFlip","config":{"mode":"horizontal","name":"flip","trainable":true}},{"c\#
    lass_name":"RandomContrast","config":{"factor":[0.20000000298023224,0.20000000298023224],"name":"contrast","tr\#
    ainable":true}},{"class_name":"RandomBrightness","config":{"factor":[-0.10000000149011612,0.30000001192092896]\#
    ,"name":"bright","trainable":true,"value_range":[0,1]}},{"class_name":"RandomRotation","config":{"factor":[-0.\#
    10000000149011612,0.10000000149011612],"fill_mode":"nearest","fill_value":0.5,"interpolation":"nearest","name"\#
    :"rot","trainable":true}},{"class_name":"RandomZoom","config":{"fill_mode":"reflect","fill_value":0,"height_fa\#
    ctor":[-0.20000000298023224,0.10000000149011612],"interpolation":"bilinear","name":"zoom","trainable":true,"wi\#
    dth_factor":null}},{"class_name":"RandomZoom","config":{"fill_mode":"constant","fill_value":0,"height_factor":\#
    [-0.20000000298023224,0.20000000298023224],"interpolation":"bilinear","name":"zoom2","trainable":true,"width_f\#
    actor":[-0.10000000149011612,0.30000001192092896]}},{"class_name":"RandomTranslation","config":{"fill_mode":"w\#
    rap","fill_value":0,"height_factor":[-0.10000000149011612,0.10000000149011612],"interpolation":"bilinear","nam\#
    e":"shift","trainable":true,"width_factor":[-0.20000000298023224,0.20000000298023224]}},{"class_name":"ZeroPad\#
    ding2D","config":{"name":"pad","padding":[[1,2],[0,1]],"trainable":true}},{"class_name":"Conv2D","config":{"ac\#
    tivation":"relu","filters":4,"kernel_size":[3,3],"name":"conv","padding":"same","strides":[2,1],"trainable":tr\#
    ue,"use_bias":false}},{"class_name":"DepthwiseConv2D","config":{"activation":"relu6","kernel_size":[3,3],"name\#
    ":"dw","padding":"valid","strides":[1,1],"trainable":false,"use_bias":true}},{"class_name":"BatchNormalization\#
    ","config":{"epsilon":0.0010000000474974513,"momentum":0.8999999761581421,"name":"bn","scale":false,"trainable\#
    ":true}},{"class_name":"ReLU","config":{"max_value":6,"name":"relu6","trainable":true}},{"class_name":"ReLU","\#
    config":{"max_value":null,"name":"relu","trainable":true}},{"class_name":"SeparableConv2D","config":{"activati\#
    on":"linear","filters":5,"kernel_size":[3,3],"name":"sep","padding":"same","strides":[1,1],"trainable":true,"u\#
    se_bias":true}},{"class_name":"MaxPooling2D","config":{"name":"maxpool","padding":"same","pool_size":[2,2],"st\#
    rides":[1,1],"trainable":true}},{"class_name":"AveragePooling2D","config":{"name":"avgpool","padding":"valid",\#
    "pool_size":[3,3],"strides":[3,3],"trainable":true}},{"class_name":"Activation","config":{"activation":"tanh",\#
    "name":"act","trainable":true}},{"class_name":"GlobalAveragePooling2D","config":{"keepdims":true,"name":"gap",\#
    "trainable":true}},{"class_name":"Reshape","config":{"name":"reshape","target_shape":[5],"trainable":true}},{"\#
    class_name":"Dropout","config":{"name":"drop","rate":0.25,"trainable":true}},{"class_name":"Dense","config":{"\#
    activation":"softmax","name":"dense","trainable":true,"units":3,"use_bias":true}}],"name":"every_layer","train\#
    able":true,"type_name":"Sequential"}}
    """#
    static let graphWritten = #"""
    {"class_name":"Functional","config":{"input_name":"in","input_shape":[8,8,2],"name":"graph","nodes":[{"inputs"\#
    :[0],"layer":{"class_name":"Conv2D","config":{"activation":"linear","filters":2,"kernel_size":[1,1],"name":"a"\#
    ,"padding":"valid","strides":[1,1],"trainable":true,"use_bias":true}}},{"inputs":[1],"layer":{"class_name":"Ba\#
    tchNormalization","config":{"epsilon":0.0010000000474974513,"momentum":0.9900000095367432,"name":"b","scale":t\#
    rue,"trainable":true}},"training":false},{"inputs":[0,2],"layer":{"class_name":"Add","config":{"name":"add","t\#
    rainable":true}}},{"inputs":[3,1],"layer":{"class_name":"Concatenate","config":{"axis":-1,"name":"cat","traina\#
    ble":true}}},{"inputs":[4],"layer":{"class_name":"GlobalMaxPooling2D","config":{"name":"gmp","trainable":false\#
    }}},{"inputs":[5],"layer":{"class_name":"Sequential","config":{"layers":[{"class_name":"InputLayer","config":{\#
    "batch_input_shape":[null,4],"name":"head_in","trainable":true}},{"class_name":"Dense","config":{"activation":\#
    "sigmoid","name":"d","trainable":true,"units":1,"use_bias":true}},{"class_name":"Flatten","config":{"name":"f"\#
    ,"trainable":true}}],"name":"head","trainable":true,"type_name":"Sequential"}}}],"trainable":true,"type_name":\#
    "Model"}}
    """#

    func model(_ text: String, _ source: String) throws -> Layer {
        try ModelArchitecture.build(try XCTUnwrap(ModelArchitecture.parse(json: text)), source: source)
    }

    func testEveryLayerTypeIsWrittenAsBefore() throws {
        XCTAssertEqual(try ModelArchitecture.json(try LayerRegistry.describe(try model(Self.everyLayer, "every.json"))), Self.everyLayerWritten)
        XCTAssertEqual(try ModelArchitecture.json(try LayerRegistry.describe(try model(Self.graph, "graph.json"))), Self.graphWritten)
    }

    /// Reading what was written gives the same model: the same description, shapes and flags.
    func testWrittenDescriptionsReadBackToTheSameModel() throws {
        for (text, source) in [(Self.everyLayerWritten, "every.json"), (Self.graphWritten, "graph.json")] {
            let rebuilt = try model(text, source)
            XCTAssertEqual(try ModelArchitecture.json(try LayerRegistry.describe(rebuilt)), text, source)
        }
        let every = try XCTUnwrap(try model(Self.everyLayerWritten, "every.json") as? Sequential)
        XCTAssertEqual(every.layers.map(\.trainable).filter { !$0 }.count, 1)
        XCTAssertFalse(every.layers[13].trainable)
        XCTAssertEqual(every.outputShape?.map { $0 ?? -1 }, [3])
        // conv kernel; depthwise kernel and bias; BatchNormalization without gamma; separable; dense.
        XCTAssertEqual(every.weights.map(\.shape), [[3, 3, 3, 4], [3, 3, 4, 1], [4], [4], [4], [4], [3, 3, 4, 1], [1, 1, 4, 5], [5], [5, 3], [3]])
        let graph = try XCTUnwrap(try model(Self.graphWritten, "graph.json") as? Functional)
        XCTAssertEqual(graph.nodes.map(\.inputs), [[], [0], [1], [0, 2], [3, 1], [4], [5]])
        XCTAssertEqual(graph.nodes[2].training, false)
        XCTAssertEqual(graph.nodes.map(\.layer.trainable), [true, true, true, true, true, false, true])
    }

    /// The two models above hold every class the registry knows (Keras's alias `Model` aside), so a layer
    /// type added to the registry is written and read here too.
    func testFixturesHoldEveryRegisteredClass() throws {
        let text = Self.everyLayerWritten + Self.graphWritten
        let written = Set(text.components(separatedBy: #""class_name":""#).dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) })
        XCTAssertEqual(written, Set(LayerRegistry.types.flatMap { $0.kerasClassNames }).subtracting(["Model"]))
    }

    func testRegistryFindsLayerTypesByKerasClassName() throws {
        XCTAssertTrue(LayerRegistry.type(forClassName: "Dense") == Dense.self)
        XCTAssertTrue(LayerRegistry.type(forClassName: "ReLU") == ActivationLayer.self)
        XCTAssertTrue(LayerRegistry.type(forClassName: "CenterCrop") == Resizing.self)
        XCTAssertTrue(LayerRegistry.type(forClassName: "Model") == Functional.self)
        XCTAssertNil(LayerRegistry.type(forClassName: "LSTM"))
        let lstm = #"{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "LSTM", "config": {"name": "l"}}]}}"#
        XCTAssertThrowsError(try model(lstm, "lstm.h5")) { error in
            XCTAssertTrue("\(error)".hasPrefix("'lstm.h5': layer 'l' is a LSTM, which tl cannot build. tl builds Activation, Add,"), "\(error)")
        }
        let badUnits = #"{"class_name": "Dense", "config": {"name": "d", "units": 0}}"#
        XCTAssertThrowsError(try model(badUnits, "d.h5")) { error in
            XCTAssertEqual("\(error)", "'d.h5': 'units' of layer 'd' (Dense) must be a positive integer, got 0")
        }
    }

    /// Keras 2's `Sequential` gives the input shape on its first layer (`batch_input_shape`), not as `build_input_shape`.
    /// DepthwiseConv2D's `depth_multiplier` is read (1 where absent, as Keras) and written back when not 1.
    func testDepthwiseDepthMultiplierIsReadAndWritten() throws {
        let text = """
        {"class_name": "Sequential", "config": {"name": "dm", "build_input_shape": [null, 8, 8, 3], "layers": [
          {"class_name": "DepthwiseConv2D", "config": {"name": "dw", "kernel_size": [3, 3], "depth_multiplier": 2}}]}}
        """
        let stack = try XCTUnwrap(try model(text, "dm.json") as? Sequential)
        let layer = try XCTUnwrap(stack.layers.first as? DepthwiseConv2D)
        XCTAssertEqual(layer.depthMultiplier, 2)
        XCTAssertEqual(stack.weights.map(\.shape), [[3, 3, 3, 2], [6]])
        let written = try ModelArchitecture.json(try LayerRegistry.describe(stack))
        XCTAssertTrue(written.contains("\"depth_multiplier\":2"), written)
        let reread = try XCTUnwrap(try model(written, "dm.json") as? Sequential)
        XCTAssertEqual((reread.layers.first as? DepthwiseConv2D)?.depthMultiplier, 2)
    }

    func testKeras2SequentialTakesTheFirstLayersBatchInputShape() throws {
        let keras2 = #"{"class_name": "Sequential", "config": {"name": "k", "layers": [{"class_name": "Dense", "config": {"name": "d", "units": 2, "batch_input_shape": [null, 3], "activation": "relu", "use_bias": true}}]}}"#
        let model = try XCTUnwrap(try model(keras2, "k.h5") as? Sequential)
        XCTAssertEqual(model.inputShape?.map { $0 ?? -1 }, [3])
        XCTAssertEqual(model.weights.map(\.shape), [[3, 2], [2]])
    }
}
