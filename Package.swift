// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "mmscope",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "mmscope", targets: ["mmscope"]),
    .library(name: "MMCore", targets: ["MMCore"]),
    .library(name: "MMTrace", targets: ["MMTrace"]),
    .library(name: "MMView", targets: ["MMView"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
  ],
  targets: [
    .target(
      name: "MMCore",
      dependencies: [.product(name: "DequeModule", package: "swift-collections")]
    ),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
    .target(name: "MMTrace", dependencies: ["MMCore", "CZlib"]),
    .target(name: "MMView", dependencies: ["MMCore", "MMTrace"]),
    .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
    .target(name: "MMTerminal", dependencies: ["CNcursesw", "MMView"]),
    .executableTarget(
      name: "mmscope",
      dependencies: [
        "MMCore", "MMTrace", "MMView", "MMTerminal",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "mmscope-bench", dependencies: ["MMCore", "MMTrace", "MMView"], path: "Benchmarks", exclude: ["scripts"]),
    .testTarget(name: "MMCoreTests", dependencies: ["MMCore"]),
    .testTarget(name: "MMTraceTests", dependencies: ["MMTrace", "MMCore"]),
    .testTarget(name: "MMViewTests", dependencies: ["MMView", "MMTrace", "MMCore"]),
    .testTarget(name: "FuzzTests", dependencies: ["MMView", "MMTrace", "MMCore", "CZlib"]),
    // Depends on the executable so `swift test` builds the binary these tests drive in tmux.
    .testTarget(name: "EndToEndTests", dependencies: ["mmscope"]),
  ],
  swiftLanguageModes: [.v6]
)
