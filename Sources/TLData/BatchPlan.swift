/// One batch to build: its samples (indices into the iterator's `filenames`, in batch order) and, with
/// augmentation, each sample's parameters.
struct BatchPlan: Sendable {
    let samples: [Int]
    let parameters: [AugmentationParameters]?
}
