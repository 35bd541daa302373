import TLTensor
import TLNN

/// Wires a graph model as Keras's functional API does, then lays its layers out in the order Keras's
/// `model.layers` has them, which is the order of `summary()`, of legacy weight files (loading by order)
/// and of Keras 3's class-order weight paths.
///
/// Keras's order (`_map_graph_network`): each layer's depth is the length of the longest path from it
/// to the output; layers come by decreasing depth, and layers of equal depth in the order a depth-first
/// walk from the output, inputs in order, first reaches them. Creation order differs for branching
/// models (InceptionV3's branches of different lengths interleave), so the graph is recorded first and
/// the ``Functional`` model is built once the order is known.
public final class KerasGraphBuilder {
    /// One recorded output: its node index and its per-sample shape.
    public struct Output {
        let node: Int
        public let shape: FeatureShape
    }

    private let inputShape: FeatureShape
    private let inputName: String
    private var layers: [Layer?] = [nil]
    private var inputs: [[Int]] = [[]]
    private var shapes: [FeatureShape]

    public init(inputShape: FeatureShape, inputName: String = LayerNames.next("input")) {
        self.inputShape = inputShape
        self.inputName = inputName
        shapes = [inputShape]
    }

    /// The graph's input.
    public var input: Output { Output(node: 0, shape: inputShape) }

    /// `layer(x)`: builds the layer for `x`'s shape and records it.
    @discardableResult
    public func callAsFunction(_ layer: Layer, _ x: Output) throws -> Output {
        try layer.build(inputShape: x.shape)
        return record(layer, inputs: [x], shape: try layer.outputShape(for: x.shape))
    }

    /// `layer([a, b, ...])` for a merge layer (``Add``, ``Concatenate``).
    @discardableResult
    public func callAsFunction(_ layer: MergeLayer, _ xs: [Output]) throws -> Output {
        record(layer, inputs: xs, shape: try layer.outputShape(for: xs.map(\.shape)))
    }

    private func record(_ layer: Layer, inputs xs: [Output], shape: FeatureShape) -> Output {
        layers.append(layer)
        inputs.append(xs.map(\.node))
        shapes.append(shape)
        return Output(node: layers.count - 1, shape: shape)
    }

    /// The model whose output is `output`, its layers in Keras's order.
    public func model(output: Output, name: String) throws -> Functional {
        let order = kerasOrder(output: output.node)
        let model = Functional(inputShape: inputShape, inputName: inputName, name: name)
        var built: [Int: GraphTensor] = [0: model.input]
        for node in order where node != 0 {
            guard let layer = layers[node] else { continue }
            let sources = inputs[node].map { built[$0]! }
            if let merge = layer as? MergeLayer {
                built[node] = try model.apply(merge, to: sources)
            } else {
                built[node] = try model.apply(layer, to: sources[0])
            }
        }
        return model
    }

    /// Node indices by decreasing depth, ties by first visit of a depth-first walk from the output.
    func kerasOrder(output: Int) -> [Int] {
        var visitIndex: [Int: Int] = [:]
        var postOrder: [Int] = []
        var finished = Set<Int>()
        func visit(_ node: Int) {
            if finished.contains(node) { return }
            if visitIndex[node] == nil { visitIndex[node] = visitIndex.count }
            for source in inputs[node] { visit(source) }
            finished.insert(node)
            postOrder.append(node)
        }
        visit(output)
        var depth: [Int: Int] = [:]
        for node in postOrder.reversed() {
            let d = depth[node, default: 0]
            depth[node] = d
            for source in inputs[node] { depth[source] = max(depth[source, default: 0], d + 1) }
        }
        return postOrder.sorted { a, b in
            depth[a]! != depth[b]! ? depth[a]! > depth[b]! : visitIndex[a]! < visitIndex[b]!
        }
    }
}

/// Session-style automatic names as tf-keras 2.x gives them in a fresh session: `conv2d`, `conv2d_1`, ...
/// (the first without a number), for the layers Keras's applications leave unnamed.
struct KerasAutoNames {
    private var counts: [String: Int] = [:]

    mutating func next(_ prefix: String) -> String {
        let n = counts[prefix, default: 0]
        counts[prefix] = n + 1
        return n == 0 ? prefix : "\(prefix)_\(n)"
    }
}
