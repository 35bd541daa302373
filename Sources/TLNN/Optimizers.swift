import Foundation
import TLTensor
import TLJSON

/// Updates weights from their gradients. State (moments) is kept per parameter.
public protocol Optimizer: AnyObject {
    /// Keras class name, for messages and `summary`.
    var typeName: String { get }
    var learningRate: Float { get set }
    /// Keras's `get_config()` without `name`: the learning rate and the optimizer's own hyperparameters.
    var kerasConfig: KerasConfig { get }
    /// Applies one step to every parameter that has a gradient.
    func apply(to parameters: [Parameter])
    /// One-line description, as the REPL prints it.
    var description: String { get }
}

/// What every optimizer shares (MLX Swift's `OptimizerBase`): the step count, the per-parameter state
/// (`slotNames.count` arrays of the weight's size, zero at first), and checkpointing that state. A
/// subclass supplies its update, ``update(_:gradient:state:step:)``, and its Keras config.
///
/// A parameter's state is one tensor: the weight's shape for one slot, `[slots] + shape` for more, slot
/// `k` at offsets `k * count ..< (k + 1) * count`.
public class OptimizerBase: CheckpointableOptimizer {
    public var learningRate: Float
    /// Steps taken (Keras's `iterations`): Adam's bias correction reads it; checkpoints keep it.
    public private(set) var step = 0
    private var states: [ObjectIdentifier: Tensor] = [:]

    init(learningRate: Float) {
        self.learningRate = learningRate
    }

    /// The optimizers a Keras config can name, by class name.
    private static let byClassName: [String: (KerasConfig) -> OptimizerBase] = [
        "RMSprop": RMSprop.init(kerasConfig:), "SGD": SGD.init(kerasConfig:), "Adam": Adam.init(kerasConfig:),
    ]

    /// The optimizer `{"class_name": className, "config": config}` describes (keys left out take Keras's
    /// defaults); nil for a class tl does not have.
    public static func make(className: String, config: KerasConfig) -> OptimizerBase? {
        byClassName[className].map { $0(config) }
    }

    /// The class names ``make(className:config:)`` knows, sorted.
    public static var classNames: [String] { byClassName.keys.sorted() }

    /// Keras's class name: the type's own (tl's optimizers are named after Keras's classes).
    public var typeName: String { String(describing: type(of: self)) }
    /// The state kept per parameter, in a fixed order (Keras's variable names).
    public var slotNames: [String] { [] }
    /// Keras's hyperparameters in Keras's order, the learning rate first: the config and the description.
    var hyperparameters: KeyValuePairs<String, JSON> { ["learning_rate": .number(learningRate)] }
    public var kerasConfig: KerasConfig { Dictionary(uniqueKeysWithValues: hyperparameters.map { ($0, $1) }) }

    /// `RMSprop(learning_rate=0.001, rho=0.9, epsilon=1e-07)`: the hyperparameters as Swift prints floats.
    public var description: String {
        let settings = hyperparameters.map { key, value in "\(key)=\(value.doubleValue.map { "\(Float($0))" } ?? "\(value)")" }
        return "\(typeName)(\(settings.joined(separator: ", ")))"
    }
    /// Whether this configuration keeps state at all (SGD without momentum keeps none).
    var keepsState: Bool { !slotNames.isEmpty }

    /// One parameter's update at step `step` (1-based): writes `weight`, reads `gradient` (of the weight's
    /// shape), updates `state` (laid out as the class comment says; empty when ``keepsState`` is false).
    func update(_ weight: inout Tensor, gradient: Tensor, state: inout Tensor, step: Int) {
        preconditionFailure("an optimizer supplies its update")
    }

    /// ``update(_:gradient:state:step:)`` with the gradient given as a product not yet formed
    /// (``Parameter/pendingProduct``), applied as the kernels form it: the same bits as forming it and
    /// updating. False, having done nothing, where there is no such kernel (then the product is formed).
    func update(_ weight: inout Tensor, product: TransposedProduct, state: inout Tensor, step: Int) -> Bool {
        false
    }

    public final func apply(to parameters: [Parameter]) {
        step += 1
        for p in parameters where p.hasGradient {
            // Taken out of the dictionary while it changes, so that writing to it does not copy it.
            var state = states.removeValue(forKey: ObjectIdentifier(p)) ?? Tensor.zeros(stateShape(of: p))
            var applied = false
            if let product = p.pendingProduct { applied = update(&p.value, product: product, state: &state, step: step) }
            if !applied { update(&p.value, gradient: p.gradient!, state: &state, step: step) }
            if keepsState { states[ObjectIdentifier(p)] = state }
        }
    }

    private func stateShape(of parameter: Parameter) -> [Int] {
        switch keepsState ? slotNames.count : 0 {
        case 0: [0]
        case 1: parameter.shape
        case let slots: [slots] + parameter.shape
        }
    }

    /// Runs an update kernel over `weight`, `gradient` and `state` in pieces spread over the cores when the
    /// weight is large (the kernels stream four or five arrays of its size). `kernel(weights, gradients,
    /// slots, count)` sees matching runs: `slots[k]` is the run of slot `k`.
    func runKernel(_ weight: inout Tensor, _ gradient: Tensor, _ state: inout Tensor,
                   _ kernel: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, [UnsafeMutablePointer<Float>], Int) -> Void) {
        let n = weight.count, slotCount = slotNames.count
        guard n > 0 else { return }
        let pieces = ParallelFor.ranges(n, parts: n >= 1 << 16 ? 4 * ParallelFor.workerCount : 1)
        weight.scalars.withUnsafeMutableBufferPointer { w in
            gradient.scalars.withUnsafeBufferPointer { g in
                state.scalars.withUnsafeMutableBufferPointer { s in
                    let (w, g, s) = (w.baseAddress!, g.baseAddress!, s.baseAddress)
                    ParallelFor.run(pieces.count) { piece in
                        let first = pieces[piece].lowerBound
                        let slots = s.map { s in (0..<slotCount).map { s + $0 * n + first } } ?? []
                        kernel(w + first, g + first, slots, pieces[piece].count)
                    }
                }
            }
        }
    }

    // MARK: Checkpoints (OptimizerState.swift)

    public func exportState(for parameters: [Parameter]) -> OptimizerState {
        var exported: [String: [[Float]?]] = [:]
        for (k, name) in slotNames.enumerated() {
            exported[name] = parameters.map { p in states[ObjectIdentifier(p)].map { Array($0.scalars[(k * p.count)..<((k + 1) * p.count)]) } }
        }
        return OptimizerState(typeName: typeName, step: step, slots: exported)
    }

    public func importState(_ state: OptimizerState, for parameters: [Parameter]) throws {
        try validate(state, for: parameters)
        states = [:]
        for (i, parameter) in parameters.enumerated() {
            let entries = slotNames.compactMap { state.slots[$0]?[i] }
            guard entries.count == slotNames.count, keepsState else { continue }   // nothing held for it yet
            states[ObjectIdentifier(parameter)] = Tensor(shape: stateShape(of: parameter), scalars: entries.flatMap { $0 })
        }
        step = state.step
    }
}

extension KerasConfig {
    /// A float hyperparameter, or Keras's default where the config leaves it out.
    func float(_ key: String, default fallback: Float) -> Float { self[key]?.doubleValue.map(Float.init) ?? fallback }
}

/// Keras 3 RMSprop: `v = rho v + (1 - rho) g^2`, `w -= lr g / sqrt(v + eps)` (epsilon inside the root),
/// `v` starting at zero.
public final class RMSprop: OptimizerBase {
    public let rho: Float
    public let epsilon: Float

    public init(learningRate: Float = 0.001, rho: Float = 0.9, epsilon: Float = 1e-7) {
        self.rho = rho
        self.epsilon = epsilon
        super.init(learningRate: learningRate)
    }

    public convenience init(kerasConfig config: KerasConfig) {
        self.init(learningRate: config.float("learning_rate", default: 0.001), rho: config.float("rho", default: 0.9),
                  epsilon: config.float("epsilon", default: 1e-7))
    }

    public override var slotNames: [String] { ["velocity"] }
    override var hyperparameters: KeyValuePairs<String, JSON> {
        ["learning_rate": .number(learningRate), "rho": .number(rho), "epsilon": .number(epsilon)]
    }

    override func update(_ weight: inout Tensor, gradient: Tensor, state: inout Tensor, step: Int) {
        let (learningRate, rho, epsilon) = (self.learningRate, self.rho, self.epsilon)
        runKernel(&weight, gradient, &state) { w, g, slots, count in
            rmspropStep(weights: w, gradients: g, velocity: slots[0], count: count, learningRate: learningRate, rho: rho, epsilon: epsilon)
        }
    }

    override func update(_ weight: inout Tensor, product: TransposedProduct, state: inout Tensor, step: Int) -> Bool {
        product.rmspropStep(weights: &weight, velocity: &state, learningRate: learningRate, rho: rho, epsilon: epsilon)
    }
}

/// Keras 3 SGD: with momentum `m = momentum m - lr g`, then `w += m`
/// (Nesterov: `w += momentum m - lr g`); without momentum `w -= lr g`.
public final class SGD: OptimizerBase {
    public let momentum: Float
    public let nesterov: Bool

    public init(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false) {
        self.momentum = momentum
        self.nesterov = nesterov
        super.init(learningRate: learningRate)
    }

    public convenience init(kerasConfig config: KerasConfig) {
        self.init(learningRate: config.float("learning_rate", default: 0.01), momentum: config.float("momentum", default: 0),
                  nesterov: config["nesterov"]?.boolValue ?? false)
    }

    public override var slotNames: [String] { ["momentum"] }
    override var keepsState: Bool { momentum != 0 }
    override var hyperparameters: KeyValuePairs<String, JSON> {
        ["learning_rate": .number(learningRate), "momentum": .number(momentum), "nesterov": .bool(nesterov)]
    }

    override func update(_ weight: inout Tensor, gradient: Tensor, state m: inout Tensor, step: Int) {
        let descent = gradient * learningRate
        guard keepsState else {
            weight -= descent
            return
        }
        m *= momentum
        m -= descent
        weight += nesterov ? m * momentum - descent : m
    }

}

/// Keras 3 Adam: `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`,
/// `w -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)` (epsilon outside the root).
public final class Adam: OptimizerBase {
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float

    public init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        super.init(learningRate: learningRate)
    }

    public convenience init(kerasConfig config: KerasConfig) {
        self.init(learningRate: config.float("learning_rate", default: 0.001), beta1: config.float("beta_1", default: 0.9),
                  beta2: config.float("beta_2", default: 0.999), epsilon: config.float("epsilon", default: 1e-7))
    }

    public override var slotNames: [String] { ["m", "v"] }
    override var hyperparameters: KeyValuePairs<String, JSON> {
        ["learning_rate": .number(learningRate), "beta_1": .number(beta1), "beta_2": .number(beta2), "epsilon": .number(epsilon)]
    }

    override func update(_ weight: inout Tensor, gradient: Tensor, state: inout Tensor, step: Int) {
        let (beta1, beta2, epsilon) = (self.beta1, self.beta2, self.epsilon)
        let alpha = stepSize(at: step)
        runKernel(&weight, gradient, &state) { w, g, slots, count in
            adamStep(weights: w, gradients: g, firstMoment: slots[0], secondMoment: slots[1], count: count, stepSize: alpha,
                     beta1: beta1, beta2: beta2, epsilon: epsilon)
        }
    }

    override func update(_ weight: inout Tensor, product: TransposedProduct, state: inout Tensor, step: Int) -> Bool {
        product.adamStep(weights: &weight, moments: &state, stepSize: stepSize(at: step), beta1: beta1, beta2: beta2, epsilon: epsilon)
    }

    /// The bias-corrected step size at step `step` (1-based): `lr sqrt(1 - b2^t) / (1 - b1^t)`.
    private func stepSize(at step: Int) -> Float {
        let t = Float(step)
        return learningRate * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t))
    }
}
