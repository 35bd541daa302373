/// The two ways Keras lays weights out in an HDF5 file.
public enum KerasWeightLayout: Equatable {
    /// Keras 2's HDF5 format (Keras 3 still writes it for `.h5` names): root attribute `layer_names`
    /// (possibly split into `layer_names0`, `layer_names1`, ... when large), one group per layer whose
    /// attribute `weight_names` lists paths, relative to that group, of the layer's weight datasets in
    /// the layer's order. Full-model saves put all of this under a `model_weights` group.
    case legacy
    /// Keras 3's `.weights.h5`: `layers/<name>/vars/<i>`, layers named by class order (`conv2d`,
    /// `conv2d_1`, `dense`, ...), nested models nesting further as `layers/<name>/layers/<name>/vars`.
    case keras3
}
