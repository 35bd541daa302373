import TLData
import XCTest

/// The random parameters lie in their ranges and cover them.
final class AugmentationStatisticsTests: XCTestCase {
    private func sample(_ augmentation: ImageAugmentation, count: Int = 4000, height: Int = 150, width: Int = 150,
                        seed: UInt32 = 11) -> [AugmentationParameters] {
        var random = MersenneTwister(seed: seed)
        return (0..<count).map { _ in augmentation.randomParameters(height: height, width: width, random: &random) }
    }

    /// Every value in [low, high], and each of `bins` equal bins holding at least half its expected share.
    private func assertCovers(_ values: [Double], _ low: Double, _ high: Double, bins: Int = 10, _ name: String,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(values.allSatisfy { $0 >= low && $0 <= high }, "\(name) outside [\(low), \(high)]", file: file, line: line)
        var counts = [Int](repeating: 0, count: bins)
        for v in values { counts[min(bins - 1, Int((v - low) / (high - low) * Double(bins)))] += 1 }
        let expected = values.count / bins
        XCTAssertTrue(counts.allSatisfy { $0 > expected / 2 }, "\(name) does not cover its range: \(counts)", file: file, line: line)
    }

    func testWalkthroughSettingsStayInRangeAndCoverIt() throws {
        let augmentation = try ImageAugmentation(rotationRange: 40, widthShiftRange: .uniform(0.2),
                                                 heightShiftRange: .uniform(0.2), shearRange: 0.2, zoom: 0.2,
                                                 horizontalFlip: true)
        let draws = sample(augmentation, height: 150, width: 100)
        assertCovers(draws.map(\.theta), -40, 40, "theta")
        assertCovers(draws.map(\.tx), -30, 30, "tx (0.2 of the height 150)")
        assertCovers(draws.map(\.ty), -20, 20, "ty (0.2 of the width 100)")
        assertCovers(draws.map(\.shear), -0.2, 0.2, "shear")
        assertCovers(draws.map(\.zx), 0.8, 1.2, "zx")
        assertCovers(draws.map(\.zy), 0.8, 1.2, "zy")
        let flips = Double(draws.filter(\.flipHorizontal).count) / Double(draws.count)
        XCTAssertEqual(flips, 0.5, accuracy: 0.04)
        XCTAssertFalse(draws.contains(where: \.flipVertical))
        XCTAssertTrue(draws.allSatisfy { $0.channelShiftIntensity == nil && $0.brightness == nil })
        // Independent draws: zx and zy differ.
        XCTAssertTrue(draws.allSatisfy { $0.zx != $0.zy })
    }

    /// An int shift range of n pixels draws from -(n-1)...(n-1) (NumPy's choice(n) times ±1), every
    /// value; a list draws ± its entries, scaled by the side when all are below 1.
    func testIntegerAndListShiftsDrawKerasValues() throws {
        let augmentation = try ImageAugmentation(widthShiftRange: .integer(5), heightShiftRange: .choices([0.1, 0.25]))
        let draws = sample(augmentation, height: 40, width: 60)
        XCTAssertEqual(Set(draws.map(\.ty)), Set((-4...4).map(Double.init)))
        XCTAssertEqual(Set(draws.map(\.tx)), [-10, -4, 4, 10])
        let pixels = try ImageAugmentation(heightShiftRange: .choices([3, 7]))
        XCTAssertEqual(Set(sample(pixels).map(\.tx)), [-7, -3, 3, 7])
    }

    func testOtherRangesAndFlips() throws {
        let augmentation = try ImageAugmentation(zoomRange: (0.5, 0.9), channelShiftRange: 30, brightnessRange: (0.2, 1.8),
                                                 verticalFlip: true)
        let draws = sample(augmentation)
        assertCovers(draws.map(\.zx), 0.5, 0.9, "zx")
        assertCovers(draws.compactMap(\.channelShiftIntensity), -30, 30, "channel shift")
        assertCovers(draws.compactMap(\.brightness), 0.2, 1.8, "brightness")
        XCTAssertEqual(Double(draws.filter(\.flipVertical).count) / Double(draws.count), 0.5, accuracy: 0.04)
        XCTAssertFalse(draws.contains(where: \.flipHorizontal))
        XCTAssertTrue(draws.allSatisfy { $0.theta == 0 && $0.tx == 0 && $0.ty == 0 && $0.shear == 0 })
    }

    func testInvalidSettingsNameTheArgument() {
        XCTAssertThrowsError(try ImageAugmentation(rotationRange: -5)) { error in
            XCTAssertTrue("\(error)".contains("rotation_range"), "\(error)")
        }
        XCTAssertThrowsError(try ImageAugmentation(zoom: 1.5)) { error in
            XCTAssertTrue("\(error)".contains("zoom_range"), "\(error)")
        }
        XCTAssertThrowsError(try ImageAugmentation(zoomRange: (1.2, 0.8))) { error in
            XCTAssertEqual(error as? AugmentationError, .invalidZoomRange(low: 1.2, high: 0.8))
        }
        XCTAssertThrowsError(try ImageAugmentation(widthShiftRange: .choices([]))) { error in
            XCTAssertTrue("\(error)".contains("width_shift_range"), "\(error)")
        }
        XCTAssertThrowsError(try ImageAugmentation(brightnessRange: (-1, 1))) { error in
            XCTAssertTrue("\(error)".contains("brightness_range"), "\(error)")
        }
        XCTAssertThrowsError(try FillMode(kerasName: "mirror")) { error in
            XCTAssertEqual("\(error)", "unknown fill_mode \"mirror\": use one of \"nearest\", \"constant\", \"reflect\", \"wrap\".")
        }
    }
}
