import XCTest
final class TLCLITestsPlaceholder: XCTestCase { func testNothing() {} }
