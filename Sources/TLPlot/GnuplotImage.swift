import Foundation

/// Runs a script that draws one PNG into a temporary file, then renames it into place.
enum GnuplotImage {
    /// - Parameters:
    ///   - target: the final PNG path.
    ///   - scriptPath: the saved script, named in error messages.
    ///   - script: the script to run, given the temporary output path to draw into.
    static func draw(to target: String, scriptPath: String, gnuplot: Gnuplot,
                     script: (String) -> String) throws {
        try AtomicFile.write(to: target) { temporary in
            try gnuplot.run(script: script(temporary), scriptName: scriptPath)
            let size = (try? FileManager.default.attributesOfItem(atPath: temporary)[.size] as? Int) ?? nil
            guard let size, size > 0 else { throw PlotError.noImageProduced(path: target) }
        }
    }
}
