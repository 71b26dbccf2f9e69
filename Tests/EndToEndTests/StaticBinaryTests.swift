// `lobot` is one fully static ELF: no interpreter, no shared libraries, and it runs in an empty
// root holding nothing but itself.
import Foundation
import Testing
import TestSupport

@Suite struct StaticBinaryTests {
    @Test func elfHasNoInterpreterAndNoLibraries() throws {
        let lobot = try Binaries.lobot()
        let file = try runProcess("/usr/bin/file", ["-b", lobot])
        #expect(file.stdout.contains("statically linked"))
        #expect(file.stdout.contains("stripped") && !file.stdout.contains("not stripped"))
        let program = try runProcess("/usr/bin/readelf", ["-lW", lobot])
        #expect(program.status == 0)
        #expect(!program.stdout.contains("INTERP"))
        let dynamic = try runProcess("/usr/bin/readelf", ["-dW", lobot])
        #expect(!dynamic.stdout.contains("NEEDED"))
    }

    @Test func runsInAnEmptyRoot() throws {
        let root = try TemporaryDirectory("lobot-root")
        try FileManager.default.copyItem(atPath: try Binaries.lobot(), toPath: root.file("lobot"))
        // Only the binary is there: no libc, no /dev, no /etc, no Swift runtime.
        #expect(root.allFiles() == ["lobot"])
        let chroot: [String] = getuid() == 0 ? ["/usr/sbin/chroot", root.path] : ["/usr/bin/unshare", "-r", "/usr/sbin/chroot", root.path]
        func inRoot(_ arguments: [String]) throws -> ProcessResult {
            try runProcess(chroot[0], Array(chroot.dropFirst()) + ["/lobot"] + arguments)
        }
        let create = try inRoot(["create", "--vtpm", "/v"])
        #expect(create.status == 0, "\(create.stderr)")
        #expect(try inRoot(["extend", "--vtpm", "/v", "--pcr", "1", "--digest", String(repeating: "11", count: 20)]).status == 0)
        let quote = try inRoot(["quote", "--vtpm", "/v", "--pcrs", "0-7", "--nonce", String(repeating: "22", count: 20), "--out", "/q"])
        #expect(quote.status == 0, "\(quote.stderr)")
        let pcrs = try inRoot(["pcrs", "--vtpm", "/v", "--pcrs", "1"])
        // SHA-1(20 zero bytes || 20 bytes of 0x11), from hashlib.
        #expect(pcrs.stdout == "PCR-01: b3e26c6ca6785f04dd7187293d802d5b16dad8c1\n")
        #expect(root.exists("q"))
    }
}
