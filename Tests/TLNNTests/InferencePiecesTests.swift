import XCTest
import TLTensor
@testable import TLNN

/// Inference in pieces of the batch under an activation budget: the same outputs as one forward pass,
/// pieces sized from the largest input + output pair of any layer.
final class InferencePiecesTests: XCTestCase {
    func testPiecesFollowTheBudgetAndChangeNothing() throws {
        var fd = FiniteDifferenceCheck()
        let model = try Sequential([Conv2D(filters: 4, kernelSize: (3, 3), padding: .same, activation: .relu),
                                    MaxPooling2D(poolSize: (2, 2)), Flatten(), Dense(units: 3)], inputShape: [8, 8, 3])
        let x = fd.random([7, 8, 8, 3])
        // The conv's input and output: 8*8*3 + 8*8*4 = 448 floats = 1792 bytes a sample, the largest pair.
        XCTAssertEqual(try Inference.largestActivationPair(of: model, input: [8, 8, 3]), 448)
        let saved = Inference.activationBudget
        defer { Inference.activationBudget = saved }
        Inference.activationBudget = 1792 * 3
        XCTAssertEqual(Inference.pieceSize(of: model, for: x), 3)          // 3 + 3 + 1
        Inference.activationBudget = 1792 * 6
        XCTAssertEqual(Inference.pieceSize(of: model, for: x), 4)          // two equal pieces: 4 + 3
        Inference.activationBudget = 1792 * 7
        XCTAssertEqual(Inference.pieceSize(of: model, for: x), 7)
        Inference.activationBudget = 1
        XCTAssertEqual(Inference.pieceSize(of: model, for: x), 1)
        let whole = try model.forward(x, mode: .inference)
        for budget in [1, 1792 * 3, 1792 * 6] {
            Inference.activationBudget = budget
            XCTAssertEqual(try model(x), whole, "budget \(budget)")
            XCTAssertEqual(try model.predict(x: x, batchSize: 5), whole, "budget \(budget)")
        }
    }
}
