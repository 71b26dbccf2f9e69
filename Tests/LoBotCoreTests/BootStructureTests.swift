// The files that cross into and out of a LoBot VM, at the byte level: the boot bundle, the boot
// result and the boot output the host reads back from the output disk, each against its spec
// layout (round trip, every truncation, a trailing byte, flips of its fixed fields), and the
// boot output held to its one canonical form, the result first.
import LoBotCore
import Testing

@Suite struct BootStructureTests {
    static let failed = BootResult.failure("no platform TPM")
    /// LBBR, version 1, status 1 (failed), message, no quotes, PCR 6 before (zero), the empty
    /// vTPM log, no firmware or IMA log, no domains.
    static var failedBytes: [UInt8] {
        let log = EventLog().bytes
        return Array("LBBR".utf8) + [1, 1] + [0, 15] + Array("no platform TPM".utf8) + [0, 0] + [0, 0]
            + [UInt8](repeating: 0, count: 20) + [0, 0, 0, UInt8(log.count)] + log + [0, 0, 0, 0] + [0, 0, 0, 0] + [0]
    }

    static func entry(_ name: String, _ data: [UInt8]) -> [UInt8] {
        [UInt8(name.utf8.count)] + Array(name.utf8) + [0, 0, UInt8(data.count >> 8), UInt8(data.count & 0xff)] + data
    }

    static func bundle(_ entries: [UInt8]..., count: UInt8? = nil) -> [UInt8] {
        Array("LBBB".utf8) + [1, 0, count ?? UInt8(entries.count)] + entries.flatMap { $0 }
    }

    @Test func bootResult() throws {
        try checkWireStructure(Self.failed, known: Self.failedBytes, fixedFieldOffsets: [0, 1, 2, 3, 4])
        var badStatus = Self.failedBytes
        badStatus[5] = 2
        #expect(parseError(BootResult.self, badStatus) != nil)
        var claimsSuccess = Self.failedBytes
        claimsSuccess[5] = 0  // "succeeded" without its quotes
        #expect(parseError(BootResult.self, claimsSuccess) != nil)
    }

    @Test func bootBundle() throws {
        let known = Self.bundle(Self.entry("domains", [1, 2, 3]), Self.entry("msk.bound", [9]))
        try checkWireStructure(BootBundle(entries: [("domains", [1, 2, 3]), ("msk.bound", [9])]), known: known, fixedFieldOffsets: [0, 1, 2, 3, 4])
        #expect(parseError(BootBundle.self, Self.bundle(Self.entry("a", [1]), Self.entry("a", [2]))) != nil)  // names are unique
    }

    @Test func bootOutputStartsWithItsResult() throws {
        let file = Self.entry("versions.pending", [7, 7])
        let known = Self.bundle(Self.entry("result", Self.failedBytes), file)
        let output = BootOutput(result: Self.failed, files: BootBundle(entries: [("versions.pending", [7, 7])]))
        try checkWireStructure(output, known: known, fixedFieldOffsets: [0, 1, 2, 3, 4])
        try checkWireStructure(BootOutput.failure("no platform TPM"), known: Self.bundle(Self.entry("result", Self.failedBytes)))

        // The same entries in another order would parse to the same value and write back otherwise: refused.
        let resultSecond = Self.bundle(file, Self.entry("result", Self.failedBytes))
        #expect(parseError(BootOutput.self, resultSecond).map { "\($0)".contains("does not start with its result") } == true)
        #expect(parseError(BootOutput.self, Self.bundle(file)) != nil)
        #expect(parseError(BootOutput.self, Self.bundle()) != nil)
        // A "result" that is not a boot result.
        #expect(parseError(BootOutput.self, Self.bundle(Self.entry("result", [1, 2, 3]), file)) != nil)
    }
}
