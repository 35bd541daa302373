import XCTest
@testable import TLLang

/// `keras.utils.to_categorical` against the arrays Keras 3.15 and tf-keras 2.21 print for the same calls
/// (recorded from /work/venv-tf: float64 from Keras 3, float32 with tf.keras's `dtype='float32'`).
final class ToCategoricalTests: ScriptSessionTestCase {
    func testOneHotRowsAsKerasMakesThem() throws {
        let out = try run("""
            import numpy as np
            from keras.utils import to_categorical
            print(repr(to_categorical([0, 2, 1])))
            print(repr(keras.utils.to_categorical(np.array([[1], [0]]), num_classes=3, dtype='float32')))
            print(repr(to_categorical(np.array([1.0, 0.0]))))
            print(to_categorical(np.array([-1, 0]), 3).tolist())
            """)
        XCTAssertEqual(out, """
            array([[1., 0., 0.],
                   [0., 0., 1.],
                   [0., 1., 0.]])
            array([[0., 1., 0.],
                   [1., 0., 0.]], dtype=float32)
            array([[0., 1.],
                   [1., 0.]])
            [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]

            """)
        XCTAssertEqual(failure("keras.utils.to_categorical([0, 5], num_classes=3)"), "index 5 is out of bounds for axis 1 with size 3")
    }
}
