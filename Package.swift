// swift-tools-version:5.10
import PackageDescription

let package = Package(
    name: "aeic",
    products: [
        .executable(name: "aeic", targets: ["aeic"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C wrappers
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16")]),
        .target(name: "CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev", "pkg-config"])]),
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off"])]),
        .target(name: "CHeap"),

        // Libraries
        .target(name: "Images", dependencies: ["CPNG", "CJPEG"]),
        .target(name: "NN", dependencies: ["CBLAS", "CKernels"],
                swiftSettings: [.unsafeFlags(["-Ounchecked"])]),
        .target(name: "EntropyCoding"),
        // Parsers of untrusted bytes (model files, checkpoints) stay compiled with checks.
        .target(name: "Serialization", dependencies: ["NN"]),
        .target(name: "Training", dependencies: ["NN", "Images", "Serialization"]),
        .target(name: "Codec", dependencies: ["NN", "EntropyCoding", "CKernels", "Training", "Serialization"],
                resources: [.copy("Resources")]),

        .target(name: "Denoise", dependencies: ["NN", "Training", "Serialization"],
                resources: [.copy("Resources")]),

        .target(name: "Evaluation", dependencies: ["Codec", "Denoise", "Images", "NN"]),

        // Executable
        .executableTarget(name: "aeic", dependencies: [
            "Images", "NN", "Serialization", "Training", "Codec", "Denoise", "Evaluation", "EntropyCoding", "CHeap",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Fuzz targets (scripts/fuzz.sh builds them with libFuzzer; built plainly, a replayer)
        .executableTarget(name: "aeic-fuzz", dependencies: ["Codec", "Denoise", "Images", "NN", "Serialization"],
                          path: "Sources/Fuzz"),

        // Tests
        .target(name: "GradientChecking", dependencies: ["NN"], path: "Tests/GradientChecking"),
        .testTarget(name: "ImagesTests", dependencies: ["Images"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Serialization", "GradientChecking"]),
        .testTarget(name: "EntropyCodingTests", dependencies: ["EntropyCoding"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "NN", "Serialization"]),
        .testTarget(name: "CodecTests", dependencies: ["Codec", "NN", "EntropyCoding", "Images", "Training", "Serialization", "GradientChecking"]),
        .testTarget(name: "DenoiseTests", dependencies: ["Denoise", "NN", "Training", "Serialization", "GradientChecking"]),
        .testTarget(name: "CLITests", dependencies: ["Images", "CHeap"]),
    ]
)
