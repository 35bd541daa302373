import Foundation

/// An 8-bit RGB image for ``renderImageGrid(images:columns:to:title:gnuplot:)``: `rgb` holds
/// `width * height` pixels row by row from the top, three bytes (red, green, blue) each.
public typealias GridImage = (width: Int, height: Int, rgb: [UInt8])

/// Draws images side by side in rows of `columns`, e.g. to preview data augmentation, into a PNG.
///
/// gnuplot draws the pixels itself (`with rgbimage` reading `NAME.rgb`, the images' raw bytes), so no
/// PNG encoder is needed; `NAME.rgb` and `NAME.gp` stay beside the PNG, and `gnuplot NAME.gp` redraws it.
/// Each image sits in a cell the size of the largest image; small images are enlarged (by an integer
/// factor when possible) so the grid stays readable.
public func renderImageGrid(images: [GridImage], columns: Int, to pngPath: String, title: String? = nil,
                            gnuplot: Gnuplot = Gnuplot()) throws {
    guard !images.isEmpty else { throw PlotError.nothingToPlot(path: pngPath) }
    guard columns > 0 else {
        throw PlotError.invalidArgument("an image grid for \(pngPath) needs at least 1 column, got \(columns)")
    }
    for (index, image) in images.enumerated() {
        guard image.width > 0, image.height > 0 else {
            throw PlotError.invalidImage(index: index, reason: "its size \(image.width)x\(image.height) must be positive")
        }
        guard image.rgb.count == image.width * image.height * 3 else {
            throw PlotError.invalidImage(index: index, reason:
                "a \(image.width)x\(image.height) RGB image needs \(image.width * image.height * 3) bytes, it has \(image.rgb.count)")
        }
    }
    guard gnuplot.locate() != nil else { throw PlotError.gnuplotNotInstalled }

    let layout = ImageGridLayout(sizes: images.map { ($0.width, $0.height) }, columns: columns,
                                 hasTitle: title != nil)
    let target = GnuplotSyntax.absolutePath(pngPath)
    let pixelsPath = GnuplotSyntax.sibling(of: target, withExtension: "rgb")
    let scriptPath = GnuplotSyntax.sibling(of: target, withExtension: "gp")
    try AtomicFile.write(Data(images.flatMap(\.rgb)), to: pixelsPath)
    try AtomicFile.write(layout.script(pixelsPath: pixelsPath, outputPath: target, title: title), to: scriptPath)
    try GnuplotImage.draw(to: target, scriptPath: scriptPath, gnuplot: gnuplot) { temporary in
        layout.script(pixelsPath: pixelsPath, outputPath: temporary, title: title)
    }
}

/// Where each image of a grid goes, in image pixels (gnuplot's plot coordinates), and the canvas size.
struct ImageGridLayout {
    let sizes: [(width: Int, height: Int)]
    let columns: Int
    let rows: Int
    let cellWidth: Int, cellHeight: Int
    let gap: Int
    /// Screen pixels per image pixel.
    let scale: Double
    let titleHeight: Int

    init(sizes: [(Int, Int)], columns: Int, hasTitle: Bool) {
        self.sizes = sizes.map { (width: $0.0, height: $0.1) }
        self.columns = min(columns, sizes.count)
        rows = (sizes.count + columns - 1) / columns
        cellWidth = sizes.map(\.0).max() ?? 1
        cellHeight = sizes.map(\.1).max() ?? 1
        gap = max(2, max(cellWidth, cellHeight) / 25)
        let gridWidth = Double(self.columns * cellWidth + (self.columns + 1) * gap)
        // Enlarge tiny images to about 160 pixels a cell, but keep the whole grid under 1600 pixels wide.
        var scale = max(1, (160.0 / Double(max(cellWidth, cellHeight))).rounded(.down))
        if gridWidth * scale > 1600 { scale = 1600 / gridWidth }
        self.scale = scale
        titleHeight = hasTitle ? 32 : 0
    }

    var gridWidth: Int { columns * cellWidth + (columns + 1) * gap }
    var gridHeight: Int { rows * cellHeight + (rows + 1) * gap }
    var canvasWidth: Int { max(1, Int((Double(gridWidth) * scale).rounded())) }
    var canvasHeight: Int { max(1, Int((Double(gridHeight) * scale).rounded())) + titleHeight }

    /// The lower-left pixel of image `index`, centred in its cell; row 0 is at the top.
    func origin(of index: Int) -> (x: Int, y: Int) {
        let column = index % columns, row = index / columns
        let size = sizes[index]
        let x = gap + column * (cellWidth + gap) + (cellWidth - size.width) / 2
        let y = gap + (rows - 1 - row) * (cellHeight + gap) + (cellHeight - size.height) / 2
        return (x, y)
    }

    func script(pixelsPath: String, outputPath: String, title: String?) -> String {
        let plotTop = Double(canvasHeight - titleHeight) / Double(canvasHeight)
        var lines = [
            "# Drawn by tl; redraw with: gnuplot \(GnuplotSyntax.sibling(of: outputPath, withExtension: "gp"))",
            "set terminal pngcairo size \(canvasWidth),\(canvasHeight) noenhanced font \(GnuplotSyntax.quoted(GnuplotSyntax.font))",
            "set output \(GnuplotSyntax.quoted(outputPath))",
            // The plot area fills the canvas below the title; one unit is one image pixel.
            "set lmargin at screen 0", "set rmargin at screen 1",
            "set bmargin at screen 0", "set tmargin at screen \(plotTop)",
            "set xrange [-0.5:\(Double(gridWidth) - 0.5)]", "set yrange [-0.5:\(Double(gridHeight) - 0.5)]",
            "unset border", "unset tics", "unset key", "unset colorbox",
        ]
        if let title {
            lines.append("set label 1 \(title.gnuplotQuoted) at screen 0.5, screen \(1 - 16 / Double(canvasHeight)) center font ',12'")
        }
        var offset = 0
        var clauses: [String] = []
        for (index, size) in sizes.enumerated() {
            let origin = origin(of: index)
            // flipy: the bytes run from the top row down, gnuplot's arrays from the bottom up.
            clauses.append("\(GnuplotSyntax.quoted(pixelsPath)) binary skip=\(offset) array=(\(size.width),\(size.height)) "
                + "flipy origin=(\(origin.x),\(origin.y)) format='%uchar' with rgbimage")
            offset += size.width * size.height * 3
        }
        lines.append("plot " + clauses.joined(separator: ", \\\n     "))
        return lines.joined(separator: "\n") + "\n"
    }
}
