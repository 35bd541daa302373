import XCTest
final class TLZooTestsPlaceholder: XCTestCase { func testNothing() {} }
