// Known answers for the TPM 2.0 software cryptography: AES-CFB against NIST SP800-38A and KDFa
// against the TPM 2.0 reference implementation's self-test vectors.
import LoBotCore
import TestSupport
import Testing

@Suite struct TPM2CryptoTests {
    // NIST SP800-38A, Appendix F.3 (CFB128): the same IV and plaintext for every key size.
    static let cfbIV = hexBytes("000102030405060708090a0b0c0d0e0f")
    static let cfbPlain = hexBytes(
        "6bc1bee22e409f96e93d7e117393172a" + "ae2d8a571e03ac9c9eb76fac45af8e51"
            + "30c81c46a35ce411e5fbc1191a0a52ef" + "f69f2445df4f9b17ad2b417be66c3710")

    @Test func aes128CFBMatchesSP800_38A_F_3_13() throws {
        let key = hexBytes("2b7e151628aed2a6abf7158809cf4f3c")
        let cipher = hexBytes(
            "3b3fd92eb72dad20333449f8e83cfb4a" + "c8a64537a0b3a93fcde3cdad9f1ce58b"
                + "26751f67a3cbb140b1808cf187a4f4df" + "c04b05357c5d1c0eeac4c66f9ff7f2e6")
        #expect(try AESCFB.encrypt(Self.cfbPlain, key: key, iv: Self.cfbIV) == cipher)
        #expect(try AESCFB.decrypt(cipher, key: key, iv: Self.cfbIV) == Self.cfbPlain)
    }

    @Test func aes192CFBMatchesSP800_38A_F_3_15() throws {
        let key = hexBytes("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b")
        let cipher = hexBytes(
            "cdc80d6fddf18cab34c25909c99a4174" + "67ce7f7f81173621961a2b70171d3d7a"
                + "2e1e8a1dd59b88b1c8e60fed1efac4c9" + "c05f9f9ca9834fa042ae8fba584b09ff")
        #expect(try AESCFB.encrypt(Self.cfbPlain, key: key, iv: Self.cfbIV) == cipher)
        #expect(try AESCFB.decrypt(cipher, key: key, iv: Self.cfbIV) == Self.cfbPlain)
    }

    @Test func aes256CFBMatchesSP800_38A_F_3_17() throws {
        let key = hexBytes("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")
        let cipher = hexBytes(
            "dc7e84bfda79164b7ecd8486985d3860" + "39ffed143b28b1c832113c6331e5407b"
                + "df10132415e54b92a13ed0a8267ae2f9" + "75a385741ab9cef82031623d55b1e471")
        #expect(try AESCFB.encrypt(Self.cfbPlain, key: key, iv: Self.cfbIV) == cipher)
        #expect(try AESCFB.decrypt(cipher, key: key, iv: Self.cfbIV) == Self.cfbPlain)
    }

    @Test func aesCFBKeepsLengthForPartialBlocks() throws {
        // CFB is a stream mode: no padding, and a prefix of the plaintext gives a prefix of the
        // ciphertext (TPM2B_DIGEST-sized credentials are rarely a multiple of 16).
        let key = hexBytes("2b7e151628aed2a6abf7158809cf4f3c")
        let whole = try AESCFB.encrypt(Self.cfbPlain, key: key, iv: Self.cfbIV)
        for count in [0, 1, 15, 17, 34, 63] {
            let part = try AESCFB.encrypt(Array(Self.cfbPlain[0..<count]), key: key, iv: Self.cfbIV)
            #expect(part == Array(whole[0..<count]))
            #expect(try AESCFB.decrypt(part, key: key, iv: Self.cfbIV) == Array(Self.cfbPlain[0..<count]))
        }
    }

    @Test func aesCFBRefusesWrongKeyAndIVSizes() {
        #expect(throws: LoBotError.self) {
            try AESCFB.encrypt([1], key: [UInt8](repeating: 0, count: 20), iv: Self.cfbIV)
        }
        #expect(throws: LoBotError.self) { try AESCFB.encrypt([1], key: [UInt8](repeating: 0, count: 16), iv: [0]) }
    }

    // The TPM 2.0 reference implementation's KDFa self-test (CryptSelfTest's TestKDFa), as shipped
    // in libtpms: src/tpm2/KdfTestData.h (c_kdfTestKeyIn, c_kdfTestLabel "KDFSELFTESTLABEL" with
    // its zero byte, c_kdfTestContextU/V, c_kdfTestKeyOut for each hash), 160 bits out.
    static let kdfKey = hexBytes("271fa08bbdc5060ec3dfa928ff9b73123a12da0c")
    static let kdfContextU = hexBytes("ce244f395dca7391")
    static let kdfContextV = hexBytes("da504031ddf12e83")

    @Test(arguments: [
        (DigestAlgorithm.sha1, "55b5a7184aa07423c47dae766c26a2377d7cf851"),
        (DigestAlgorithm.sha256, "bb0259e1c8ba607e6a2cd704b69a902e9ade84c4"),
        (DigestAlgorithm.sha384, "1dce70c9113eb2dba47bd9cfc72bf46f45b09312"),
        (DigestAlgorithm.sha512, "8be2c1b85b78569b9fa759f5857c56d684810fd3"),
    ])
    func kdfaMatchesTPMReferenceSelfTest(hash: DigestAlgorithm, expected: String) throws {
        let out = try TPM2KDF.kdfa(
            hash, key: Self.kdfKey, label: "KDFSELFTESTLABEL", contextU: Self.kdfContextU,
            contextV: Self.kdfContextV, bits: 160)
        #expect(out == hexBytes(expected))
    }

    @Test func kdfaSpansSeveralHMACBlocksWithCounterFromOne() throws {
        // 512 bits of SHA-256 KDFa are K(1) || K(2), each an HMAC over counter || fixed input.
        let fixed = Array("STORAGE".utf8) + [0] + [1, 2, 3] + [] + [0, 0, 2, 0]
        let k1 = try HMAC.authenticate([0, 0, 0, 1] + fixed, key: Self.kdfKey, algorithm: .sha256)
        let k2 = try HMAC.authenticate([0, 0, 0, 2] + fixed, key: Self.kdfKey, algorithm: .sha256)
        let out = try TPM2KDF.kdfa(
            .sha256, key: Self.kdfKey, label: "STORAGE", contextU: [1, 2, 3], contextV: [], bits: 512)
        #expect(out == k1 + k2)
    }

    @Test func kdfaMasksTheTopByteForBitCountsNotMultipleOf8() throws {
        for bits in [1, 3, 13, 129] {
            let out = try TPM2KDF.kdfa(.sha256, key: Self.kdfKey, label: "X", contextU: [], contextV: [], bits: bits)
            #expect(out.count == (bits + 7) / 8)
            #expect(out[0] >> UInt8(bits % 8) == 0)
        }
    }

    @Test func kdfaRefusesZeroAndHugeBitCounts() {
        #expect(throws: LoBotError.self) {
            try TPM2KDF.kdfa(.sha256, key: [1], label: "X", contextU: [], contextV: [], bits: 0)
        }
        #expect(throws: LoBotError.self) {
            try TPM2KDF.kdfa(.sha256, key: [1], label: "X", contextU: [], contextV: [], bits: TPM2KDF.maximumBits + 1)
        }
    }
}
