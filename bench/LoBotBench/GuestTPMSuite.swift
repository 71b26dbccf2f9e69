// Guest TPM benchmark: what a guest's TPM costs as the guest sees it, LoBot's server against swtpm
// (Debian's, on the same libtpms 0.9.2), same run, interleaved, both spoken to as qemu speaks to
// them (EmulatorClient: the control channel and a data channel handed over with SET_DATAFD).
// Rows: a TPM2_PCR_Extend and a TPM_Extend round trip (nothing to persist), a TPM2_NV_Write round
// trip (LoBot writes the state durably -- sealed under the MSK, fsynced -- before it answers; swtpm
// writes its state file), and the time for a domain's TPM server to start: unbind the MSK with the
// platform TPM, open the LoBot, read the guest TPM's newest state and checkpoint it.
//
// The client and both servers run on one CPU core: a round trip of some 16 µs doubles or triples
// when the scheduler happens to put the server on the other core than its client (each wakeup
// then crosses cores, 20-40 µs in this VM), and which server it does that to is chance.
import Foundation
import LoBotCore
import TestSupport

struct GuestTPMSuite {
    let sizes: BenchSizes
    let work: String

    func run(into results: inout ResultsFile) throws {
        // taskset(1): this process's threads (and so what it starts from now on) on CPU 0, then back.
        try spawn("/usr/bin/taskset", ["-a", "-p", "-c", "0", "\(getpid())"])
        defer { _ = try? spawn("/usr/bin/taskset", ["-a", "-p", "-c", "0-\(ProcessInfo.processInfo.processorCount - 1)", "\(getpid())"]) }
        let factory = try FactoryUnderTest()
        let platform = try GuestTPMDomain.platform(factory, as: "bench-tpm")
        let files = try TemporaryDirectory("lobot-bench-guest")
        _ = try files.write("vmlinuz", [UInt8](repeating: 1, count: 8 << 20))
        _ = try files.write("initrd", [UInt8](repeating: 2, count: 16 << 20))
        for family in [GuestTPMFamily.tpm20, .tpm12] {
            let domain = try GuestTPMDomain(platform: platform, name: "bench-\(family.rawValue)", family: family,
                                            kernel: files.file("vmlinuz"), initrd: files.file("initrd"))
            try domain.start()
            let swtpm = try Swtpm(family: family, directory: files.file("swtpm-\(family.rawValue)"))
            defer {
                domain.stop()
                swtpm.stop()
            }
            let ours = try Self.booted(try EmulatorClient(socket: domain.socket), family)
            let theirs = try Self.booted(try EmulatorClient(socket: swtpm.socket), family)
            let name = family == .tpm12 ? "TPM_Extend" : "TPM2_PCR_Extend"
            let extend = family == .tpm12 ? TPM12TestCommands.extend(16, [UInt8](repeating: 7, count: 20))
                : TPM2TestCommands.pcrExtend(16, [(0x0004, [UInt8](repeating: 7, count: 20)), (0x000B, [UInt8](repeating: 7, count: 32))])
            var lobotExtend = Samples()
            var swtpmExtend = Samples()
            for _ in 0..<sizes.commandRuns {
                swtpmExtend.add(try Clock.time { try Self.expectSuccess(try theirs.command(extend), name) })
                lobotExtend.add(try Clock.time { try Self.expectSuccess(try ours.command(extend), name) })
            }
            results.record("guest \(name) round trip, TPM \(family.name), lobot", lobotExtend, scale: 1e6, "µs", baseline: swtpmExtend,
                           note: "qemu's protocol over a socketpair, \(lobotExtend.count) commands each, interleaved, client and servers on one core; baseline swtpm 0.7.1 on the same libtpms")
            if family == .tpm20 {
                let index: UInt32 = 0x0150_0030
                for client in [ours, theirs] { try Self.expectSuccess(try client.command(TPM2TestCommands.nvDefineSpace(index: index, size: 8)), "NV_DefineSpace") }
                var lobotWrite = Samples()
                var swtpmWrite = Samples()
                for i in 0..<sizes.commandRuns {
                    let write = TPM2TestCommands.nvWrite(index: index, EmulatorClient.bigEndian(UInt32(i)) + [0, 0, 0, 0])
                    swtpmWrite.add(try Clock.time { try Self.expectSuccess(try theirs.command(write), "NV_Write") })
                    lobotWrite.add(try Clock.time { try Self.expectSuccess(try ours.command(write), "NV_Write") })
                }
                results.record("guest TPM2_NV_Write round trip, lobot", lobotWrite, scale: 1e6, "µs", baseline: swtpmWrite,
                               note: "LoBot: the state sealed under the MSK, written, fsynced, renamed, the directory fsynced, before the answer (checkpoints every 5 s); baseline swtpm writing its state file")
            }
        }
        // A server's start and restore, on a state with something in it.
        let domain = try GuestTPMDomain(platform: platform, name: "bench-start", family: .tpm20, kernel: files.file("vmlinuz"),
                                        initrd: files.file("initrd"))
        try domain.start()
        let client = try Self.booted(try EmulatorClient(socket: domain.socket), .tpm20)
        try Self.expectSuccess(try client.command(TPM2TestCommands.nvDefineSpace(index: 0x0150_0031, size: 64)), "NV_DefineSpace")
        domain.stop()
        var starts = Samples()
        for _ in 0..<sizes.boots * 3 {
            starts.add(try domain.start())
            domain.stop()
        }
        results.record("guest TPM server start and restore, TPM 2.0", starts, scale: 1e3, "ms",
                       note: "spawn to listening: MSK unbound by the platform TPM (tcsd), LoBot opened, newest state read, checkpoint (one platform counter move), launch log (24 MiB of kernel and initrd hashed in 4 banks)")
    }

    /// A client that has done what qemu does at a cold boot: INIT, then the firmware's Startup.
    static func booted(_ client: EmulatorClient, _ family: GuestTPMFamily) throws -> EmulatorClient {
        try client.initialize()
        try expectSuccess(try client.command(family == .tpm12 ? TPM12TestCommands.startupClear : TPM2TestCommands.startupClear), "Startup")
        return client
    }

    static func expectSuccess(_ response: [UInt8], _ what: String) throws {
        guard response.count >= 10, response[6...9].allSatisfy({ $0 == 0 }) else {
            throw BenchError(description: "\(what) failed: \(response.prefix(10).map { String(format: "%02x", $0) }.joined())")
        }
    }
}

/// Debian's swtpm on a fresh state directory, its control channel on a unix socket (as libvirt
/// runs it for qemu); stopped with SIGTERM.
final class Swtpm {
    let socket: String
    let pidFile: String

    init(family: GuestTPMFamily, directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory + "/state", withIntermediateDirectories: true)
        socket = directory + "/ctrl.sock"
        pidFile = directory + "/swtpm.pid"
        var arguments = ["socket", "--tpmstate", "dir=" + directory + "/state", "--ctrl", "type=unixio,path=" + socket, "--daemon",
                         "--pid", "file=" + pidFile, "--log", "file=" + directory + "/swtpm.log"]
        if family == .tpm20 { arguments.append("--tpm2") }
        try spawn("/usr/bin/swtpm", arguments)
    }

    func stop() {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return }
        kill(pid, SIGTERM)
    }
}
