// Wycheproof's known-answer vectors (C2SP/wycheproof, Apache-2.0; Fixtures/wycheproof/NOTES.md)
// for the RSA LoBot uses: PKCS#1 v1.5 signatures over SHA-1 (TPM 1.2 quotes, AIK certification)
// and SHA-256 (the factory's records) at 2048 bits, and RSAES-OAEP SHA-1/MGF1-SHA-1 (TPM 1.2 bind
// and the privacy CA's answer). One generic reader; every vector of each file is run, valid ones
// must pass, invalid ones must be refused, and the one "acceptable" verdict is pinned to what
// LoBot does (see each test).
import Foundation
import LoBotCore
import Testing
import TestSupport

/// The fields of a Wycheproof file that the runners below read.
struct WycheproofFile: Decodable {
    struct Key: Decodable {
        let modulus: String
        let publicExponent: String
    }
    struct Test: Decodable {
        let tcId: Int
        let comment: String
        let flags: [String]
        let msg: String
        let sig: String?
        let ct: String?
        let label: String?
        let result: String
    }
    struct Group: Decodable {
        let type: String
        let keySize: Int
        let sha: String
        let mgfSha: String?
        let publicKey: Key?
        let privateKey: Key?
        let privateKeyPkcs8: String?
        let tests: [Test]
    }
    let algorithm: String
    let numberOfTests: Int
    let testGroups: [Group]

    static func load(_ name: String) throws -> WycheproofFile {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures/wycheproof"))
        let file = try JSONDecoder().decode(WycheproofFile.self, from: try Data(contentsOf: url))
        // The file's own count is the number of vectors the runner must see.
        #expect(file.testGroups.reduce(0) { $0 + $1.tests.count } == file.numberOfTests)
        return file
    }

    static func algorithm(_ name: String) throws -> DigestAlgorithm {
        switch name {
        case "SHA-1": return .sha1
        case "SHA-256": return .sha256
        default: throw TestSupportError.failed("no digest \(name) in LoBot")
        }
    }
}

extension CryptoTests {
    /// Verifies every signature of a RsassaPkcs1Verify or RsassaPkcs1Generate file with
    /// `RSAPublicKey.verify` over the message's digest; returns how many vectors ran, per result.
    func runPKCS1Verify(_ name: String, acceptable: (WycheproofFile.Test) -> Bool) throws -> [String: Int] {
        let file = try WycheproofFile.load(name)
        #expect(file.algorithm == "RSASSA-PKCS1-v1_5")
        var counts: [String: Int] = [:]
        for group in file.testGroups {
            let key = try #require(group.publicKey ?? group.privateKey)
            let publicKey = try RSAPublicKey(modulus: hexBytes(key.modulus), exponent: hexBytes(key.publicExponent))
            #expect(group.keySize == 2048 && publicKey.sizeInBytes == 256)
            let algorithm = try WycheproofFile.algorithm(group.sha)
            for test in group.tests {
                let message = hexBytes(test.msg)
                let accepted = publicKey.verify(
                    signature: hexBytes(try #require(test.sig)), digest: try Digest.hash(algorithm, message),
                    algorithm: algorithm)
                switch test.result {
                case "valid":
                    #expect(accepted, "\(name) tcId \(test.tcId) (\(test.comment)) is valid but was refused")
                case "invalid":
                    #expect(!accepted, "\(name) tcId \(test.tcId) (\(test.comment), \(test.flags)) was accepted")
                default:
                    #expect(accepted == acceptable(test), "\(name) tcId \(test.tcId) (\(test.flags)): verdict changed")
                }
                counts[test.result, default: 0] += 1
            }
        }
        return counts
    }

    @Test func wycheproofPKCS1SignatureSHA256() throws {
        // The one "acceptable" vector is a DigestInfo without the NULL parameters (MissingNull):
        // OpenSSL 3, and so LoBot, refuses it. Only DER as PKCS#1 writes it passes.
        let counts = try runPKCS1Verify("rsa_signature_2048_sha256_test") { _ in false }
        #expect(counts == ["valid": 9, "invalid": 249, "acceptable": 1])
    }

    @Test func wycheproofPKCS1SignatureGenerationSHA1AndSHA256() throws {
        // Wycheproof marks its SHA-1 signatures "acceptable" (WeakHash); a TPM 1.2 signs nothing
        // else, so LoBot verifies them. Two SHA-256 ones are "acceptable" for a key with e = 3
        // (SmallPublicKey): LoBot verifies them too, taking the exponent a key carries. Each
        // vector is also signed again with the group's private key: PKCS#1 v1.5 is
        // deterministic, so LoBot's signature must be the vector's, byte for byte.
        let counts = try runPKCS1Verify("rsa_pkcs1_2048_sig_gen_sha1_sha256_test") {
            $0.flags == ["WeakHash"] || $0.flags == ["SmallPublicKey"]
        }
        #expect(counts == ["valid": 8, "acceptable": 10])
        let file = try WycheproofFile.load("rsa_pkcs1_2048_sig_gen_sha1_sha256_test")
        var signed = 0
        for group in file.testGroups {
            let key = try RSAPrivateKey(der: hexBytes(try #require(group.privateKeyPkcs8)))
            let algorithm = try WycheproofFile.algorithm(group.sha)
            for test in group.tests {
                let digest = try Digest.hash(algorithm, hexBytes(test.msg))
                let signature = try key.sign(digest: digest, algorithm: algorithm)
                #expect(signature == hexBytes(try #require(test.sig)), "tcId \(test.tcId): LoBot signed other bytes")
                signed += 1
            }
        }
        #expect(signed == 18)
    }

    @Test func wycheproofOAEPSHA1MGF1SHA1Decryption() throws {
        let file = try WycheproofFile.load("rsa_oaep_2048_sha1_mgf1sha1_test")
        #expect(file.algorithm == "RSAES-OAEP")
        var counts: [String: Int] = [:]
        for group in file.testGroups {
            #expect(group.sha == "SHA-1" && group.mgfSha == "SHA-1" && group.keySize == 2048)
            let key = try RSAPrivateKey(der: hexBytes(try #require(group.privateKeyPkcs8)))
            for test in group.tests {
                let ciphertext = hexBytes(try #require(test.ct))
                let label = hexBytes(try #require(test.label))
                let outcome: [UInt8]?
                do throws(LoBotError) {
                    outcome = try key.decryptOAEP(ciphertext, label: label, what: "vector")
                } catch {
                    // Every refusal is the same error, whatever the padding fault (Manger's attack).
                    #expect(error == .authentication(what: "vector"), "tcId \(test.tcId): \(error)")
                    outcome = nil
                }
                switch test.result {
                case "valid":
                    #expect(outcome == hexBytes(test.msg), "tcId \(test.tcId) (\(test.comment)) did not decrypt")
                default:
                    #expect(outcome == nil, "tcId \(test.tcId) (\(test.comment), \(test.flags)) decrypted")
                }
                counts[test.result, default: 0] += 1
            }
        }
        #expect(counts == ["valid": 17, "invalid": 19])
    }
}
