// LoBot's software TPM2_MakeCredential against a real TPM 2.0: swtpm provisioned by swtpm_setup
// (scripts/tpm2-platform), an AK made by tpm2_createak under the persistent RSA EK, a credential
// made for the AK's Name by TPM2Credential.make with the EK's public area, written in tpm2-tools'
// file format, opened by tpm2_activatecredential with the EK's policy session. No swtpm or
// tpm2-tools means a failure, not a skip.
import Foundation
import LoBotCore
import TestSupport
import Testing

@Suite(.serialized) struct TPM2CredentialInteropTests {
    /// One swtpm and one AK for the suite, stopped by the script's watcher when this process ends.
    final class TPM: @unchecked Sendable {
        let platform: TPM2TestPlatform
        var root: TemporaryDirectory { platform.root }
        let environment: [String: String]
        let ek: TPMTPublic
        let akName: [UInt8]

        init() throws {
            platform = try TPM2TestPlatform()
            environment = platform.environment
            let root = platform.root
            try Self.run("tpm2_readpublic", ["-c", "0x81010001", "-o", "ek.pub"], environment, root.path)
            try Self.run(
                "tpm2_createak",
                [
                    "-C", "0x81010001", "-c", "ak.ctx", "-G", "rsa", "-g", "sha256", "-s", "rsassa", "-u", "ak.pub",
                    "-n", "ak.name",
                ], environment, root.path)
            ek = try TPM2BPublic(bytes: try root.read("ek.pub")).publicArea
            akName = try root.read("ak.name")
        }

        /// Runs a tpm2-tools program in the test directory; flushes transient objects and
        /// sessions afterwards (there is no resource manager).
        static func run(_ name: String, _ arguments: [String], _ environment: [String: String], _ directory: String)
            throws
        {
            _ = try succeed(
                try runProcess("/usr/bin/" + name, arguments, environment: environment, currentDirectory: directory),
                name)
            for kind in ["-t", "-s"] {
                _ = try succeed(
                    try runProcess("/usr/bin/tpm2_flushcontext", [kind], environment: environment),
                    "tpm2_flushcontext \(kind)")
            }
        }

        /// tpm2_activatecredential on `file` for the AK with the EK, in a policy session that
        /// satisfies the EK's policy (PolicySecret(TPM_RH_ENDORSEMENT)); the session is flushed after.
        func activate(_ file: String, output: String) throws -> ProcessResult {
            for arguments in [
                ["tpm2_startauthsession", "--policy-session", "-S", "session.ctx"],
                ["tpm2_policysecret", "-S", "session.ctx", "-c", "e"],
            ] {
                _ = try succeed(
                    try runProcess(
                        "/usr/bin/" + arguments[0], Array(arguments.dropFirst()), environment: environment,
                        currentDirectory: root.path), arguments[0])
            }
            let result = try runProcess(
                "/usr/bin/tpm2_activatecredential",
                ["-c", "ak.ctx", "-C", "0x81010001", "-i", file, "-o", output, "-P", "session:session.ctx"],
                environment: environment, currentDirectory: root.path)
            _ = try succeed(try runProcess("/usr/bin/tpm2_flushcontext", ["-s"], environment: environment), "flush")
            return result
        }
    }

    static let tpm = SharedFixture { try TPM() }

    @Test func tpm2ActivatecredentialOpensACredentialLoBotMadeForTheSwtpmEK() throws {
        let tpm = try Self.tpm.get()
        #expect(try TPM2BPublic(bytes: try tpm.root.read("ak.pub")).name() == tpm.akName)
        let secret = Array("LoBot made this for the swtpm AK".utf8)
        let made = try TPM2Credential.make(credential: secret, objectName: tpm.akName, protector: tpm.ek)
        _ = try tpm.root.write("good.out", made.bytes)
        _ = try succeed(try tpm.activate("good.out", output: "good.secret"), "tpm2_activatecredential")
        #expect(try tpm.root.read("good.secret") == secret)
    }

    @Test func tpm2ActivatecredentialRefusesALoBotCredentialWithAFlippedBit() throws {
        // The TPM checks the integrity HMAC our activate checks: one flipped bit of encIdentity
        // is refused by the TPM too, and no secret comes out.
        let tpm = try Self.tpm.get()
        var made = try TPM2Credential.make(
            credential: [UInt8](repeating: 0x5a, count: 32), objectName: tpm.akName, protector: tpm.ek)
        made.credentialBlob.encIdentity[5] ^= 0x10
        _ = try tpm.root.write("flipped.out", made.bytes)
        let result = try tpm.activate("flipped.out", output: "flipped.secret")
        #expect(result.status != 0)
        #expect(result.stderr.contains("integrity"), "tpm2_activatecredential: \(result.stderr)")
        let activated = tpm.root.exists("flipped.secret") ? try tpm.root.read("flipped.secret") : []
        #expect(activated.isEmpty)
    }
}
