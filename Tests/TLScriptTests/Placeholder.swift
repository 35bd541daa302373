import XCTest
final class TLScriptTestsPlaceholder: XCTestCase { func testNothing() {} }
