// LoBot's software TPM2_MakeCredential against a real TPM 2.0: swtpm provisioned by swtpm_setup
// (scripts/tpm2-platform), an AK made by tpm2_createak under the persistent RSA EK, a credential
// made for the AK's Name by TPM2Credential.make with the EK's public area, written in tpm2-tools'
// file format, opened by tpm2_activatecredential with the EK's policy session. No swtpm or
// tpm2-tools means a failure, not a skip.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite(.serialized) struct TPM2CredentialInteropTests {
    /// One swtpm for the suite's tests, stopped when released (or by the script's watcher if this
    /// process dies first).
    final class TPM: @unchecked Sendable {
        let root: TemporaryDirectory
        let machine: String
        let environment: [String: String]

        init() throws {
            root = try TemporaryDirectory("lobot-tpm2")
            machine = root.file("tpm")
            try succeed(
                try runProcess(Binaries.packageRoot + "/scripts/tpm2-platform", ["up", machine, "--watch", "\(getpid())"]),
                "tpm2-platform up")
            let line = try String(contentsOfFile: machine + "/platform.env", encoding: .utf8)
            let parts = line.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw TestSupportError.failed("platform.env: \(line)") }
            environment = [parts[0]: parts[1]]
        }

        /// The EK's policy (PolicySecret(TPM_RH_ENDORSEMENT)) satisfied in session.ctx, which stays
        /// loaded for tpm2_activatecredential.
        func startEKPolicySession() throws {
            for arguments in [["tpm2_startauthsession", "--policy-session", "-S", "session.ctx"],
                              ["tpm2_policysecret", "-S", "session.ctx", "-c", "e"]] {
                _ = try succeed(
                    try runProcess("/usr/bin/" + arguments[0], Array(arguments.dropFirst()), environment: environment,
                                   currentDirectory: root.path), arguments[0])
            }
        }

        deinit { _ = try? runProcess(Binaries.packageRoot + "/scripts/tpm2-platform", ["down", machine]) }

        /// Runs a tpm2-tools program against this TPM in the test directory; flushes transient
        /// objects and sessions afterwards (there is no resource manager).
        @discardableResult
        func tool(_ name: String, _ arguments: [String]) throws -> String {
            let out = try succeed(try runProcess("/usr/bin/" + name, arguments, environment: environment, currentDirectory: root.path), name)
            for kind in ["-t", "-s"] {
                try succeed(try runProcess("/usr/bin/tpm2_flushcontext", [kind], environment: environment), "tpm2_flushcontext \(kind)")
            }
            return out
        }
    }

    @Test func tpm2ActivatecredentialOpensACredentialLoBotMadeForTheSwtpmEK() throws {
        let tpm = try TPM()
        try tpm.tool("tpm2_readpublic", ["-c", "0x81010001", "-o", "ek.pub"])
        try tpm.tool("tpm2_createak", ["-C", "0x81010001", "-c", "ak.ctx", "-G", "rsa", "-g", "sha256", "-s", "rsassa", "-u", "ak.pub", "-n", "ak.name"])
        let ek = try TPM2BPublic(bytes: try tpm.root.read("ek.pub")).publicArea
        let akName = try tpm.root.read("ak.name")
        #expect(try TPM2BPublic(bytes: try tpm.root.read("ak.pub")).name() == akName)

        let secret = Array("LoBot made this for the swtpm AK".utf8)
        let made = try TPM2Credential.make(credential: secret, objectName: akName, protector: ek)
        _ = try tpm.root.write("credential.out", made.bytes)

        try tpm.startEKPolicySession()
        _ = try succeed(
            try runProcess(
                "/usr/bin/tpm2_activatecredential",
                ["-c", "ak.ctx", "-C", "0x81010001", "-i", "credential.out", "-o", "activated", "-P", "session:session.ctx"],
                environment: tpm.environment, currentDirectory: tpm.root.path), "tpm2_activatecredential")
        try tpm.tool("tpm2_flushcontext", ["session.ctx"])
        #expect(try tpm.root.read("activated") == secret)
    }

    @Test func tpm2ActivatecredentialRefusesALoBotCredentialWithAFlippedBit() throws {
        // The TPM checks the same integrity HMAC our activate checks: one flipped bit of
        // encIdentity is refused by the TPM too (TPM_RC_INTEGRITY), and no secret comes out.
        let tpm = try TPM()
        try tpm.tool("tpm2_readpublic", ["-c", "0x81010001", "-o", "ek.pub"])
        try tpm.tool("tpm2_createak", ["-C", "0x81010001", "-c", "ak.ctx", "-G", "rsa", "-g", "sha256", "-s", "rsassa", "-u", "ak.pub", "-n", "ak.name"])
        let ek = try TPM2BPublic(bytes: try tpm.root.read("ek.pub")).publicArea
        var made = try TPM2Credential.make(credential: [UInt8](repeating: 0x5a, count: 32), objectName: try tpm.root.read("ak.name"), protector: ek)
        made.credentialBlob.encIdentity[5] ^= 0x10
        _ = try tpm.root.write("credential.out", made.bytes)
        try tpm.startEKPolicySession()
        let result = try runProcess(
            "/usr/bin/tpm2_activatecredential",
            ["-c", "ak.ctx", "-C", "0x81010001", "-i", "credential.out", "-o", "activated", "-P", "session:session.ctx"],
            environment: tpm.environment, currentDirectory: tpm.root.path)
        #expect(result.status != 0)
        #expect(result.stderr.contains("0x"), "tpm2_activatecredential: \(result.stderr)")
        let activated = tpm.root.exists("activated") ? try tpm.root.read("activated") : []
        #expect(activated.isEmpty)
    }
}
