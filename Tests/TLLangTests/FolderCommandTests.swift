import Foundation
import XCTest
import TLTestSupport
@testable import TLLang

/// The book's data-preparation listing (5.4: os.mkdir, shutil.copyfile, os.listdir) and its picture
/// listing's `os.listdir`, on real photos.
final class FolderCommandTests: ScriptSessionTestCase {
    func testTheBooksDataPreparationListingCopiesAndListsPhotos() throws {
        let source = SharedFiles.data.appendingPathComponent("train/cats").path
        let out = try run("""
            import os, shutil
            original_dataset_dir = '\(source)'
            base_dir = '\(path("small"))'
            os.mkdir(base_dir)
            train_dir = os.path.join(base_dir, 'train')
            os.mkdir(train_dir)
            train_cats_dir = os.path.join(train_dir, 'cats')
            os.mkdir(train_cats_dir)
            fnames = ['cat.{}.jpg'.format(i) for i in range(3)]
            for fname in fnames:
                src = os.path.join(original_dataset_dir, fname)
                dst = os.path.join(train_cats_dir, fname)
                shutil.copyfile(src, dst)
            print('total training cat images:', len(os.listdir(train_cats_dir)))
            print(sorted(os.listdir(train_cats_dir)), os.path.isdir(train_cats_dir), os.path.isfile(train_cats_dir))
            print(os.path.basename(os.path.join(train_cats_dir, fnames[1])), os.path.isfile(os.path.join(train_cats_dir, fnames[1])))
            os.makedirs(os.path.join(base_dir, 'a', 'b'), exist_ok=True)
            os.makedirs(os.path.join(base_dir, 'a', 'b'), exist_ok=True)
            print(os.listdir(os.path.join(base_dir, 'a')))
            """)
        XCTAssertTrue(out.contains("total training cat images: 3\n"), out)
        XCTAssertTrue(out.contains("['cat.0.jpg', 'cat.1.jpg', 'cat.2.jpg'] True False\n"), out)
        XCTAssertTrue(out.contains("cat.1.jpg True\n"), out)
        XCTAssertTrue(out.contains("['b']\n"), out)
        let copied = try Data(contentsOf: directory.appendingPathComponent("small/train/cats/cat.2.jpg"))
        XCTAssertEqual(copied, try Data(contentsOf: URL(fileURLWithPath: source + "/cat.2.jpg")))
        XCTAssertTrue(failure("os.listdir('\(path("nowhere"))')").contains("No such file or directory"))
        XCTAssertTrue(failure("os.mkdir('\(path("small"))')").contains("File exists"))
        XCTAssertTrue(failure("""
            try:
                os.listdir('\(path("nowhere"))')
            except FileNotFoundError as e:
                raise ValueError('caught ' + str(e))
            """).contains("caught [Errno 2]"))
    }
}
