import XCTest
final class TLDataTestsPlaceholder: XCTestCase { func testNothing() {} }
