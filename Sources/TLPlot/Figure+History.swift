extension Figure {
    /// The walkthrough's training curve: training values as blue dots (`"bo"`), validation values as
    /// a blue line (`"b"`), titled "Training and validation METRIC", with a legend.
    /// - Parameters:
    ///   - metric: what was measured, e.g. `"accuracy"` or `"loss"`; used in the title, labels and y axis.
    ///   - epochs: the x values; `1...n` by default, as in `range(1, len(acc) + 1)`.
    public static func historyPair(training: [Double], validation: [Double], metric: String,
                                   epochs: [Double]? = nil) throws -> Figure {
        let figure = Figure()
        let trainingEpochs = epochs ?? training.indices.map { Double($0 + 1) }
        let validationEpochs = epochs ?? validation.indices.map { Double($0 + 1) }
        try figure.plot(x: trainingEpochs, y: training, style: "bo", label: "Training \(metric)")
        try figure.plot(x: validationEpochs, y: validation, style: "b", label: "Validation \(metric)")
        figure.title = "Training and validation \(metric)"
        figure.xLabel = "Epochs"
        figure.yLabel = metric.prefix(1).uppercased() + metric.dropFirst()
        figure.showsLegend = true
        return figure
    }
}
