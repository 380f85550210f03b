// swift-tools-version: 6.1
import PackageDescription

let language: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]
// Our own code builds with no warning: a `try await` on a future-returning overload only warns, and does not wait.
let strict: [SwiftSetting] = language + [.unsafeFlags(["-warnings-as-errors"])]

let package = Package(
    name: "Doudi",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "doudi", targets: ["doudi"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .target(
            name: "DoudiDomain",
            swiftSettings: strict
        ),
        .target(name: "CPrefetch"),
        // The system's OpenSSL, for SM3, SM4 and HMAC-SM3 (see ../shared/notes/xlsx-and-gm-crypto.md).
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(
            name: "DoudiCrypto",
            dependencies: ["CLibCrypto"],
            swiftSettings: strict
        ),
        // Photos of visits: made upright and smaller as JPEG by Debian's libjpeg-turbo and libpng.
        .target(name: "CPhoto", linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16")]),
        .target(name: "DoudiPhotos", dependencies: ["DoudiDomain", "CPhoto"], swiftSettings: strict),
        // Tables to download and upload: CSV and XLSX (ZIPFoundation for the zip, Foundation's XMLParser to read).
        .target(
            name: "DoudiSheets",
            dependencies: ["DoudiDomain", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strict
        ),
        .target(
            name: "DoudiScreening",
            dependencies: ["DoudiDomain", "CPrefetch"],
            swiftSettings: strict
        ),
        .target(
            name: "DoudiStore",
            dependencies: [
                "DoudiDomain", "DoudiCrypto", "DoudiSheets", "DoudiPhotos",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources/regions.tsv.gz"), .embedInCode("Resources/national-calendar.csv")],
            swiftSettings: strict
        ),
        .target(
            name: "DoudiAPI",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            resources: [.embedInCode("openapi.yaml")],
            // The generator writes `public import Foundation` into files that do not use it.
            swiftSettings: language + [.unsafeFlags(["-suppress-warnings"])],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .target(
            name: "DoudiServer",
            dependencies: [
                "DoudiDomain", "DoudiStore", "DoudiAPI", "DoudiSheets", "DoudiPhotos",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "doudi",
            dependencies: [
                "DoudiDomain", "DoudiStore", "DoudiServer", "DoudiScreening",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DoudiDomainTests",
            dependencies: ["DoudiDomain", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DoudiSheetsTests",
            dependencies: ["DoudiSheets", "DoudiDomain", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DoudiPhotosTests",
            dependencies: ["DoudiPhotos", "DoudiDomain", "CPhoto"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DoudiCryptoTests",
            dependencies: ["DoudiCrypto"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DoudiScreeningTests",
            dependencies: ["DoudiScreening", "DoudiDomain", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strict
        ),
        // What the store and server suites share: the backends to run on, a fresh database per test.
        .target(
            name: "DoudiTestSupport",
            dependencies: ["DoudiStore", .product(name: "SQLKit", package: "sql-kit"), .product(name: "Logging", package: "swift-log")],
            path: "Tests/DoudiTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "DoudiStoreTests",
            dependencies: ["DoudiDomain", "DoudiStore", "DoudiTestSupport", "DoudiSheets"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DoudiServerTests",
            dependencies: [
                "DoudiServer", "DoudiStore", "DoudiDomain", "DoudiTestSupport", "DoudiSheets", "DoudiPhotos",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
    ]
)
