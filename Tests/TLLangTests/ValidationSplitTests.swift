import Foundation
import XCTest
@testable import TLLang

/// `fit(..., validation_split=)` as Keras defines it: the last `floor(n * split)` samples, taken before
/// shuffling, validate; the rest train (keras/src/trainers/data_adapters/array_slicing.py).
final class ValidationSplitTests: ScriptSessionTestCase {
    /// The same seeded model trained with `validation_split=0.25` and with the split made by hand gives the
    /// same History to the bit.
    func testValidationSplitEqualsTheLastSamplesGivenByHand() throws {
        let out = try run("""
            import numpy as np
            def trained(split):
                set_seed(7)
                x = np.arange(40.0).reshape(20, 2) / 40.0
                y = (np.arange(20) % 2).astype('float32')
                m = models.Sequential()
                m.add(layers.Dense(4, activation='relu', input_dim=2))
                m.add(layers.Dense(1, activation='sigmoid'))
                m.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['acc'])
                if split:
                    return m.fit(x, y, epochs=3, batch_size=5, validation_split=0.25, verbose=0).history
                return m.fit(x[:15], y[:15], epochs=3, batch_size=5, validation_data=(x[15:], y[15:]), verbose=0).history
            a, b = trained(True), trained(False)
            print(sorted(a.keys()), a == b, len(a['val_loss']))
            """)
        XCTAssertTrue(out.contains("['acc', 'loss', 'val_acc', 'val_loss'] True 3"), out)
    }

    func testTooFewSamplesAndFlowsAreRefusedWithKerasWords() throws {
        XCTAssertTrue(failure("""
            m = models.Sequential()
            m.add(layers.Dense(1, input_dim=1))
            m.compile(optimizer='sgd', loss='mse')
            m.fit([[1.0], [2.0]], [1.0, 2.0], validation_split=0.6)
            """).contains("Training data contains 2 samples, which is not sufficient to split it"))
        XCTAssertTrue(failure("""
            m = models.Sequential()
            m.add(layers.Dense(1, input_dim=1))
            m.compile(optimizer='sgd', loss='mse')
            m.fit([[1.0], [2.0]], [1.0, 2.0], validation_split=1.5)
            """).contains("validation_split must be in [0, 1)"))
    }
}

/// A NumPy name tl does not have is NotImplementedError naming it, not a NameError with a look-alike.
final class UnsupportedNumPyNameTests: ScriptSessionTestCase {
    func testUnknownNumPyNamesSayTheyAreUnsupported() throws {
        XCTAssertEqual(failure("import numpy as np\nnp.gradient([1.0, 2.0])"),
                       "np.gradient is not supported in tl (see \"NumPy in tl\" in docs/LANGUAGE.md for the names it has)")
        XCTAssertTrue(failure("import numpy as xp\nxp.convolve([1], [1])").hasPrefix("xp.convolve is not supported in tl"))
        XCTAssertTrue(failure("numpy.linalg.det([[1.0]])").hasPrefix("numpy.linalg.det is not supported in tl"))
        let out = try run("""
            import numpy as np
            try:
                np.polyfit([1], [1], 1)
            except NotImplementedError as e:
                print('caught', type(e).__name__)
            print(np.mean([1, 2]))
            """)
        XCTAssertEqual(out, "caught NotImplementedError\n1.5\n")
        XCTAssertTrue(failure("nump.mean([1])").contains("name 'nump' is not defined"))
    }
}
