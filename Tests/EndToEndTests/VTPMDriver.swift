// One vTPM under test, reachable two ways: through LoBotCore in this process (`library`) or
// through the static embedded `lobot` binary as a subprocess (`binary`). Scenarios are written
// once against this type and run on both, so the Embedded build is tested, not only the normal
// one. Failures come back as the one-line message the user would see.
import Foundation
import LoBotCore
import Testing
import TestSupport

enum Driver: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case library, binary
    var testDescription: String { rawValue }
}

struct DriverFailure: Error, CustomStringConvertible {
    let description: String
}

struct VTPMUnderTest {
    let driver: Driver
    let directory: String
    let temp: TemporaryDirectory

    init(_ driver: Driver) throws {
        self.driver = driver
        temp = try TemporaryDirectory("lobot-e2e-\(driver.rawValue)")
        directory = temp.file("vtpm")
    }

    var vtpmDirectory: VTPMDirectory { VTPMDirectory(directory) }

    /// Runs `lobot` with the vTPM option added; throws the stderr line on failure.
    @discardableResult
    func lobot(_ arguments: [String], withVTPM: Bool = true) throws -> [String] {
        let result = try runProcess(try Binaries.lobot(), arguments + (withVTPM ? ["--vtpm", directory] : []))
        guard result.status == 0 else {
            #expect(result.stderr.split(separator: "\n").count == 1, "error is not one line: \(result.stderr)")
            throw DriverFailure(description: result.stderr.trimmingCharacters(in: .newlines))
        }
        return result.stdoutLines
    }

    /// Runs a core operation on an opened session, committing when asked; LoBotErrors become
    /// the same "lobot: ..." line the binary prints.
    func library<T>(commit: Bool, _ body: (VTPM) throws(LoBotError) -> T) throws -> T {
        do throws(LoBotError) {
            var session = try vtpmDirectory.openLocal()
            let value = try body(session.vtpm)
            if commit { try session.commit() }
            return value
        } catch {
            throw DriverFailure(description: "lobot: " + error.message)
        }
    }

    func create() throws {
        switch driver {
        case .binary: try lobot(["create"])
        case .library:
            do throws(LoBotError) { _ = try vtpmDirectory.createLocal() } catch { throw DriverFailure(description: error.message) }
        }
    }

    func extend(_ pcr: Int, _ digest: SHA1Digest, name: String) throws -> SHA1Digest {
        switch driver {
        case .binary:
            let line = try lobot(["extend", "--pcr", "\(pcr)", "--digest", digest.hex, "--name", name]).last ?? ""
            return SHA1Digest(hexBytes(String(line.split(separator: " ").last ?? "")))!
        case .library:
            return try library(commit: true) { (v) throws(LoBotError) in try v.extend(pcr: pcr, digest: digest, name: name) }
        }
    }

    func measure(_ pcr: Int, file: String) throws -> [UInt8] {
        switch driver {
        case .binary:
            let lines = try lobot(["measure", "--pcr", "\(pcr)", file])
            return hexBytes(String(lines[0].split(separator: " ")[0]))
        case .library:
            return try library(commit: true) { (v) throws(LoBotError) in
                let digest = try FileMeasurement.sha256(path: file)
                try v.measure(pcr: pcr, sha256: digest, name: Files.baseName(of: file))
                return digest
            }
        }
    }

    func pcrs() throws -> [SHA1Digest] {
        switch driver {
        case .binary:
            return try lobot(["pcrs"]).map { SHA1Digest(hexBytes(String($0.split(separator: " ")[1])))! }
        case .library:
            return try library(commit: false) { (v) throws(LoBotError) in v.pcrs.values }
        }
    }

    func quote(_ pcrs: String, nonce: TPMNonce, form: Quote.Form) throws -> Quote {
        switch driver {
        case .binary:
            let out = temp.file("quote-\(UUID().uuidString)")
            try lobot(["quote", "--pcrs", pcrs, "--nonce", nonce.hex, "--out", out, "--form", form == .quote ? "quote" : "quote2"])
            return try Quote(bytes: try Data(contentsOf: URL(fileURLWithPath: out)).map { $0 })
        case .library:
            return try library(commit: false) { (v) throws(LoBotError) in
                try v.quote(selection: try PCRSelection(try PCRList.parse(pcrs)), nonce: nonce, form: form)
            }
        }
    }

    func publicKey(_ role: VTPM.KeyRole) throws -> PubKey {
        switch driver {
        case .binary:
            let out = temp.file("\(role.name).pub")
            try lobot(["pubkey", "--key", role.name, "--out", out])
            return try PubKey(bytes: try temp.read("\(role.name).pub"))
        case .library:
            return try library(commit: false) { (v) throws(LoBotError) in try v.publicKey(role) }
        }
    }

    func seal(_ data: [UInt8], pcrs: String) throws -> [UInt8] {
        switch driver {
        case .binary:
            let input = try temp.write("seal-in", data)
            let out = temp.file("sealed")
            try lobot(["seal", "--pcrs", pcrs, "--in", input, "--out", out])
            return try temp.read("sealed")
        case .library:
            return try library(commit: false) { (v) throws(LoBotError) in
                try v.seal(data, selection: try PCRSelection(try PCRList.parse(pcrs))).bytes
            }
        }
    }

    func unseal(_ blob: [UInt8]) throws -> [UInt8] {
        switch driver {
        case .binary:
            let input = try temp.write("unseal-in", blob)
            let out = temp.file("unsealed")
            try? FileManager.default.removeItem(atPath: out)
            do {
                try lobot(["unseal", "--in", input, "--out", out])
            } catch {
                #expect(!temp.exists("unsealed"), "a failed unseal left its output file")
                throw error
            }
            #expect(try FileManagerMode.mode(out) == 0o600)
            return try temp.read("unsealed")
        case .library:
            return try library(commit: false) { (v) throws(LoBotError) in try v.unseal(try SealedBlob(bytes: blob)) }
        }
    }

    func unbind(_ blob: [UInt8]) throws -> [UInt8] {
        switch driver {
        case .binary:
            let input = try temp.write("unbind-in", blob)
            try lobot(["unbind", "--in", input, "--out", temp.file("unbound")])
            return try temp.read("unbound")
        case .library:
            return try library(commit: false) { (v) throws(LoBotError) in try v.unbind(blob) }
        }
    }

    func counter(increment: Bool) throws -> UInt64 {
        switch driver {
        case .binary:
            let line = try lobot(["counter"] + (increment ? ["--increment"] : [])).last ?? ""
            return UInt64(line.split(separator: " ").last ?? "") ?? .max
        case .library:
            return try library(commit: increment) { (v) throws(LoBotError) in increment ? try v.incrementCounter() : v.counter }
        }
    }

    func reset(_ pcr: Int) throws {
        switch driver {
        case .binary: try lobot(["reset", "--pcr", "\(pcr)"])
        case .library: try library(commit: true) { (v) throws(LoBotError) in try v.reset(pcr: pcr) }
        }
    }

    func eventLog() throws -> EventLog {
        switch driver {
        case .binary:
            try lobot(["log", "--out", temp.file("log")])
            return try EventLog(bytes: try temp.read("log"))
        case .library:
            return try library(commit: false) { (v) throws(LoBotError) in v.log }
        }
    }
}

enum FileManagerMode {
    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }
}

/// The message of a failure thrown by `body`, or nil if it succeeded.
func failureMessage(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return "\(error)"
    }
}
