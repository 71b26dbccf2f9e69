// The `lobot` binary as a Unix tool: help, exit statuses, one-line errors, no half-written
// files, and the lock held across processes.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite struct AgentCommandLineTests {
    func run(_ arguments: [String]) throws -> ProcessResult { try runProcess(try Binaries.lobot(), arguments) }

    @Test func everyGroupAndCommandHasHelp() throws {
        // The texts themselves are recorded in Tests/HelpTexts (HelpTextTests); here, what a user types.
        for (arguments, first) in [(["platform", "--help"], "usage: lobot platform COMMAND [OPTIONS]"),
                                   (["migrate", "--help"], "usage: lobot migrate COMMAND [OPTIONS]"),
                                   (["domain", "--help"], "usage: lobot domain COMMAND [OPTIONS]"),
                                   (["help", "platform"], "usage: lobot platform COMMAND [OPTIONS]"),
                                   (["help", "quote"], "usage: lobot quote --vtpm DIR --pcrs LIST --nonce HEX --out FILE [--form quote|quote2]"),
                                   (["help", "platform", "quote"], "usage: lobot platform quote --platform DIR --pcrs LIST --nonce HEX --out FILE"),
                                   (["--help"], "usage: lobot COMMAND [OPTIONS]")] {
            let result = try run(arguments)
            #expect(result.status == 0, "\(arguments)")
            #expect(result.stdout.hasPrefix(first + "\n"), "\(arguments): \(result.stdout.prefix(80))")
            #expect(result.stderr.isEmpty)
        }
        let overview = try run(["--help"]).stdout
        for role in ["vTPM commands", "platform commands", "domain commands", "migration commands"] {
            #expect(overview.contains("\n" + role), "the overview does not name \(role)")
        }
    }

    @Test(arguments: [
        (["bogus"], "lobot: unknown command \"bogus\" (see lobot --help)"),
        ([], "lobot: no command given (see lobot --help)"),
        (["platform"], "lobot: platform needs a command (see lobot platform --help)"),
        (["platform", "bogus"], "lobot: unknown command \"platform bogus\" (see lobot platform --help)"),
        (["help", "bogus"], "lobot: help: unknown command \"bogus\" (see lobot --help)"),
        (["platform", "launch", "--image", "/x/i"], "lobot: platform launch: --image is now --image-dir (see lobot platform launch --help)"),
        (["migrate", "receive", "--in", "/x/m", "--image=/x/i"], "lobot: migrate receive: --image is now --image-dir (see lobot migrate receive --help)"),
        (["pcrs", "--bogus"], "lobot: pcrs: unknown option --bogus (see lobot pcrs --help)"),
        (["pcrs", "--vtpm"], "lobot: pcrs: option --vtpm needs a value (see lobot pcrs --help)"),
        (["extend", "--vtpm", "/x", "--pcr", "24", "--digest", "00"],
         "lobot: extend: --pcr must be a number from 0 to 23, not \"24\" (see lobot extend --help)"),
        (["quote", "--vtpm", "/x", "--pcrs", "0-7", "--nonce", "zz", "--out", "/x/q"],
         "lobot: quote: --nonce must be 40 hex digits (see lobot quote --help)"),
        (["measure", "--vtpm", "/x", "--pcr", "1"], "lobot: measure: missing argument (see lobot measure --help)"),
        (["migrate", "receive", "--platform", "/x", "--in", "/x/m", "--out", "/x", "--tpm-state", "/x/s"],
         "lobot: migrate receive: --tpm-state is for LoBot_D as the LoBot VM: give --image-dir too (see lobot migrate receive --help)"),
        (["migrate", "receive", "--platform", "/x", "--in", "/x/m", "--out", "/x", "--image-dir", "/x/i", "--accel", "fast"],
         "lobot: migrate receive: --accel must be auto, kvm or tcg (see lobot migrate receive --help)"),
    ])
    func usageErrorsExitTwoWithOneLine(arguments: [String], message: String) throws {
        let result = try run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr == message + "\n")
        #expect(result.stdout.isEmpty)
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
