import XCTest
import TLTensor
@testable import TLNN

/// Inference in pieces of the batch under an activation budget: the same outputs as one forward pass (to
/// the last bit on the C kernels' paths), pieces sized from the largest input + output pair of any layer.
final class InferencePiecesTests: XCTestCase {
    func testPiecesFollowTheBudgetAndChangeNothing() throws {
        var fd = FiniteDifferenceCheck()
        let model = try Sequential([Conv2D(filters: 4, kernelSize: (3, 3), padding: .same, activation: .relu),
                                    MaxPooling2D(poolSize: (2, 2)), Flatten(), Dense(units: 3)], inputShape: [8, 8, 3])
        let x = fd.random([7, 8, 8, 3])
        // The conv's input and output: 8*8*3 + 8*8*4 = 448 floats = 1792 bytes a sample, the largest pair.
        XCTAssertEqual(try Inference.largestActivationPair(of: model, input: [8, 8, 3]), 448)
        func withBudget<R>(_ bytes: Int, _ body: () throws -> R) rethrows -> R {
            try EngineOptions.with(changing: { $0.activationBudget = bytes }, body)
        }
        XCTAssertEqual(withBudget(1792 * 3) { Inference.pieceSize(of: model, for: x) }, 3)   // 3 + 3 + 1
        XCTAssertEqual(withBudget(1792 * 6) { Inference.pieceSize(of: model, for: x) }, 4)   // two equal pieces: 4 + 3
        XCTAssertEqual(withBudget(1792 * 7) { Inference.pieceSize(of: model, for: x) }, 7)
        XCTAssertEqual(withBudget(1) { Inference.pieceSize(of: model, for: x) }, 1)
        // Bit for bit on the C kernels, whose products treat every row alike; OpenBLAS (the portable path)
        // chooses its kernels by the number of rows, so a piece may round differently in the last bits.
        try EngineOptions.forEachAvailablePath { path in
            let whole = try model.forward(x, mode: .inference)
            func check(_ pieces: Tensor, _ what: String) {
                if path == .portable {
                    let worst = zip(pieces.scalars, whole.scalars).map { abs($0 - $1) / max(abs($1), 1e-3) }.max() ?? 0
                    XCTAssertLessThan(worst, 1e-5, "\(what) on \(path)")
                } else {
                    XCTAssertEqual(pieces, whole, "\(what) on \(path)")
                }
            }
            for budget in [1, 1792 * 3, 1792 * 6] {
                try withBudget(budget) {
                    check(try model(x), "budget \(budget)")
                    check(try model.predict(x: x, batchSize: 5), "predict, budget \(budget)")
                }
            }
        }
    }
}
