// `lobot domain tpm-server` on a real platform (swtpm + tcsd), spoken to as qemu speaks to it
// (EmulatorClient): a guest's malformed commands get TPM error answers and never stall it; every
// NV write it acknowledged survives a SIGKILL at any moment; NV writes in a loop move the platform
// TPM's counter at most once per checkpoint interval; and the live file opens only with its own
// epoch's checkpoint.
import Foundation
import LoBotCore
import Testing
import TestSupport

/// The return code of a TPM response.
func returnCode(_ response: [UInt8]) -> UInt32 { GuestTPMServerTests.code(response) }

@Suite(.serialized) struct GuestTPMServerTests {
    static func code(_ response: [UInt8]) -> UInt32 {
        guard response.count >= 10 else { return UInt32.max }
        return UInt32(response[6]) << 24 | UInt32(response[7]) << 16 | UInt32(response[8]) << 8 | UInt32(response[9])
    }

    static let fixture = SharedFixture { () throws -> (FactoryUnderTest, TestPlatform, TemporaryDirectory) in
        let factory = try FactoryUnderTest()
        let platform = try GuestTPMDomain.platform(factory, as: "tpm-host")
        let files = try TemporaryDirectory("lobot-guest-files")
        _ = try files.write("vmlinuz", Array("a kernel".utf8))
        _ = try files.write("initrd", Array("an initrd".utf8))
        return (factory, platform, files)
    }

    func domain(_ name: String, _ family: GuestTPMFamily) throws -> GuestTPMDomain {
        let (_, platform, files) = try Self.fixture.get()
        return try GuestTPMDomain(platform: platform, name: name, family: family, kernel: files.file("vmlinuz"), initrd: files.file("initrd"))
    }

    /// A client that has done what qemu does at a cold boot: INIT, then the firmware's Startup.
    func booted(_ domain: GuestTPMDomain, _ family: GuestTPMFamily) throws -> EmulatorClient {
        let client = try EmulatorClient(socket: domain.socket)
        try client.initialize()
        let startup = family == .tpm12 ? TPM12TestCommands.startupClear : TPM2TestCommands.startupClear
        let answer = try client.command(startup)
        guard answer.count == 10, answer[6...9].allSatisfy({ $0 == 0 }) else { throw TestSupportError.failed("Startup: \(answer)") }
        return client
    }

    static func returnCode(_ response: [UInt8]) -> UInt32 { GuestTPMServerTests.code(response) }

    @Test(arguments: [GuestTPMFamily.tpm20, .tpm12])
    func malformedGuestCommandsGetErrorAnswersAndNeverStallTheServer(_ family: GuestTPMFamily) throws {
        let domain = try domain("malformed-\(family.rawValue)", family)
        try domain.start()
        defer { domain.stop() }
        let client = try booted(domain, family)
        let tag: UInt8 = family == .tpm12 ? 0xc4 : 0x01
        // What qemu's TIS and CRB hand on from a guest that lies about its command's size (the
        // captures): 6 bytes for a size of 2, 10 bytes claiming 4 GiB, a lone byte, and 64 KiB of noise.
        for (what, bytes) in [("6 bytes, size 2", hexBytes("8001 00000002 0000")), ("size 0xffffffff", hexBytes("8001 ffffffff 0000017b")),
                              ("one byte", [UInt8(0x80)]), ("64 KiB of noise", (0..<(64 << 10)).map { UInt8(truncatingIfNeeded: $0 &* 31) })] {
            let started = Date()
            let answer = try #require(try client.raw(bytes), "\(what): no answer")
            #expect(answer.count == 10 && answer[1] == tag && Self.returnCode(answer) != 0, "\(what): \(answer)")
            #expect(Date().timeIntervalSince(started) < 2, "\(what): answered only after \(Date().timeIntervalSince(started)) s")
        }
        // The TPM still answers a genuine command, and the server still runs.
        let getRandom = family == .tpm12 ? hexBytes("00c1 0000000e 00000046 00000008") : hexBytes("8001 0000000c 0000017b 0008")
        #expect(Self.returnCode(try client.command(getRandom)) == 0)
        #expect(kill(try #require(domain.serverPID), 0) == 0)
    }

    /// What the writer thread was last told, read by the test once the thread has ended.
    final class Writer: @unchecked Sendable {
        var acknowledged: UInt64 = 0
        var client: EmulatorClient

        init(_ client: EmulatorClient) { self.client = client }

        /// Writes increasing values until a write fails (the server is gone).
        func run(_ index: UInt32) {
            var value = acknowledged
            while true {
                value += 1
                let bytes = EmulatorClient.bigEndian(UInt32(value >> 32)) + EmulatorClient.bigEndian(UInt32(value & 0xffff_ffff))
                guard let answer = try? client.command(TPM2TestCommands.nvWrite(index: index, bytes)), returnCode(answer) == 0 else { return }
                acknowledged = value
            }
        }
    }

    @Test func everyAcknowledgedNVWriteSurvivesASIGKILLAtAnyMoment() throws {
        let domain = try domain("killed", .tpm20)
        let index: UInt32 = 0x0150_0020
        try domain.start()
        let writer = Writer(try booted(domain, .tpm20))
        #expect(Self.returnCode(try writer.client.command(TPM2TestCommands.nvDefineSpace(index: index, size: 8))) == 0)
        for round in 0..<12 {
            // A writer in the background; the server killed at a random moment of its stream.
            let thread = Thread { writer.run(index) }
            thread.start()
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.4))
            domain.stop(signal: SIGKILL)
            while thread.isExecuting || !thread.isFinished { Thread.sleep(forTimeInterval: 0.01) }
            let told = writer.acknowledged
            try domain.start()
            writer.client = try booted(domain, .tpm20)
            let read = try TPM2TestCommands.nvReadData(try writer.client.command(TPM2TestCommands.nvRead(index: index, size: 8)))
            let stored = read.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(stored == told || stored == told + 1, "round \(round): the guest was told \(told), the TPM holds \(stored)")
            writer.acknowledged = stored
        }
        domain.stop()
    }

    @Test func writesInALoopMoveThePlatformCounterAtMostOncePerInterval() throws {
        let domain = try domain("loop", .tpm20)
        let (_, platform, _) = try Self.fixture.get()
        func counter() throws -> Int {
            let out = try succeed(try platform.lobot(["platform", "counter", "--platform", platform.lobotDirectory]), "counter")
            return Int(out.split(whereSeparator: { !$0.isNumber }).last.map(String.init) ?? "") ?? -1
        }
        try domain.start(checkpointInterval: 2)
        let client = try booted(domain, .tpm20)
        let index: UInt32 = 0x0150_0021
        #expect(Self.returnCode(try client.command(TPM2TestCommands.nvDefineSpace(index: index, size: 8))) == 0)
        let before = try counter()
        let started = Date()
        var writes = 0
        while Date().timeIntervalSince(started) < 5 {
            #expect(Self.returnCode(try client.command(TPM2TestCommands.nvWrite(index: index, EmulatorClient.bigEndian(UInt32(writes)) + [0, 0, 0, 0]))) == 0)
            writes += 1
        }
        let moves = try counter() - before
        // Some hundreds of writes in 5 s, each durable before its answer; a checkpoint every 2 s at most.
        #expect(writes > 100, "only \(writes) writes in 5 s")
        #expect(moves >= 1 && moves <= 3, "\(writes) writes moved the counter \(moves) times")
        domain.stop()
    }

    @Test func aLiveFileFromAnEarlierEpochIsNotTakenForCurrent() throws {
        let domain = try domain("epochs", .tpm20)
        let index: UInt32 = 0x0150_0022
        try domain.start(checkpointInterval: 3600)
        var client = try booted(domain, .tpm20)
        #expect(Self.returnCode(try client.command(TPM2TestCommands.nvDefineSpace(index: index, size: 8))) == 0)
        #expect(Self.returnCode(try client.command(TPM2TestCommands.nvWrite(index: index, Array("00000001".utf8)))) == 0)
        domain.stop(signal: SIGKILL)
        // The value 1 lives in the live file only; keep that file, let a start checkpoint it, write 2.
        let live = domain.directory + "/lobot/guest-tpm.live"
        let old = try Data(contentsOf: URL(fileURLWithPath: live))
        try domain.start(checkpointInterval: 3600)
        client = try booted(domain, .tpm20)
        #expect(Self.returnCode(try client.command(TPM2TestCommands.nvWrite(index: index, Array("00000002".utf8)))) == 0)
        domain.stop(signal: SIGKILL)
        // Put the epoch-1 file back in place of the newer one: it is not read (it is older than
        // the checkpoint), so the TPM holds what the checkpoint holds -- the value 1 -- not silently the newer one's.
        try old.write(to: URL(fileURLWithPath: live))
        try domain.start(checkpointInterval: 3600)
        client = try booted(domain, .tpm20)
        let read = try TPM2TestCommands.nvReadData(try client.command(TPM2TestCommands.nvRead(index: index, size: 8)))
        #expect(read == Array("00000001".utf8), "\(String(decoding: read, as: UTF8.self))")
        #expect((try? Data(contentsOf: URL(fileURLWithPath: live))) != old, "the stale live file was kept")
        domain.stop()
    }
}
