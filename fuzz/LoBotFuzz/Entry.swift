// The entry point and libFuzzer's two callbacks. LOBOT_FUZZ_TARGET picks the target; LOBOT_FUZZ_SEEDS=DIR (with
// LOBOT_FUZZ_CORPUS=OUT) makes the seed corpus from a demo run's files instead of fuzzing.
import CFuzzer
import Glibc
import LoBotCore

/// SwiftPM links an executable with `main` pointing at `LoBotFuzz_main`: hand over to libFuzzer.
@_cdecl("LoBotFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOne(data, size) }
}

nonisolated(unsafe) var selectedTarget: FuzzTarget = .envelope

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> CInt {
    if let demo = getenv("LOBOT_FUZZ_SEEDS").map({ String(cString: $0) }) {
        guard let out = getenv("LOBOT_FUZZ_CORPUS").map({ String(cString: $0) }) else {
            report("lobot-fuzz: LOBOT_FUZZ_SEEDS needs LOBOT_FUZZ_CORPUS (the corpus directory to write)\n")
            _exit(2)
        }
        let status = SeedHarvest.run(demo: demo, corpus: out)
        fflush(nil)
        _exit(status)  // no leak check at exit: the process is done, not leaking
    }
    let name = getenv("LOBOT_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        report("lobot-fuzz: set LOBOT_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: " "))\n")
        _exit(2)
    }
    selectedTarget = target
    Fixtures.prepare()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    selectedTarget.run(bytes)
    return 0
}
