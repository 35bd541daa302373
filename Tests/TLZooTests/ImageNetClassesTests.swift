import XCTest
import TLTensor
import TLTestSupport
@testable import TLZoo

/// decode_predictions over the shipped ImageNet class index, on Keras's golden Lite0 logits.
final class ImageNetClassesTests: XCTestCase {
    func testClassIndexHasKerasIdsAndNames() {
        XCTAssertEqual(ImageNetClasses.classes.count, 1000)
        XCTAssertEqual(Set(ImageNetClasses.classes.map(\.wnid)).count, 1000)
        XCTAssertTrue(ImageNetClasses.classes[0] == ("n01440764", "tench"))
        let cats = ImageNetClasses.classes[281...285].map { "\($0.wnid) \($0.name)" }
        XCTAssertEqual(cats, ["n02123045 tabby", "n02123159 tiger_cat", "n02123394 Persian_cat", "n02123597 Siamese_cat",
                              "n02124075 Egyptian_cat"])
        XCTAssertTrue(ImageNetClasses.classes[999] == ("n15075141", "toilet_tissue"))
    }

    /// Entries where the generator's "first synset word" rule could plausibly miss Keras's name, written out by
    /// hand from Keras's `imagenet_class_index.json`: names Keras repeats (crane: bird and machine; maillot twice),
    /// multi-word and punctuated names, and classes whose synset lists a second spelling.
    func testClassIndexMatchesKerasOnTrickyEntries() {
        let expected: [Int: (String, String)] = [
            89: ("n01819313", "sulphur-crested_cockatoo"), 134: ("n02012849", "crane"), 155: ("n02086240", "Shih-Tzu"),
            477: ("n02966687", "carpenter's_kit"), 517: ("n03126707", "crane"), 607: ("n03590841", "jack-o'-lantern"),
            619: ("n03637318", "lampshade"), 638: ("n03710637", "maillot"), 639: ("n03710721", "maillot"),
            765: ("n04099969", "rocking_chair"), 831: ("n04344873", "studio_couch"), 846: ("n04380533", "table_lamp"),
            916: ("n06359193", "web_site"), 986: ("n12057211", "yellow_lady's_slipper"), 996: ("n13052670", "hen-of-the-woods"),
        ]
        for (index, (wnid, name)) in expected.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(ImageNetClasses.classes[index].wnid, wnid, "class \(index)")
            XCTAssertEqual(ImageNetClasses.classes[index].name, name, "class \(index)")
        }
    }

    /// Keras's top-5 of the Lite0 logits for two cat and two dog photos: the same classes in the same order.
    func testTop5OfGoldenLogitsMatchKeras() throws {
        let logits = Golden.array("lite0_logits_224")
        let decoded = try ImageNetClasses.decodePredictions(Tensor(shape: logits.shape, scalars: logits.values), top: 5)
        let expected = try XCTUnwrap(Golden.entry("lite0_top5_224")["value"] as? [[Int]])
        XCTAssertEqual(decoded.map { $0.map(\.index) }, expected)
        XCTAssertTrue(decoded[0].allSatisfy { $0.score >= decoded[0].last!.score })
        XCTAssertTrue((281...285).contains(decoded[0][0].index) && (281...285).contains(decoded[1][0].index))
        XCTAssertEqual(decoded[0][0].name, ImageNetClasses.classes[expected[0][0]].name)
        XCTAssertThrowsError(try ImageNetClasses.decodePredictions(Tensor(shape: [2, 10]))) { error in
            XCTAssertTrue("\(error)".contains("Found array with shape: (2, 10)"))
        }
    }
}
