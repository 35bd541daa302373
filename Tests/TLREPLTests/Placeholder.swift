import XCTest
final class TLREPLTestsPlaceholder: XCTestCase { func testNothing() {} }
