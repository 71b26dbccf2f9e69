// `lobot` and `lobot-factory-static` are each one fully static ELF: no interpreter, no shared
// libraries. `lobot` runs in an empty root holding nothing but itself; the factory, a Foundation
// program, needs only /proc beside itself.
import Foundation
import Testing
import TestSupport

@Suite struct StaticBinaryTests {
    @Test(arguments: ["lobot", "lobot-factory-static"])
    func elfHasNoInterpreterAndNoLibraries(_ name: String) throws {
        let elf = try StaticELF(name == "lobot" ? try Binaries.lobot() : try Binaries.factoryStatic())
        #expect(elf.statically && elf.stripped)
        #expect(!elf.interpreter)
        #expect(!elf.neededLibraries)
    }

    @Test func lobotRunsInAnEmptyRoot() throws {
        let root = try EmptyRoot(binary: try Binaries.lobot())
        // Only the binary is there: no libc, no /dev, no /etc, no Swift runtime.
        #expect(root.directory.allFiles() == ["lobot"])
        let create = try root.run(["create", "--vtpm", "/v"])
        #expect(create.status == 0, "\(create.stderr)")
        #expect(try root.run(["extend", "--vtpm", "/v", "--pcr", "1", "--digest", String(repeating: "11", count: 20)]).status == 0)
        let quote = try root.run(["quote", "--vtpm", "/v", "--pcrs", "0-7", "--nonce", String(repeating: "22", count: 20), "--out", "/q"])
        #expect(quote.status == 0, "\(quote.stderr)")
        let pcrs = try root.run(["pcrs", "--vtpm", "/v", "--pcrs", "1"])
        // SHA-1(20 zero bytes || 20 bytes of 0x11), from hashlib.
        #expect(pcrs.stdout == "PCR-01: b3e26c6ca6785f04dd7187293d802d5b16dad8c1\n")
        #expect(root.directory.exists("q"))
    }

    @Test func staticFactoryRunsInAnEmptyRootWithProc() throws {
        let root = try EmptyRoot(binary: try Binaries.factoryStatic(), proc: true)
        #expect(root.directory.allFiles() == ["lobot-factory-static"])
        let help = try root.run(["--help"])
        #expect(help.status == 0, "\(help.stderr)")
        #expect(help.stdout.contains("USAGE: lobot-factory"))
        // Real work: a CA and privacy-CA key pair, the SQLite key database, the signed audit log.
        let initialized = try root.run(["init", "--factory", "/f", "--name", "static", "--json"])
        #expect(initialized.status == 0, "\(initialized.stderr)")
        #expect(initialized.stdout.contains("\"ca_certificate\":\"/f/ca.cert\""))
        for file in ["f/ca.cert", "f/ca.key", "f/keys.sqlite", "f/privacy-ca.tpmpub", "f/audit.head"] {
            #expect(root.directory.exists(file), "\(file) is missing")
        }
        let nonce = try root.run(["nonce", "--factory", "/f", "--for", "p1", "--purpose", "quote"])
        #expect(nonce.status == 0 && nonce.stdout.count == 41, "\(nonce.stderr)")
        let audit = try root.run(["audit", "verify", "--factory", "/f"])
        #expect(audit.status == 0, "\(audit.stderr)")
        #expect(audit.stdout.contains("chain and signatures intact"))
    }
}
