// swift-tools-version: 6.0
// lorag: six Unix-style programs for RAG and LoRA on a CPU. Layout and layering: README.md.
import PackageDescription

let package = Package(
    name: "lorag",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "chunk", targets: ["chunk"]),
        .executable(name: "embed", targets: ["embed"]),
        .executable(name: "lorag-index", targets: ["index"]),
        .executable(name: "retrieve", targets: ["retrieve"]),
        .executable(name: "lora-train", targets: ["lora-train"]),
        .executable(name: "generate", targets: ["generate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // System libraries, found through pkg-config (scripts/setup-system.sh installs them).
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),

        // Layers, lowest first. An arrow in README.md means "may import".
        .target(name: "CSHA256"),
        .target(name: "LoragBasics", dependencies: ["CSHA256"]),
        // AVX2 integer dot products for decoding, in C with intrinsics (an earlier Swift int8 loop
        // lowered only to 128-bit vpmaddwd: Benchmarks/generate/README.md); target attributes,
        // not compiler flags; chosen at run time.
        .target(name: "CQuantKernels"),
        .target(name: "TensorCore", dependencies: ["COpenBLAS", "CQuantKernels"]),
        .target(name: "ModelFiles", dependencies: ["TensorCore", "LoragBasics"]),
        .target(name: "Tokenizers", dependencies: ["LoragBasics"]),
        .target(name: "Models", dependencies: ["TensorCore", "ModelFiles", "Tokenizers", "LoragBasics"]),
        .target(name: "Chunking", dependencies: ["CLibXML2", "LoragBasics"]),
        .target(name: "VectorIndex", dependencies: ["TensorCore", "ModelFiles", "LoragBasics", "COpenBLAS", "CQuantKernels"]),
        .target(name: "ToolSupport", dependencies: [
            "LoragBasics",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // One thin executable per program.
        .executableTarget(name: "chunk", dependencies: ["ToolSupport", "Chunking", "Tokenizers", "Models"]),
        .executableTarget(name: "embed", dependencies: ["ToolSupport", "Models"]),
        .executableTarget(name: "index", dependencies: ["ToolSupport", "VectorIndex"]),
        .executableTarget(name: "retrieve", dependencies: ["ToolSupport", "VectorIndex", "Models"]),
        .executableTarget(name: "lora-train", dependencies: ["ToolSupport", "Models"]),
        .executableTarget(name: "generate", dependencies: ["ToolSupport", "Models"]),

        .testTarget(name: "LoragBasicsTests", dependencies: ["LoragBasics"]),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["ModelFiles", "TensorCore"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "LoragBasics", "ModelFiles"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models"]),
        .testTarget(name: "ChunkingTests", dependencies: ["Chunking"]),
        .testTarget(name: "VectorIndexTests", dependencies: ["VectorIndex", "CQuantKernels"]),
        .testTarget(name: "ToolSupportTests", dependencies: ["ToolSupport"]),
        // Runs the built programs through real pipes; depends on them so they are built first.
        // The libraries are there to check the programs' output (chunk's tests re-extract and
        // re-tokenise what chunk wrote).
        .testTarget(name: "EndToEndTests", dependencies: [
            "chunk", "embed", "index", "retrieve", "lora-train", "generate",
            "Chunking", "Tokenizers", "LoragBasics",
        ]),
    ],
    swiftLanguageModes: [.v6]
)
