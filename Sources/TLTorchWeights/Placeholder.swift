// TLTorchWeights
