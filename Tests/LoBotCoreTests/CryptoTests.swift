// Known-answer tests of the libcrypto layer, each naming its source, and round trips where the
// output is random by design.
import LoBotCore
import Testing
import TestSupport

@Suite struct CryptoTests {
    @Test func sha1KnownAnswer() throws {
        // FIPS 180-2, appendix A.1: SHA-1("abc").
        #expect(try Digest.sha1(Array("abc".utf8)) == hexBytes("a9993e364706816aba3e25717850c26c9cd0d89d"))
    }

    @Test func sha256KnownAnswer() throws {
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        #expect(
            try Digest.sha256(Array("abc".utf8))
                == hexBytes("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
    }

    @Test func streamingHashEqualsOneShot() throws {
        let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let hasher = try Hasher(.sha256)
        for chunk in stride(from: 0, to: data.count, by: 777) {
            try hasher.update(Array(data[chunk..<min(chunk + 777, data.count)]))
        }
        #expect(try hasher.finish() == (try Digest.sha256(data)))
    }

    // McGrew & Viega, "The Galois/Counter Mode of Operation", test case 16 (AES-256, 96-bit IV, AAD).
    static let gcmKey = hexBytes("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
    static let gcmIV = hexBytes("cafebabefacedbaddecaf888")
    static let gcmAAD = hexBytes("feedfacedeadbeeffeedfacedeadbeefabaddad2")
    static let gcmPlain = hexBytes(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39")
    static let gcmCipher = hexBytes(
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662")
    static let gcmTag = hexBytes("76fc6ece0f4e1768cddf8853bb2d551b")

    @Test func aesGCMKnownAnswer() throws {
        let sealed = try AESGCM.seal(Self.gcmPlain, key: Self.gcmKey, nonce: Self.gcmIV, aad: Self.gcmAAD)
        #expect(sealed.ciphertext == Self.gcmCipher)
        #expect(sealed.tag == Self.gcmTag)
        #expect(
            try AESGCM.open(sealed, key: Self.gcmKey, nonce: Self.gcmIV, aad: Self.gcmAAD, what: "test") == Self.gcmPlain)
    }

    @Test func aesGCMRefusesAnyAlteration() {
        let good = AESGCM.Sealed(ciphertext: Self.gcmCipher, tag: Self.gcmTag)
        var badCipher = good
        badCipher.ciphertext[7] ^= 0x80
        var badTag = good
        badTag.tag[15] ^= 0x01
        var badAAD = Self.gcmAAD
        badAAD[0] ^= 0x01
        for (sealed, aad) in [(badCipher, Self.gcmAAD), (badTag, Self.gcmAAD), (good, badAAD)] {
            #expect(throws: LoBotError.authentication(what: "test")) {
                try AESGCM.open(sealed, key: Self.gcmKey, nonce: Self.gcmIV, aad: aad, what: "test")
            }
        }
    }

    @Test func rsaSignVerifyAndOAEP() throws {
        let key = try RSAPrivateKey.generate()
        let publicKey = try key.publicKey()
        #expect(publicKey.modulus.count == 256)
        #expect(publicKey.exponent == [1, 0, 1])
        let digest = try Digest.sha1(Array("quote".utf8))
        let signature = try key.sign(digest: digest, algorithm: .sha1)
        #expect(publicKey.verify(signature: signature, digest: digest, algorithm: .sha1))
        var forged = signature
        forged[100] ^= 1
        #expect(!publicKey.verify(signature: forged, digest: digest, algorithm: .sha1))

        let secret: [UInt8] = Array(0..<32)
        let blob = try publicKey.encryptOAEP(secret, label: tcpaOAEPLabel)
        #expect(try key.decryptOAEP(blob, label: tcpaOAEPLabel, what: "blob") == secret)
        #expect(throws: LoBotError.authentication(what: "blob")) {
            try key.decryptOAEP(blob, label: Array("other".utf8), what: "blob")
        }

        // The private key survives its DER encoding; the public key its modulus.
        let again = try RSAPrivateKey(der: try key.der())
        #expect(again.modulus == key.modulus)
        let rebuilt = try RSAPublicKey(modulus: publicKey.modulus)
        #expect(rebuilt.verify(signature: signature, digest: digest, algorithm: .sha1))
    }

    @Test func rsaPrivateKeyRefusesTrailingBytes() throws {
        let der = try RSAPrivateKey.generate().der()
        #expect(throws: LoBotError.self) { try RSAPrivateKey(der: der + [0]) }
        #expect(throws: LoBotError.self) { try RSAPrivateKey(der: Array(der.dropLast())) }
    }

    @Test func randomBytesDiffer() throws {
        #expect(try SecureRandom.bytes(32) != (try SecureRandom.bytes(32)))
    }
}
