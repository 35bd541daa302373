extension Figure {
    /// The walkthrough's training curve: training values as blue dots (`"bo"`), validation values as
    /// a blue line (`"b"`), titled "Training and validation METRIC" (`acc` spelt out as "accuracy"), with a legend.
    /// - Parameters:
    ///   - metric: what was measured, e.g. `"accuracy"` or `"loss"`; used in the title, labels and y axis.
    ///   - epochs: the x values; `1...n` by default, as in `range(1, len(acc) + 1)`.
    ///   - smoothed: the values went through `smooth_curve`: title and labels say so, as the walkthrough's
    ///     "Smoothed training acc".
    public static func historyPair(training: [Double], validation: [Double], metric: String,
                                   epochs: [Double]? = nil, smoothed: Bool = false) throws -> Figure {
        let figure = Figure()
        let trainingEpochs = epochs ?? training.indices.map { Double($0 + 1) }
        let validationEpochs = epochs ?? validation.indices.map { Double($0 + 1) }
        let prefix = smoothed ? "Smoothed t" : "T"
        try figure.plot(x: trainingEpochs, y: training, style: "bo", label: "\(prefix)raining \(metric)")
        if !validation.isEmpty {   // a fit without validation data has only the training curve
            try figure.plot(x: validationEpochs, y: validation, style: "b", label: smoothed ? "Smoothed validation \(metric)" : "Validation \(metric)")
        }
        // As the walkthrough: labels name the History key ("Training acc"), the title spells it out.
        let word = metric == "acc" ? "accuracy" : metric
        figure.title = "\(prefix)raining and validation \(word)"
        figure.xLabel = "Epochs"
        figure.yLabel = word.prefix(1).uppercased() + word.dropFirst()
        figure.showsLegend = true
        return figure
    }
}
