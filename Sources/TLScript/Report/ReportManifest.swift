import Foundation
import TLFileSystem

/// The list of files a run wrote into its report folder, kept as `.tl-report-manifest` (one file name
/// a line). The next run into the folder removes exactly these files before it starts, so the folder
/// shows one run; files nobody recorded (the user's own, another program's) are never touched.
struct ReportManifest {
    static let fileName = ".tl-report-manifest"
    /// Files gnuplot leaves beside a figure (its data and script), owned with the figure.
    static let figureCompanionExtensions = ["dat", "gp"]

    let directory: URL
    private(set) var names: [String] = []
    /// When this run started: a figure's companion files are this run's only if written since.
    private let runStart = Date()

    init(directory: URL) {
        self.directory = directory
    }

    private var path: String { directory.appendingPathComponent(ReportManifest.fileName).path }

    /// Removes the files the previous run listed (plain names inside the folder only) and its manifest.
    func removeFilesOfThePreviousRun() {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let previous = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        for name in previous where ReportManifest.isPlainFileName(name) {
            let file = directory.appendingPathComponent(name)
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder), !isFolder.boolValue {
                try? FileManager.default.removeItem(at: file)
            }
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A name without a folder part, so a damaged or hand-edited manifest cannot reach outside the folder.
    static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
    }

    mutating func recordReport(named name: String) {
        if !names.contains(name) { names.append(name) }
    }

    /// Records a linked figure and the companion files gnuplot wrote beside it during this run.
    mutating func recordFigure(named name: String) {
        recordReport(named: name)
        let base = (name as NSString).deletingPathExtension
        for fileExtension in ReportManifest.figureCompanionExtensions {
            let companion = base + "." + fileExtension
            let url = directory.appendingPathComponent(companion)
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date,
                  modified >= runStart.addingTimeInterval(-1) else { continue }
            recordReport(named: companion)
        }
    }

    func write() throws {
        try writeAtomically(Data((names.joined(separator: "\n") + "\n").utf8), to: path)
    }
}
