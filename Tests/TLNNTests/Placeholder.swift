import XCTest
final class TLNNTestsPlaceholder: XCTestCase { func testNothing() {} }
