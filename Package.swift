// swift-tools-version:6.0
// tl: transfer learning on small image data sets. Every target declares each module it imports (nothing
// reaches a module through another's dependencies); the graph, lower layers first (docs/ARCHITECTURE.md):
//
//   C shims (OpenBLAS, HDF5, libedit, image codecs, ZeroMQ, libcrypto)   CTensorKernels   TLFileSystem   TLJSON
//   TLTensor        <- COpenBLAS, CTensorKernels               tensors, kernels, engine options, random source
//   TLArray         <- TLTensor                                NumPy's n-d arrays
//   TLNN            <- TLTensor, TLJSON                        layers (each with its Keras config), models, losses,
//                                                              optimizers, execution plans, the trainer
//   TLData          <- TLTensor, CImageCodecs                  image decoding, resizing, augmentation, flows
//   TLFormats       <- CHDF5, CHDF5Support, TLFileSystem       HDF5, Keras weight files, .npy
//   TLTorchWeights  <- TLFormats                               PyTorch .pth reader
//   TLSaving        <- TLTensor, TLJSON, TLNN, TLFormats       model files, weight files, training checkpoints
//   TLZoo           <- TLTensor, TLNN, TLData, TLFormats, TLTorchWeights, TLSaving, CCrypto   pretrained bases
//   TLPlot          <- TLFileSystem                            figures drawn by gnuplot
//   TLScript        <- TLFileSystem                            the language, engine-free
//   TLLang          <- TLScript, TLTensor, TLArray, TLNN, TLData, TLFormats, TLSaving, TLZoo, TLPlot   the engine's commands
//   TLREPL          <- TLScript, TLFileSystem, CEditLine       the line-editing prompt
//   TLJupyter       <- TLLang, TLScript, TLREPL, TLFileSystem, TLJSON, CZeroMQ, CCrypto   the Jupyter kernel
//   TLBench         <- CFMAPeak, TLTensor, TLNN, TLData, TLZoo, TLLang, ArgumentParser   `tl bench` measurements
//   tl              <- TLLang, TLScript, TLREPL, TLJupyter, TLBench, TLTensor, TLFormats, ArgumentParser
import PackageDescription

let package = Package(
    name: "tl",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tl", targets: ["tl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C system libraries from Debian (scripts/setup installs them).
        .systemLibrary(name: "COpenBLAS", path: "Sources/CShims/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CHDF5", path: "Sources/CShims/CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CEditLine", path: "Sources/CShims/CEditLine", pkgConfig: "libedit",
                       providers: [.apt(["libedit-dev"])]),
        // The Jupyter kernel's transport (ZeroMQ) and message signing (HMAC-SHA256 from libcrypto).
        // (No pkgConfig: libzmq's .pc adds Kerberos -isystem flags SwiftPM refuses; zmq.h is in /usr/include.)
        .systemLibrary(name: "CZeroMQ", path: "Sources/CShims/CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CShims/CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        // Small C wrappers: libjpeg/libpng longjmp out of their error callbacks, HDF5 exposes its
        // native types as macros; both need C to reach Swift safely.
        .target(name: "CImageCodecs", path: "Sources/CShims/CImageCodecs",
                linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16"), .linkedLibrary("tiff")]),
        .target(name: "CHDF5Support", dependencies: ["CHDF5"], path: "Sources/CShims/CHDF5Support"),

        // Writing files atomically (temporary name, fsync, rename), shared by every layer that writes.
        .target(name: "TLFileSystem"),
        // A JSON value: Keras's layer configurations (TLNN, TLSaving) and the Jupyter protocol.
        .target(name: "TLJSON"),
        // AVX-512 and AVX2+FMA kernels chosen at run time (function-level target attributes). Optimised in
        // debug builds too: the tests run them, and intrinsics at -O0 spill every register.
        .target(name: "CTensorKernels", cSettings: [.unsafeFlags(["-O2"])]),
        // Optimised in debug builds too, for the same reason: the tests run the portable path's SIMD8 loops
        // on every golden image, and generic SIMD arithmetic at -Onone is one call per lane.
        .target(name: "TLTensor", dependencies: ["COpenBLAS", "CTensorKernels"], swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "TLNN", dependencies: ["TLTensor", "TLJSON"]),
        // NumPy's n-dimensional array (dtypes, views, broadcasting, printing) on TLTensor's strided kernels.
        .target(name: "TLArray", dependencies: ["TLTensor"]),
        .target(name: "TLData", dependencies: ["TLTensor", "CImageCodecs"]),
        .target(name: "TLFormats", dependencies: ["CHDF5", "CHDF5Support", "TLFileSystem"]),
        .target(name: "TLTorchWeights", dependencies: ["TLFormats"]),
        // Saving and loading models, weights and training checkpoints; layers describe themselves (TLNN).
        .target(name: "TLSaving", dependencies: ["TLTensor", "TLJSON", "TLNN", "TLFormats"]),
        .target(name: "TLZoo", dependencies: ["TLTensor", "TLNN", "TLData", "TLFormats", "TLTorchWeights", "TLSaving",
                                              "CCrypto"]),
        .target(name: "TLPlot", dependencies: ["TLFileSystem"]),
        // The language: TLScript is the engine-free core (lexer, parser, interpreter, reports),
        // TLLang binds the engine's commands to it, TLREPL is the line-editing front end.
        .target(name: "TLScript", dependencies: ["TLFileSystem"]),
        .target(name: "TLLang", dependencies: ["TLScript", "TLTensor", "TLArray", "TLNN", "TLData", "TLFormats", "TLSaving", "TLZoo",
                                               "TLPlot"]),
        .target(name: "TLREPL", dependencies: ["TLScript", "TLFileSystem", "CEditLine"]),
        // tl in Jupyter: the kernel (messaging protocol over ZeroMQ) and .ipynb notebooks.
        .target(name: "TLJupyter", dependencies: ["TLLang", "TLScript", "TLREPL", "TLFileSystem", "TLJSON", "CZeroMQ", "CCrypto"]),
        // `tl bench ...`: the engine's own measurements (speed, memory, the FMA peak) that scripts/bench
        // sets beside Keras's and other engines'. CFMAPeak's loops are optimised in debug too: at -O0 the
        // accumulators would live in memory and the peak would measure loads and stores.
        .target(name: "CFMAPeak", cSettings: [.unsafeFlags(["-O2"])]),
        .target(name: "TLBench", dependencies: [
            "CFMAPeak", "TLTensor", "TLNN", "TLData", "TLZoo", "TLLang",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "tl", dependencies: [
            "TLLang", "TLScript", "TLREPL", "TLJupyter", "TLBench", "TLTensor", "TLFormats",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .target(name: "TLTestSupport", path: "Tests/TLTestSupport"),
        .testTarget(name: "TLTensorTests", dependencies: ["TLTensor"]),
        .testTarget(name: "TLNNTests", dependencies: ["TLNN", "TLTensor"]),
        .testTarget(name: "TLArrayTests", dependencies: ["TLArray", "TLTensor"]),
        .testTarget(name: "TLDataTests", dependencies: ["TLData", "TLTensor", "TLTestSupport"]),
        .testTarget(name: "TLFormatsTests", dependencies: ["TLFormats", "TLTestSupport"]),
        .testTarget(name: "TLSavingTests", dependencies: ["TLTensor", "TLNN", "TLFormats", "TLSaving", "TLTestSupport"]),
        .testTarget(name: "TLZooTests", dependencies: ["TLZoo", "TLTensor", "TLNN", "TLData", "TLFormats", "TLTorchWeights", "TLSaving",
                                                       "TLTestSupport"]),
        .testTarget(name: "TLPlotTests", dependencies: ["TLPlot"]),
        .testTarget(name: "TLTorchWeightsTests", dependencies: ["TLTorchWeights", "TLFormats"]),
        .testTarget(name: "TLScriptTests", dependencies: ["TLScript", "TLTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TLREPLTests", dependencies: ["TLREPL", "TLScript", "TLTestSupport"]),
        .testTarget(name: "TLLangTests", dependencies: ["TLLang", "TLScript", "TLTensor", "TLArray", "TLNN", "TLData", "TLFormats",
                                                        "TLTestSupport"]),
        .testTarget(name: "TLBenchTests", dependencies: ["TLBench", "TLNN", "TLTensor", "TLZoo"]),
        .testTarget(name: "TLCLITests", dependencies: ["TLTestSupport"]),
        // Driver/ is the Python script that talks to the kernel through Jupyter's own client.
        .testTarget(name: "TLJupyterTests", dependencies: ["TLJupyter", "TLLang", "TLTestSupport"], exclude: ["Driver"]),
    ],
    swiftLanguageModes: [.v5]
)
