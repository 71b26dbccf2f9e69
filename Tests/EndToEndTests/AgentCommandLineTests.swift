// The `lobot` binary as a Unix tool: help, exit statuses, one-line errors, no half-written
// files, and the lock held across processes.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite struct AgentCommandLineTests {
    func run(_ arguments: [String]) throws -> ProcessResult { try runProcess(try Binaries.lobot(), arguments) }

    @Test func helpListsEveryCommand() throws {
        let result = try run(["--help"])
        #expect(result.status == 0)
        for command in ["create", "extend", "measure", "reset", "pcrs", "quote", "verify-quote", "pubkey", "seal", "unseal",
                        "bind", "unbind", "counter", "log"] {
            #expect(result.stdout.contains("  \(command) "), "\(command) missing from --help")
        }
        let sub = try run(["quote", "--help"])
        #expect(sub.status == 0)
        #expect(sub.stdout.hasPrefix("usage: lobot quote --vtpm DIR --pcrs LIST --nonce HEX --out FILE"))
    }

    @Test(arguments: [
        (["bogus"], "lobot: unknown command \"bogus\" (see lobot --help)"),
        (["pcrs", "--bogus"], "lobot: pcrs: unknown option --bogus (see lobot pcrs --help)"),
        (["pcrs", "--vtpm"], "lobot: pcrs: option --vtpm needs a value (see lobot pcrs --help)"),
        (["extend", "--vtpm", "/x", "--pcr", "24", "--digest", "00"],
         "lobot: extend: --pcr must be a number from 0 to 23, not \"24\" (see lobot extend --help)"),
        (["quote", "--vtpm", "/x", "--pcrs", "0-7", "--nonce", "zz", "--out", "/x/q"],
         "lobot: quote: --nonce must be 40 hex digits (see lobot quote --help)"),
        (["measure", "--vtpm", "/x", "--pcr", "1"], "lobot: measure: missing argument (see lobot measure --help)"),
        (["migrate", "receive", "--platform", "/x", "--in", "/x/m", "--out", "/x", "--tpm-state", "/x/s"],
         "lobot: migrate receive: --tpm-state is for LoBot_D as the LoBot VM: give --image too (see lobot migrate receive --help)"),
        (["migrate", "receive", "--platform", "/x", "--in", "/x/m", "--out", "/x", "--image", "/x/i", "--accel", "fast"],
         "lobot: migrate receive: --accel must be auto, kvm or tcg (see lobot migrate receive --help)"),
    ])
    func usageErrorsExitTwoWithOneLine(arguments: [String], message: String) throws {
        let result = try run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr == message + "\n")
        #expect(result.stdout.isEmpty)
    }

    @Test func noArgumentsPrintsUsageAndExitsTwo() throws {
        let result = try run([])
        #expect(result.status == 2)
        #expect(result.stdout.hasPrefix("usage: lobot COMMAND"))
    }

    @Test func failuresExitOneWithOneLineAndWriteNothing() throws {
        let temp = try TemporaryDirectory()
        let missing = try run(["pcrs", "--vtpm", temp.file("none")])
        #expect(missing.status == 1)
        #expect(missing.stderr == "lobot: vTPM state in \(temp.file("none")) not found\n")

        #expect(try run(["create", "--vtpm", temp.file("v")]).status == 0)
        let again = try run(["create", "--vtpm", temp.file("v")])
        #expect(again.status == 1)
        #expect(again.stderr == "lobot: a vTPM in \(temp.file("v")) already exists\n")

        // A quote into a directory that does not exist fails and leaves nothing behind.
        let out = temp.file("no/such/dir/quote")
        let quote = try run(["quote", "--vtpm", temp.file("v"), "--pcrs", "0", "--nonce", String(repeating: "ab", count: 20), "--out", out])
        #expect(quote.status == 1)
        #expect(quote.stderr.hasPrefix("lobot: cannot open \(out).tmp-"))
        #expect(temp.allFiles().allSatisfy { !$0.contains("quote") })
    }

    @Test func corruptStateIsOneClearLine() throws {
        let temp = try TemporaryDirectory()
        #expect(try run(["create", "--vtpm", temp.file("v")]).status == 0)
        let state = temp.file("v/vtpm.state")
        var bytes = try temp.read("v/vtpm.state")
        bytes[40] ^= 0x01
        _ = try temp.write("v/vtpm.state", bytes)
        let result = try run(["pcrs", "--vtpm", temp.file("v")])
        #expect(result.status == 1)
        #expect(result.stderr == "lobot: vTPM state \(state) failed authentication: altered, or not made for this key\n")
    }

    @Test func secondProcessGetsInUse() throws {
        // `measure` holds the vTPM lock while it reads; reading a FIFO keeps it there until we write.
        let temp = try TemporaryDirectory()
        let vtpm = temp.file("v")
        #expect(try run(["create", "--vtpm", vtpm]).status == 0)
        let fifo = temp.file("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let holder = try ChildProcess(try Binaries.lobot(), ["measure", "--vtpm", vtpm, "--pcr", "9", fifo])
        // Blocks until the holder opens the FIFO. Close-on-exec: a writer inherited by a daemon another
        // test spawns meanwhile (swtpm, tcsd) would keep the FIFO open and the holder reading forever.
        let writerFD = open(fifo, O_WRONLY | O_CLOEXEC)
        #expect(writerFD >= 0)
        let writer = writerFD >= 0 ? FileHandle(fileDescriptor: writerFD, closeOnDealloc: true) : nil
        // The holder opened the state before the FIFO, so it holds the lock now.
        let second = try run(["pcrs", "--vtpm", vtpm])
        #expect(second.status == 1)
        #expect(second.stderr == "lobot: vTPM state \(vtpm) is in use by another process\n")
        writer?.write(Data("domain".utf8))
        try writer?.close()
        #expect(holder.wait().status == 0)
        #expect(try run(["pcrs", "--vtpm", vtpm, "--pcrs", "9"]).status == 0)
    }
}
