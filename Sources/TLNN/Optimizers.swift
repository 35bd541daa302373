import Foundation
import TLTensor

/// Updates weights from their gradients. State (moments) is kept per parameter.
public protocol Optimizer: AnyObject {
    /// Keras class name, for messages and `summary`.
    var typeName: String { get }
    var learningRate: Float { get set }
    /// Applies one step to every parameter that has a gradient.
    func apply(to parameters: [Parameter])
    /// One-line description, as the REPL prints it.
    var description: String { get }
}

/// What every optimizer shares (MLX Swift's `OptimizerBase`): the step count, the per-parameter state
/// (`slotNames.count` arrays of the weight's size, zero at first), and checkpointing that state. A
/// subclass supplies only its per-parameter update, ``update(_:gradient:slots:step:)``.
///
/// A parameter's slots are held as one array, slot `k` at offsets `k * count ..< (k + 1) * count`.
public class OptimizerBase: CheckpointableOptimizer {
    public var learningRate: Float
    /// Steps taken (Keras's `iterations`): Adam's bias correction reads it; checkpoints keep it.
    public private(set) var step = 0
    private var slots: [ObjectIdentifier: [Float]] = [:]

    init(learningRate: Float) {
        self.learningRate = learningRate
    }

    /// Keras's class name; each optimizer gives its own.
    public var typeName: String { preconditionFailure("an optimizer names itself") }
    /// The state kept per parameter, in a fixed order (Keras's variable names).
    public var slotNames: [String] { [] }
    public var description: String { typeName }
    /// Whether this configuration keeps state at all (SGD without momentum keeps none).
    var keepsState: Bool { !slotNames.isEmpty }

    /// One parameter's update at step `step` (1-based): writes `weights`, reads `gradient`, updates the
    /// state in `slots` (`slotNames.count` runs of `weights.count` values; nil when ``keepsState`` is false).
    func update(_ weights: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                slots: UnsafeMutablePointer<Float>?, step: Int) {
        preconditionFailure("an optimizer supplies its update")
    }

    public final func apply(to parameters: [Parameter]) {
        step += 1
        let slotCount = keepsState ? slotNames.count : 0
        for p in parameters {
            guard let g = p.gradient else { continue }
            // Taken out of the dictionary while it changes, so that writing to it does not copy it.
            var state = slots.removeValue(forKey: ObjectIdentifier(p)) ?? [Float](repeating: 0, count: slotCount * p.count)
            state.withUnsafeMutableBufferPointer { s in
                g.scalars.withUnsafeBufferPointer { g in
                    p.value.scalars.withUnsafeMutableBufferPointer { w in
                        guard !w.isEmpty else { return }
                        update(w, gradient: g, slots: slotCount > 0 ? s.baseAddress! : nil, step: step)
                    }
                }
            }
            if slotCount > 0 { slots[ObjectIdentifier(p)] = state }
        }
    }

    // MARK: Checkpoints (OptimizerState.swift)

    public func exportState(for parameters: [Parameter]) -> OptimizerState {
        var exported: [String: [[Float]?]] = [:]
        for (k, name) in slotNames.enumerated() {
            exported[name] = parameters.map { p in slots[ObjectIdentifier(p)].map { Array($0[(k * p.count)..<((k + 1) * p.count)]) } }
        }
        return OptimizerState(typeName: typeName, step: step, slots: exported)
    }

    public func importState(_ state: OptimizerState, for parameters: [Parameter]) throws {
        try validate(state, for: parameters)
        slots = [:]
        for (i, parameter) in parameters.enumerated() {
            let entries = slotNames.compactMap { state.slots[$0]?[i] }
            guard entries.count == slotNames.count, keepsState else { continue }   // nothing held for it yet
            slots[ObjectIdentifier(parameter)] = entries.flatMap { $0 }
        }
        step = state.step
    }
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

    public override var typeName: String { "RMSprop" }
    public override var slotNames: [String] { ["velocity"] }

    override func update(_ w: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                         slots v: UnsafeMutablePointer<Float>?, step: Int) {
        // Locals, not properties, inside the loops: reading a class's `var` there costs an exclusivity check.
        let learningRate = self.learningRate, rho = self.rho, epsilon = self.epsilon
        // Five streams of the weights' size: both cores for large kernels.
        let n = w.count
        let pieces = ParallelFor.ranges(n, parts: n >= 1 << 16 ? 4 * ParallelFor.workerCount : 1)
        ParallelFor.run(pieces.count) { piece in
            let first = pieces[piece].lowerBound
            rmspropStep(weights: w.baseAddress! + first, gradients: g.baseAddress! + first, velocity: v! + first,
                        count: pieces[piece].count, learningRate: learningRate, rho: rho, epsilon: epsilon)
        }
    }

    public override var description: String { "RMSprop(learning_rate=\(learningRate), rho=\(rho), epsilon=\(epsilon))" }
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

    public override var typeName: String { "SGD" }
    public override var slotNames: [String] { ["momentum"] }
    override var keepsState: Bool { momentum != 0 }

    override func update(_ w: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                         slots m: UnsafeMutablePointer<Float>?, step: Int) {
        let learningRate = self.learningRate, momentum = self.momentum, nesterov = self.nesterov
        guard let m else {
            for i in w.indices { w[i] -= learningRate * g[i] }
            return
        }
        for i in w.indices {
            m[i] = momentum * m[i] - learningRate * g[i]
            w[i] += nesterov ? momentum * m[i] - learningRate * g[i] : m[i]
        }
    }

    public override var description: String { "SGD(learning_rate=\(learningRate), momentum=\(momentum), nesterov=\(nesterov))" }
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

    public override var typeName: String { "Adam" }
    public override var slotNames: [String] { ["m", "v"] }

    override func update(_ w: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                         slots: UnsafeMutablePointer<Float>?, step: Int) {
        let t = Float(step)
        let alpha = learningRate * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t))
        adamStep(weights: w.baseAddress!, gradients: g.baseAddress!, firstMoment: slots!, secondMoment: slots! + w.count,
                 count: w.count, stepSize: alpha, beta1: beta1, beta2: beta2, epsilon: epsilon)
    }

    public override var description: String { "Adam(learning_rate=\(learningRate), beta_1=\(beta1), beta_2=\(beta2), epsilon=\(epsilon))" }
}
