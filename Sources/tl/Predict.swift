import ArgumentParser
import Foundation
import TLLang

/// `tl predict MODEL.h5 PHOTOS... [--top 5] [--classes cats,dogs]`: each photo's most probable classes.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify photo files (or folders of them) with a model saved by save_model.",
        discussion: "Photos are read as image_dataset_from_directory reads them (bilinear resize to the model's input, 0..255 pixels). A single output is taken as the second class's logit or probability.")

    @Argument(help: ArgumentHelp("The model file (save_model's .h5).", valueName: "MODEL.h5"))
    var model: String

    @Argument(help: ArgumentHelp("Image files or folders of them.", valueName: "PHOTOS"))
    var photos: [String]

    @Option(name: .long, help: "How many classes to print per photo, most probable first.")
    var top: Int = 1

    @Option(name: .long, help: ArgumentHelp("Class names in label order (the data set's class_names).", valueName: "a,b,..."))
    var classes: String?

    mutating func validate() throws {
        guard !photos.isEmpty else { throw ValidationError("name at least one photo or folder") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
    }

    func run() throws {
        let names = classes.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        do {
            for line in try PhotoPrediction.report(modelPath: model, photos: photos, top: top, classNames: names) { print(line) }
        } catch {
            FileHandle.standardError.write(Data("tl predict: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
