import XCTest
import TLTensor
@testable import TLArray

/// The array type on its own: strides of views, broadcasting, copies, dtype rules and the kernels.
final class NDArrayTests: XCTestCase {
    func iota(_ shape: [Int]) -> NDArray { NDArray(shape: shape, values: (0..<shape.reduce(1, *)).map(Int64.init)) }

    func testBasicSlicesAreViewsWithNumPysStrides() throws {
        let a = iota([4, 5])
        let view = try a.subscripted([.slice(start: 1, stop: nil, step: 2), .slice(start: nil, stop: nil, step: -2)]).array
        XCTAssertEqual(view.shape, [2, 3])
        XCTAssertEqual(view.strides, [10, -2])   // rows 1 and 3; columns 4, 2, 0
        XCTAssertEqual(view.layout.offset, 9)
        XCTAssertEqual(view.values(as: Int64.self), [9, 7, 5, 19, 17, 15])
        XCTAssertTrue(view.sharesMemory(with: a))
        try view.assign([.integer(0)], NDArray(.int(-1)))
        XCTAssertEqual(a.values(as: Int64.self)[5...9], [-1, 6, -1, 8, -1])
    }

    func testIntegerIndexDropsAnAxisAndPicksAScalar() throws {
        let a = iota([2, 3])
        let (row, rowIsScalar) = try a.subscripted([.integer(-1)])
        XCTAssertEqual(row.shape, [3])
        XCTAssertFalse(rowIsScalar)
        let (element, isScalar) = try a.subscripted([.integer(1), .integer(-1)])
        XCTAssertTrue(isScalar)
        XCTAssertEqual(element.scalar, .int(5))
        XCTAssertThrowsError(try a.subscripted([.integer(2)])) { error in
            XCTAssertEqual(error as? ArrayError, ArrayError(.index, "index 2 is out of bounds for axis 0 with size 2"))
        }
    }

    func testEllipsisAndNewAxis() throws {
        let a = iota([2, 3, 4])
        XCTAssertEqual(try a.subscripted([.ellipsis, .integer(0)]).array.shape, [2, 3])
        XCTAssertEqual(try a.subscripted([.integer(0), .ellipsis, .newAxis]).array.shape, [3, 4, 1])
        XCTAssertThrowsError(try a.subscripted([.ellipsis, .ellipsis]))
    }

    func testAdvancedIndexingCopiesAndPlacesAxesAsNumPyDoes() throws {
        let a = iota([3, 4, 5])
        let columns = NDArray(shape: [2], values: [Int64(3), 0])
        // One index array in the middle stays in place: (3, 2, 5).
        let middle = try a.subscripted([.slice(start: nil, stop: nil, step: nil), .array(columns)]).array
        XCTAssertEqual(middle.shape, [3, 2, 5])
        XCTAssertEqual(try middle.subscripted([.integer(1), .integer(0), .integer(2)]).array.scalar, .int(20 + 15 + 2))   // a[1, 3, 2]
        XCTAssertFalse(middle.sharesMemory(with: a))
        // Separated index arrays go first: (2, 4).
        let split = try a.subscripted([.array(NDArray(shape: [2], values: [Int64(0), 2])), .slice(start: nil, stop: nil, step: nil), .array(columns)]).array
        XCTAssertEqual(split.shape, [2, 4])
        XCTAssertEqual(split.values(as: Int64.self)[0...3], [3, 8, 13, 18])   // a[0, :, 3]
    }

    func testMaskAssignmentBroadcastsTheValue() throws {
        let a = NDArray(shape: [2, 3], values: [-1.0, 2, -3, 4, -5, 6])
        let mask = try NDArray.binary(.less, .array(a), .number(.int(0)))
        XCTAssertEqual(mask.dtype, .bool)
        try a.assign([.array(mask)], NDArray(.int(0)))
        XCTAssertEqual(a.values(as: Double.self), [0, 2, 0, 4, 0, 6])
        let rows = NDArray(shape: [2], values: [false, true])
        try a.assign([.array(rows)], NDArray(shape: [3], values: [7.0, 8, 9]))
        XCTAssertEqual(a.values(as: Double.self), [0, 2, 0, 7, 8, 9])
    }

    func testBroadcastingUsesZeroStrides() throws {
        let column = NDArray(shape: [2, 1], values: [Int64(10), 20])
        let layout = try XCTUnwrap(column.layout.broadcast(to: [3, 2, 4]))
        XCTAssertEqual(layout.strides, [0, 1, 0])
        XCTAssertNil(column.layout.broadcast(to: [3, 4]))
        let sum = try NDArray.binary(.add, .array(column), .array(iota([3])))
        XCTAssertEqual(sum.shape, [2, 3])
        XCTAssertEqual(sum.values(as: Int64.self), [10, 11, 12, 20, 21, 22])
        XCTAssertThrowsError(try NDArray.binary(.add, .array(iota([2, 3])), .array(iota([4])))) { error in
            XCTAssertEqual((error as? ArrayError)?.message, "operands could not be broadcast together with shapes (2,3) (4,) ")
        }
    }

    func testPromotionFollowsNEP50() throws {
        let f32 = NDArray(zeros: [2], dtype: .float32), i64 = iota([2]), flags = NDArray(zeros: [2], dtype: .bool)
        XCTAssertEqual(try NDArray.binary(.divide, .array(f32), .number(.float(255))).dtype, .float32)
        XCTAssertEqual(try NDArray.binary(.divide, .array(i64), .number(.int(2))).dtype, .float64)
        XCTAssertEqual(try NDArray.binary(.multiply, .array(i64), .number(.int(2))).dtype, .int64)
        XCTAssertEqual(try NDArray.binary(.add, .array(f32), .array(i64)).dtype, .float64)
        XCTAssertEqual(try NDArray.binary(.add, .array(flags), .number(.int(1))).dtype, .int64)
        XCTAssertEqual(try NDArray.binary(.add, .array(flags), .number(.bool(true))).dtype, .bool)
        XCTAssertEqual(try NDArray.binary(.add, .array(f32), .array(NDArray(.float(1)))).dtype, .float64)
    }

    func testReshapeIsAViewWhenContiguousAndOneCopyOtherwise() throws {
        let a = iota([4, 6])
        let flat = try a.reshaped([-1])
        XCTAssertTrue(flat.sharesMemory(with: a))
        let transposed = a.transposed()
        let reshaped = try transposed.reshaped([24])
        XCTAssertFalse(reshaped.sharesMemory(with: a))
        XCTAssertEqual(reshaped.values(as: Int64.self).prefix(5), [0, 6, 12, 18, 1])
        XCTAssertThrowsError(try a.reshaped([5, -1]))
    }

    func testBatchAssignmentWritesInPlaceWithoutAnotherCopy() throws {
        let features = NDArray(zeros: [6, 2, 2], dtype: .float32)
        let batch = NDArray(Tensor(shape: [2, 2, 2], repeating: 3))
        let storage = features.storage
        try features.assign([.slice(start: 2, stop: 4, step: nil)], batch)
        XCTAssertTrue(features.storage === storage)
        XCTAssertEqual(features.values(as: Float.self), [Float](repeating: 0, count: 8) + [Float](repeating: 3, count: 8) + [Float](repeating: 0, count: 8))
    }

    func testTensorRoundTripSharesTheBuffer() {
        let tensor = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let array = NDArray(tensor)
        XCTAssertEqual(array.tensor, tensor)
        XCTAssertEqual(iota([2, 2]).tensor, Tensor(shape: [2, 2], scalars: [0, 1, 2, 3]))
        XCTAssertEqual(iota([2, 2]).transposed().tensor.scalars, [0, 2, 1, 3])
    }

    func testReductionsOverAxesAndDtypes() throws {
        let a = iota([2, 3, 4])
        XCTAssertEqual(try a.reduced(.sum, axes: [0, 2]).values(as: Int64.self), [60, 92, 124])
        XCTAssertEqual(try a.reduced(.max, axes: [-1], keepdims: true).shape, [2, 3, 1])
        XCTAssertEqual(try a.reduced(.mean, axes: nil).dtype, .float64)
        XCTAssertEqual(try a.reduced(.argmax, axes: [1]).values(as: Int64.self), [Int64](repeating: 2, count: 8))
        let f = NDArray(shape: [2, 2], values: [Float(1), 2, 3, 4])
        XCTAssertEqual(try f.reduced(.mean, axes: [0]).values(as: Float.self), [2, 3])
        XCTAssertEqual(try f.reduced(.mean, axes: [0]).dtype, .float32)
        XCTAssertThrowsError(try f.reduced(.sum, axes: [2]))
    }

    /// NumPy's pairwise summation rounds differently from a running sum: 0.1 added 1000 times in float32.
    func testPairwiseSummationMatchesNumPy() {
        let values = [Float](repeating: 0.1, count: 1000)
        let pairwise = values.withUnsafeBufferPointer { StridedKernels.pairwiseSum($0.baseAddress!, 1000, 1) }
        XCTAssertEqual(pairwise, 100.000015)   // np.full(1000, 0.1, dtype=np.float32).sum()
        XCTAssertNotEqual(values.reduce(0, +), pairwise)
    }

    func testPrintingAsNumPy() throws {
        XCTAssertEqual(NDArray(shape: [2, 2], values: [Float(0), 1, 2, 3]).repr, "array([[0., 1.],\n       [2., 3.]], dtype=float32)")
        XCTAssertEqual(NDArray(shape: [2, 2], values: [Float(0), 1, 2, 3]).str, "[[0. 1.]\n [2. 3.]]")
        XCTAssertEqual(NDArray(shape: [3], values: [0.5, 1e-9, 2]).repr, "array([5.e-01, 1.e-09, 2.e+00])")
        XCTAssertEqual(NDArray.scalarRepr(.float(0.5), dtype: .float64), "np.float64(0.5)")
        XCTAssertEqual(NDArray.scalarText(.float(1e16), dtype: .float64), "1e+16")
        XCTAssertEqual(NDArray(shape: [], values: [true]).repr, "array(True)")
    }

    func testStridedWalkMergesContiguousAxes() {
        let walk = StridedWalk(shape: [2, 3, 4], strides: [[12, 4, 1], [12, 4, 1]])
        XCTAssertEqual(walk.shape, [24])
        let strided = StridedWalk(shape: [2, 3, 4], strides: [[12, 4, 1], [0, 4, 1]])
        XCTAssertEqual(strided.shape, [2, 12])
    }

    func testRandomIsSeededAndDeterministic() throws {
        let first = ArrayRandom(seed: 7), second = ArrayRandom(seed: 7)
        XCTAssertEqual(try first.uniform([5]).values(as: Double.self), try second.uniform([5]).values(as: Double.self))
        let draws = try first.integers(3, 6, shape: [200]).values(as: Int64.self)
        XCTAssertEqual(Set(draws), [3, 4, 5])
        XCTAssertEqual(first.permutation(10).sorted(), Array(0..<10))
        let normal = try first.normal([4000]).values(as: Double.self)
        XCTAssertEqual(normal.reduce(0, +) / 4000, 0, accuracy: 0.06)
    }

    func testImpossibleShapesFailCleanly() {
        XCTAssertThrowsError(try NDArray.zeros(checking: [-1, 2], dtype: .float64)) { error in
            XCTAssertEqual(error as? ArrayError, ArrayError(.value, "negative dimensions are not allowed"))
        }
        XCTAssertThrowsError(try NDArray.zeros(checking: [1 << 40, 1 << 40], dtype: .float32)) { error in
            XCTAssertEqual((error as? ArrayError)?.kind, .memory)
            XCTAssertEqual((error as? ArrayError)?.message.hasPrefix("Unable to allocate"), true)
        }
        XCTAssertThrowsError(try NDArray.arange(.int(0), .float(1e300), .int(1)))
    }
}
