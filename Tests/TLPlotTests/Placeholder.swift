import XCTest
final class TLPlotTestsPlaceholder: XCTestCase { func testNothing() {} }
