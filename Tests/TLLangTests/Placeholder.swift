import XCTest
final class TLLangTestsPlaceholder: XCTestCase { func testNothing() {} }
