// swift-tools-version: 6.0
// One package, two builds. `LOBOT_EMBEDDED=1` turns the core and the agent into Embedded Swift
// and links `lobot` fully static (the Makefile sets it, with its own scratch path); without it the
// same sources build normally for `swift test` and for `lobot-factory`.
import PackageDescription
import class Foundation.ProcessInfo

let environment = ProcessInfo.processInfo.environment
let embedded = environment["LOBOT_EMBEDDED"] == "1"
/// Where the static `libcrypto.a` for the agent lives: the Makefile points it at the trimmed musl
/// build of scripts/build-openssl; without the Makefile's environment the agent links glibc and
/// Debian's full one.
let libcryptoDir = environment["LOBOT_LIBCRYPTO_DIR"] ?? "/usr/lib/x86_64-linux-gnu"
/// The OpenSSL headers the embedded build compiles against (the trimmed build's), if not the system's.
let opensslInclude = environment["LOBOT_OPENSSL_INCLUDE"]
/// `LOBOT_FACTORY_STATIC=1` links `lobot-factory` as one fully static executable from the same
/// objects (`make factory-static`); only the link differs, so nothing is compiled twice.
let factoryStatic = environment["LOBOT_FACTORY_STATIC"] == "1"
/// `LOBOT_FUZZ=1` adds the libFuzzer targets (`make fuzz`, own scratch path) and builds LoBot's
/// own modules with coverage and AddressSanitizer (`-sanitize=fuzzer,address`); dependencies are
/// not instrumented, which keeps each execution cheap. Without it the package is unchanged.
let fuzz = environment["LOBOT_FUZZ"] == "1"
let fuzzSwift: [SwiftSetting] = fuzz ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []
/// The objects were compiled for a dynamic link, whose autolink entries name only Foundation's top
/// libraries: a static link names the rest (and lld, which resolves them in any order).
let factoryStaticLink = [
    "-static-executable", "-use-ld=lld", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims",
    "-l_FoundationCollections", "-lswiftSynchronization", "-lstdc++", "-lm",
]
/// Where the Makefile writes the agent's link map.
let linkMap = environment["LOBOT_LINK_MAP"] ?? ".build-embedded/lobot.map"
/// Where scripts/build-trousers put libtspi.a and libtcsd.a (the Makefile builds them first).
let trousersDir = environment["LOBOT_TROUSERS_DIR"] ?? Context.packageDirectory + "/build/trousers/lib"
/// Where the Makefile put libtpms.a (Debian's libtpms-dev archive, copied there so that no link
/// searches the system's library directory for it: on musl that would find glibc's libc.a) and,
/// for the musl link only, libtpms_fortify.a (the glibc fortify entry points it calls).
let libtpmsDir = environment["LOBOT_LIBTPMS_DIR"] ?? Context.packageDirectory + "/build/libtpms"
let embeddedLibDir = environment["LOBOT_EMBEDDED_LIBDIR"]
    ?? "/opt/swift/usr/lib/swift/embedded/x86_64-unknown-linux-gnu"

/// `LOBOT_MUSL_EXTRA_INCLUDE=DIR` builds the agent on musl instead of glibc (the Makefile does):
/// compiled against Debian's musl headers, then DIR (the kernel's and TrouSerS' headers musl has
/// not, never glibc's), and linked with musl's C library and start files, and gcc's libgcc.a
/// (`LOBOT_LIBGCC`) for the helpers the C code calls. musl's threads get 128 KiB of stack unless
/// the executable asks for more: tcsd's get glibc's 8 MiB default.
let muslExtraInclude = embedded ? environment["LOBOT_MUSL_EXTRA_INCLUDE"] : nil
let libgcc = environment["LOBOT_LIBGCC"] ?? "/usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a"
let muslInclude = "/usr/include/x86_64-linux-musl"
let muslLib = "/usr/lib/x86_64-linux-musl"
let libcHeaders: [String] =
    muslExtraInclude.map { ["-Xcc", "-nostdlibinc", "-Xcc", "-isystem", "-Xcc", muslInclude, "-Xcc", "-idirafter", "-Xcc", $0] } ?? []
let libcLink: [String] =
    muslExtraInclude == nil
    ? ["-Xclang-linker", "-static", "-lm", "-lpthread"]
    : [
        "-Xclang-linker", "-static", "-Xclang-linker", "-nostdlib", muslLib + "/crt1.o", muslLib + "/crti.o",
        "-L\(muslLib)", "-lc", libgcc, muslLib + "/crtn.o", "-Xlinker", "-z", "-Xlinker", "stack-size=8388608",
    ]

let embeddedSwift: [SwiftSetting] =
    embedded
    ? [
        .enableExperimentalFeature("Embedded"),
        .unsafeFlags(
            ["-wmo", "-Osize", "-Xfrontend", "-function-sections"] + (opensslInclude.map { ["-Xcc", "-I\($0)"] } ?? [])
                + libcHeaders),
    ]
    : []

/// `lobot` has no Swift `main`: argv arrives through `LoBotMin_main` (C calling convention), so
/// both builds point the ELF entry symbol `main` at it.
let agentLink: [LinkerSetting] =
    embedded
    ? [
        .unsafeFlags([
            "-use-ld=lld",
            "-Xlinker", "--defsym=main=LoBotMin_main",
            "-Xlinker", "--gc-sections",
            "-Xlinker", "-Map=\(linkMap)",
            "-L\(trousersDir)", "-L\(libtpmsDir)", "-L\(libcryptoDir)", "-L\(embeddedLibDir)",
            "-ltcsd", "-ltspi", "-ltpms",
        ] + (muslExtraInclude == nil ? [] : ["-ltpms_fortify"]) + ["-lcrypto", "-lswiftUnicodeDataTables"] + libcLink)
    ]
    : [.unsafeFlags(["-Xlinker", "--defsym=main=LoBotMin_main", "-L\(trousersDir)", "-ltcsd", "-ltspi", "-lcrypto"])]

/// The static TrouSerS archives for the normal build (tests); the agent's link names them itself.
let platformLink: [LinkerSetting] = embedded ? [] : [.unsafeFlags(["-L\(trousersDir)", "-ltspi", "-lcrypto"])]
/// The static libtpms for the normal build (tests), with the system's libcrypto; the agent's link names it itself.
let guestTPMLink: [LinkerSetting] = embedded ? [] : [.unsafeFlags(["-L\(libtpmsDir)", "-ltpms", "-lcrypto"])]

let package = Package(
    name: "LoBot",
    products: [
        .executable(name: "lobot", targets: ["LoBotMin"]),
        .executable(name: "lobot-factory", targets: ["FactoryTool"]),
        .executable(name: "lobot-bench", targets: ["LoBotBench"]),
        .executable(name: "lobot-tamper", targets: ["LoBotTamper"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibC", path: "Sources/CLibC"),
        .systemLibrary(name: "CLibCrypto", path: "Sources/CLibCrypto"),
        .systemLibrary(name: "CTSPI", path: "Sources/CTSPI"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CLibTPMS", path: "Sources/CLibTPMS"),
        .target(
            name: "LoBotCore",
            dependencies: ["CLibC", "CLibCrypto"],
            swiftSettings: embeddedSwift + fuzzSwift
        ),
        .target(
            name: "LoBotPlatform",
            dependencies: ["LoBotCore", "CTSPI"],
            swiftSettings: embeddedSwift + fuzzSwift,
            linkerSettings: platformLink
        ),
        .target(
            name: "LoBotGuestTPM",
            dependencies: ["LoBotCore", "CLibTPMS", "CLibC"],
            swiftSettings: embeddedSwift + fuzzSwift,
            linkerSettings: guestTPMLink
        ),
        .executableTarget(
            name: "LoBotMin",
            // No CLibC: the agent reaches libc through LoBotCore/System (SystemGatewayTests).
            dependencies: ["LoBotCore", "LoBotPlatform", "LoBotGuestTPM", "CTSPI"],
            swiftSettings: embeddedSwift,
            linkerSettings: agentLink
        ),
        .target(
            name: "FactoryKit",
            dependencies: [
                "LoBotCore", "CZlib",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: fuzzSwift
        ),
        .executableTarget(
            name: "FactoryTool",
            dependencies: [
                "FactoryKit", "LoBotCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            linkerSettings: factoryStatic ? [.unsafeFlags(factoryStaticLink)] : []
        ),
        .executableTarget(
            name: "LoBotBench", dependencies: ["LoBotCore", "FactoryKit", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            path: "bench/LoBotBench"),
        .executableTarget(
            name: "LoBotTamper", dependencies: ["LoBotCore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            path: "tamper/LoBotTamper"),
        .target(name: "TestSupport", dependencies: ["LoBotCore"], path: "Tests/TestSupport"),
        .testTarget(
            name: "LoBotCoreTests",
            dependencies: ["LoBotCore", "LoBotGuestTPM", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "FactoryToolTests", dependencies: ["FactoryKit", "LoBotCore", "TestSupport"]),
        // FactoryKit's decisions on a real factory directory (SQLite, CA keys), without a TPM.
        .testTarget(
            name: "FactoryKitTests",
            dependencies: ["FactoryKit", "LoBotCore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "EndToEndTests", dependencies: ["LoBotCore", "LoBotPlatform", "TestSupport"]),
    ]
)

if fuzz {
    package.products.append(.executable(name: "lobot-fuzz", targets: ["LoBotFuzz"]))
    package.targets.append(.systemLibrary(name: "CFuzzer", path: "fuzz/CFuzzer"))
    package.targets.append(
        .executableTarget(
            name: "LoBotFuzz",
            dependencies: [
                "CFuzzer", "LoBotCore", "LoBotPlatform", "FactoryKit",
                .product(name: "X509", package: "swift-certificates"),
            ],
            path: "fuzz/LoBotFuzz",
            swiftSettings: [.unsafeFlags(["-parse-as-library", "-sanitize=fuzzer,address"])],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])]
        ))
}
