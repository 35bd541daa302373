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

/// Keras 3 RMSprop: `v = rho v + (1 - rho) g^2`, `w -= lr g / sqrt(v + eps)` (epsilon inside the root),
/// `v` starting at zero.
public final class RMSprop: Optimizer {
    public let typeName = "RMSprop"
    public var learningRate: Float
    public let rho: Float
    public let epsilon: Float
    private var velocity: [ObjectIdentifier: [Float]] = [:]

    public init(learningRate: Float = 0.001, rho: Float = 0.9, epsilon: Float = 1e-7) {
        self.learningRate = learningRate
        self.rho = rho
        self.epsilon = epsilon
    }

    public func apply(to parameters: [Parameter]) {
        // Locals, not properties, inside the loops: reading a class's `var` there costs an exclusivity check
        // per element.
        let learningRate = self.learningRate, rho = self.rho, epsilon = self.epsilon
        for p in parameters {
            guard let g = p.gradient else { continue }
            // Taken out of the dictionary while it changes, so that writing to it does not copy it.
            var v = velocity.removeValue(forKey: ObjectIdentifier(p)) ?? [Float](repeating: 0, count: p.count)
            v.withUnsafeMutableBufferPointer { v in
                g.scalars.withUnsafeBufferPointer { g in
                    p.value.scalars.withUnsafeMutableBufferPointer { w in
                        // Five streams of the weights' size: both cores for large kernels.
                        let n = w.count
                        let pieces = ParallelFor.ranges(n, parts: n >= 1 << 16 ? 4 * ParallelFor.workerCount : 1)
                        ParallelFor.run(pieces.count) { piece in
                            let first = pieces[piece].lowerBound
                            rmspropStep(weights: w.baseAddress! + first, gradients: g.baseAddress! + first,
                                        velocity: v.baseAddress! + first, count: pieces[piece].count,
                                        learningRate: learningRate, rho: rho, epsilon: epsilon)
                        }
                    }
                }
            }
            velocity[ObjectIdentifier(p)] = v
        }
    }

    public var description: String { "RMSprop(learning_rate=\(learningRate), rho=\(rho), epsilon=\(epsilon))" }
}

/// Keras 3 SGD: with momentum `m = momentum m - lr g`, then `w += m`
/// (Nesterov: `w += momentum m - lr g`); without momentum `w -= lr g`.
public final class SGD: Optimizer {
    public let typeName = "SGD"
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    private var moments: [ObjectIdentifier: [Float]] = [:]

    public init(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
    }

    public func apply(to parameters: [Parameter]) {
        let learningRate = self.learningRate, momentum = self.momentum, nesterov = self.nesterov
        for p in parameters {
            guard let g = p.gradient else { continue }
            if momentum == 0 {
                g.scalars.withUnsafeBufferPointer { g in
                    p.value.scalars.withUnsafeMutableBufferPointer { w in for i in w.indices { w[i] -= learningRate * g[i] } }
                }
                continue
            }
            var m = moments.removeValue(forKey: ObjectIdentifier(p)) ?? [Float](repeating: 0, count: p.count)
            m.withUnsafeMutableBufferPointer { m in
                g.scalars.withUnsafeBufferPointer { g in
                    p.value.scalars.withUnsafeMutableBufferPointer { w in
                        for i in w.indices {
                            m[i] = momentum * m[i] - learningRate * g[i]
                            w[i] += nesterov ? momentum * m[i] - learningRate * g[i] : m[i]
                        }
                    }
                }
            }
            moments[ObjectIdentifier(p)] = m
        }
    }

    public var description: String { "SGD(learning_rate=\(learningRate), momentum=\(momentum), nesterov=\(nesterov))" }
}

/// Keras 3 Adam: `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`,
/// `w -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)` (epsilon outside the root).
public final class Adam: Optimizer {
    public let typeName = "Adam"
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    private var state: [ObjectIdentifier: (m: [Float], v: [Float])] = [:]
    private var step = 0

    public init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public func apply(to parameters: [Parameter]) {
        step += 1
        let t = Float(step)
        let alpha = learningRate * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t))
        let beta1 = self.beta1, beta2 = self.beta2, epsilon = self.epsilon
        for p in parameters {
            guard let g = p.gradient else { continue }
            var (m, v) = state.removeValue(forKey: ObjectIdentifier(p)) ?? ([Float](repeating: 0, count: p.count), [Float](repeating: 0, count: p.count))
            m.withUnsafeMutableBufferPointer { m in
                v.withUnsafeMutableBufferPointer { v in
                    g.scalars.withUnsafeBufferPointer { g in
                        p.value.scalars.withUnsafeMutableBufferPointer { w in
                            guard !w.isEmpty else { return }
                            adamStep(weights: w.baseAddress!, gradients: g.baseAddress!, firstMoment: m.baseAddress!,
                                     secondMoment: v.baseAddress!, count: w.count, stepSize: alpha, beta1: beta1,
                                     beta2: beta2, epsilon: epsilon)
                        }
                    }
                }
            }
            state[ObjectIdentifier(p)] = (m, v)
        }
    }

    public var description: String { "Adam(learning_rate=\(learningRate), beta_1=\(beta1), beta_2=\(beta2), epsilon=\(epsilon))" }
}

// MARK: State for training checkpoints (see OptimizerState.swift)

extension RMSprop: CheckpointableOptimizer {
    public var slotNames: [String] { ["velocity"] }

    public func exportState(for parameters: [Parameter]) -> OptimizerState {
        OptimizerState(typeName: typeName, step: 0, slots: ["velocity": parameters.map { velocity[ObjectIdentifier($0)] }])
    }

    public func importState(_ state: OptimizerState, for parameters: [Parameter]) throws {
        try validate(state, for: parameters)
        velocity = [:]
        for (parameter, values) in zip(parameters, state.slots["velocity"] ?? []) { velocity[ObjectIdentifier(parameter)] = values }
    }
}

extension SGD: CheckpointableOptimizer {
    public var slotNames: [String] { ["momentum"] }

    public func exportState(for parameters: [Parameter]) -> OptimizerState {
        OptimizerState(typeName: typeName, step: 0, slots: ["momentum": parameters.map { moments[ObjectIdentifier($0)] }])
    }

    public func importState(_ state: OptimizerState, for parameters: [Parameter]) throws {
        try validate(state, for: parameters)
        moments = [:]
        for (parameter, values) in zip(parameters, state.slots["momentum"] ?? []) { moments[ObjectIdentifier(parameter)] = values }
    }
}

extension Adam: CheckpointableOptimizer {
    public var slotNames: [String] { ["m", "v"] }

    public func exportState(for parameters: [Parameter]) -> OptimizerState {
        let entries = parameters.map { state[ObjectIdentifier($0)] }
        return OptimizerState(typeName: typeName, step: step, slots: ["m": entries.map { $0?.m }, "v": entries.map { $0?.v }])
    }

    public func importState(_ imported: OptimizerState, for parameters: [Parameter]) throws {
        try validate(imported, for: parameters)
        let m = imported.slots["m"] ?? [], v = imported.slots["v"] ?? []
        state = [:]
        for (i, parameter) in parameters.enumerated() {
            guard let mi = m[i], let vi = v[i] else { continue }
            state[ObjectIdentifier(parameter)] = (mi, vi)
        }
        step = imported.step
    }
}
