// What a new operator meets beyond the walkthroughs (DocumentationTests), on a real platform:
// recovery asked of a platform that never held a LoBot, and the progress and summary lines of the
// steps that move an aDom's disk -- on a terminal (a pty, through script(1)), piped, and --quiet.
import Foundation
import Testing
import TestSupport

@Suite struct OperatorPathTests {
    /// A factory and one platform enrolled with its bind and signing keys and golden values; with
    /// `counter`, also its monotonic counter (what holding a LoBot needs).
    final class World: @unchecked Sendable {
        let factory: FactoryUnderTest
        let platform: TestPlatform
        let adom: TemporaryDirectory

        init(counter: Bool) throws {
            factory = try FactoryUnderTest()
            platform = try TestPlatform(ekCertificate: false)
            adom = try TemporaryDirectory("lobot-adom")
            try factory.enroll(platform, as: "p1")
            try factory.registerBindKey(platform, as: "p1")
            if counter { try succeed(try lobot(["platform", "counter", "--create"]), "counter") }
            let (quote, nonce) = try factory.quote(platform, issuedTo: "p1", purpose: "golden")
            try succeed(try factory.run(group: "golden", ["record", "--name", "p1-platform", "--platform", "p1", "--quote", quote,
                                                          "--nonce", nonce, "--pcrs", "0-5,7"]), "golden record")
            try succeed(try factory.run(group: "golden", ["predict-host", "--name", "host-lobot", "--agent", try Binaries.lobot()]))
            try succeed(try runProcess(Binaries.packageRoot + "/scripts/make-adom", [adom.path]), "make-adom")
        }

        deinit { _ = try? lobot(["domain", "stop", "--name", "adom1"]) }

        func lobot(_ arguments: [String]) throws -> ProcessResult {
            try platform.lobot(arguments + ["--platform", platform.lobotDirectory])
        }

        /// `lobot ARGS` on a terminal: script(1) gives it a pty for stdin, stdout and stderr.
        func lobotOnATerminal(_ arguments: [String]) throws -> ProcessResult {
            let words = [try Binaries.lobot()] + arguments + ["--platform", platform.lobotDirectory]
            let command = words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
            return try runProcess("/usr/bin/script", ["-q", "-f", "-e", "-c", command, "/dev/null"], environment: platform.environment)
        }

        /// Opens an LSP session of adom1 (with a 16 MiB disk) onto the platform; returns the open message.
        func provision(out: String) throws -> String {
            let disk = adom.file("disk.img")
            _ = FileManager.default.createFile(atPath: disk, contents: Data(count: 16 << 20))
            try succeed(try factory.run(["provision", "adom1", "p1", "--kernel", adom.file("vmlinuz"), "--initrd", adom.file("initrd.img"),
                                         "--disk", disk, "--lobot-golden", "host-lobot", "--platform-golden", "p1-platform", "--out", out]),
                        "provision")
            return out + "/01-open.msg"
        }
    }

    @Test func recoverOnAPlatformThatNeverHeldALoBotSaysThereIsNothingToRecover() throws {
        let w = try World(counter: false)
        let box = w.factory.temp.file("lsp")
        let out = w.factory.temp.file("p1-out")

        // A session that never reached the platform.
        let unknown = String(repeating: "ab", count: 16)
        let never = try w.lobot(["migrate", "recover", "--session", unknown, "--out", out])
        #expect(never.status == 0 && never.stderr.isEmpty)
        #expect(never.stdout == "session \(unknown) never reached this platform: nothing to do\n")

        // A session it accepted, whose LoBot it never received (it has no version store at all).
        let open = try w.provision(out: box)
        try succeed(try w.lobot(["migrate", "accept", "--in", open, "--out", out]), "accept")
        let session = try [UInt8](Data(contentsOf: URL(fileURLWithPath: open)))[6..<22].map { String(format: "%02x", $0) }.joined()
        let recover = try w.lobot(["migrate", "recover", "--session", session, "--out", out])
        #expect(recover.status == 0, "\(recover.stderr)")
        #expect(recover.stderr.isEmpty)
        #expect(recover.stdout.split(separator: "\n").count == 1, "\(recover.stdout)")
        #expect(recover.stdout.hasPrefix("session \(session): nothing to recover here, LoBot_D never arrived; the session is ended "),
                "\(recover.stdout)")
        #expect(FileManager.default.fileExists(atPath: out + "/13-launch-failed.msg"))
        // Ended: the LoBot package that comes late is refused, and a second recover changes nothing.
        try succeed(try w.factory.run(["proceed", "--in", out + "/04-destination-keys.msg", "--out", box]), "proceed")
        let late = try w.lobot(["migrate", "receive", "--in", box + "/05-lobot-package.msg", "--out", out])
        #expect(late.status == 1 && late.stderr.contains("which is destroyed here"), "\(late.stderr)")
        let again = try w.lobot(["migrate", "recover", "--session", session, "--out", out])
        #expect(again.status == 0 && again.stdout.hasPrefix("session \(session) is destroyed here"), "\(again.stdout) \(again.stderr)")
    }

    @Test func stepsThatMoveTheADomShowProgressOnATerminalAndEndWithOneSummaryLine() throws {
        let w = try World(counter: true)
        let box = w.factory.temp.file("lsp")
        let out = w.factory.temp.file("p1-out")
        let open = try w.provision(out: box)
        try succeed(try w.lobot(["migrate", "accept", "--in", open, "--out", out]), "accept")
        try succeed(try w.factory.run(["proceed", "--in", out + "/04-destination-keys.msg", "--out", box]), "proceed")

        // Piped: no progress line, one summary line on stdout.
        let receive = try succeed(try w.lobot(["migrate", "receive", "--in", box + "/05-lobot-package.msg", "--out", out]), "receive")
        #expect(receive.split(separator: "\n").filter { $0.hasPrefix("received LoBot_D: ") && $0.hasSuffix("/s)") }.count == 1, "\(receive)")
        try succeed(try w.factory.run(["verdict", "--in", out + "/07-lobot-report.msg", "--out", box]), "verdict")

        // --quiet: neither.
        let check = try w.lobot(["migrate", "check", "--in", box + "/11-domain-offer.msg", "--package", box, "--out", out, "--quiet"])
        #expect(check.status == 0 && check.stderr.isEmpty, "\(check.stderr)")
        #expect(!check.stdout.contains("checked the aDom package"), "\(check.stdout)")
        try succeed(try w.factory.run(["release", "--in", out + "/12-domain-ready.msg", "--out", box]), "release")

        // On a terminal: the progress line (rewritten in place, the disk's bytes of its total) and the summary.
        let launch = try w.lobotOnATerminal(["migrate", "launch", "--in", box + "/13-release.msg", "--out", out])
        #expect(launch.status == 0, "\(launch.stdout)")
        #expect(launch.stdout.contains("\rchecking the aDom package: "), "\(launch.stdout.debugDescription)")
        #expect(launch.stdout.contains("\ropening the aDom's disk: ") && launch.stdout.contains(" of 16.0 MiB ("),
                "\(launch.stdout.debugDescription)")
        #expect(launch.stdout.contains("\u{1B}[K"))
        #expect(launch.stdout.contains("checked and opened the aDom's files, and started it: "), "\(launch.stdout.debugDescription)")
        let status = try w.lobot(["domain", "status", "--name", "adom1"]).stdout
        #expect(status.hasPrefix("adom1 running; vtpm opens; tpm 2.0 server running (pid ") && status.hasSuffix(")\n"), "\(status)")
    }
}
