import XCTest
final class TLFormatsTestsPlaceholder: XCTestCase { func testNothing() {} }
