// RSA for the vTPM and the protocols: key generation, PKCS#1 v1.5 signatures over a precomputed
// digest (what a TPM 1.2 quote is), PSS verification (a TPM 2.0 RSAPSS key's), and RSAES-OAEP with SHA-1/MGF1 and a label (what TPM 1.2
// bind and EK encryption use, label "TCPA"). Each key owns its EVP_PKEY and frees it in deinit.
import CLibCrypto

/// The OAEP encoding parameter TPM 1.2 uses for TPM_ES_RSAESOAEP_SHA1_MGF1.
public let tcpaOAEPLabel: [UInt8] = Array("TCPA".utf8)

public final class RSAPublicKey {
    let key: OpaquePointer

    init(owning key: OpaquePointer) { self.key = key }
    deinit { EVP_PKEY_free(key) }

    /// Builds a public key from a big-endian modulus and exponent.
    public init(modulus: [UInt8], exponent: [UInt8] = [0x01, 0x00, 0x01]) throws(LoBotError) {
        _ = OpenSSL.initialized
        guard modulus.count >= 128, modulus.count <= 1024, !exponent.isEmpty, exponent.count <= 8 else {
            throw .invalidArgument("RSA public key has an unsupported modulus or exponent size")
        }
        guard let builder = OSSL_PARAM_BLD_new() else { throw .crypto(operation: "allocate RSA parameters", code: 0) }
        defer { OSSL_PARAM_BLD_free(builder) }
        let n = modulus.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        let e = exponent.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        defer { BN_free(n); BN_free(e) }
        try OpenSSL.check(n != nil && e != nil, "read the RSA modulus")
        // The builder keeps the name pointers until to_param: they must outlive this call.
        try OpenSSL.checkOne(OSSL_PARAM_BLD_push_BN(builder, RSAKeyParts.modulusName, n), "set the RSA modulus")
        try OpenSSL.checkOne(OSSL_PARAM_BLD_push_BN(builder, RSAKeyParts.exponentName, e), "set the RSA exponent")
        guard let params = OSSL_PARAM_BLD_to_param(builder) else {
            throw .crypto(operation: "build RSA parameters", code: UInt(ERR_get_error()))
        }
        defer { OSSL_PARAM_free(params) }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw .crypto(operation: "allocate an RSA context", code: UInt(ERR_get_error()))
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        try OpenSSL.checkOne(EVP_PKEY_fromdata_init(ctx), "start building an RSA key")
        var pkey: OpaquePointer? = nil
        try OpenSSL.checkOne(EVP_PKEY_fromdata(ctx, &pkey, lobot_evp_pkey_public_key(), params), "build an RSA public key")
        guard let made = pkey else { throw .crypto(operation: "build an RSA public key", code: 0) }
        key = made
    }

    /// The modulus, big-endian, as long as the key size in bytes.
    public var modulus: [UInt8] { (try? RSAKeyParts.bigNumber(key, "n", padTo: Int(EVP_PKEY_get_size(key)))) ?? [] }
    /// The public exponent, big-endian, minimal.
    public var exponent: [UInt8] { (try? RSAKeyParts.bigNumber(key, "e", padTo: 0)) ?? [] }
    public var sizeInBytes: Int { Int(EVP_PKEY_get_size(key)) }

    /// RSASSA-PKCS1-v1_5 verification of `signature` over an already computed digest.
    public func verify(signature: [UInt8], digest: [UInt8], algorithm: DigestAlgorithm) -> Bool {
        guard let ctx = EVP_PKEY_CTX_new(key, nil) else { return false }
        defer { EVP_PKEY_CTX_free(ctx); ERR_clear_error() }
        guard EVP_PKEY_verify_init(ctx) == 1,
            EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1,
            EVP_PKEY_CTX_set_signature_md(ctx, algorithm.evp) == 1
        else { return false }
        let rc = signature.withUnsafeBufferPointer { s in
            digest.withUnsafeBufferPointer { d in EVP_PKEY_verify(ctx, s.baseAddress, s.count, d.baseAddress, d.count) }
        }
        return rc == 1
    }

    /// RSASSA-PSS verification of `signature` over an already computed digest, MGF1 with the same
    /// hash (what a TPM 2.0 signs with under TPM_ALG_RSAPSS). The salt length is read from the
    /// signature: TPMs use the digest's length or the largest the key allows.
    public func verifyPSS(signature: [UInt8], digest: [UInt8], algorithm: DigestAlgorithm) -> Bool {
        guard let ctx = EVP_PKEY_CTX_new(key, nil) else { return false }
        defer { EVP_PKEY_CTX_free(ctx); ERR_clear_error() }
        guard EVP_PKEY_verify_init(ctx) == 1,
            EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1,
            EVP_PKEY_CTX_set_signature_md(ctx, algorithm.evp) == 1,
            EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, algorithm.evp) == 1,
            EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_AUTO) == 1
        else { return false }
        let rc = signature.withUnsafeBufferPointer { s in
            digest.withUnsafeBufferPointer { d in EVP_PKEY_verify(ctx, s.baseAddress, s.count, d.baseAddress, d.count) }
        }
        return rc == 1
    }

    /// RSAES-OAEP with `hash` for both OAEP and MGF1, encoding parameter `label`. SHA-1 by default
    /// (TPM 1.2's TPM_ES_RSAESOAEP_SHA1_MGF1); TPM 2.0 uses the key's nameAlg.
    public func encryptOAEP(_ plaintext: [UInt8], label: [UInt8], hash: DigestAlgorithm = .sha1) throws(LoBotError) -> [UInt8] {
        guard let out = try RSAKeyParts.oaep(key, plaintext, label: label, hash: hash, encrypt: true, size: sizeInBytes) else {
            throw .crypto(operation: "encrypt with RSA-OAEP", code: 0)
        }
        return out
    }
}

public final class RSAPrivateKey {
    let key: OpaquePointer

    private init(owning key: OpaquePointer) { self.key = key }
    deinit { EVP_PKEY_free(key) }

    /// Generates a fresh key with exponent 65537.
    public static func generate(bits: Int = 2048) throws(LoBotError) -> RSAPrivateKey {
        _ = OpenSSL.initialized
        guard let ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else {
            throw .crypto(operation: "allocate an RSA key generation context", code: 0)
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        try OpenSSL.checkOne(EVP_PKEY_keygen_init(ctx), "start RSA key generation")
        try OpenSSL.checkOne(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(bits)), "set the RSA key size")
        var pkey: OpaquePointer? = nil
        try OpenSSL.checkOne(EVP_PKEY_keygen(ctx, &pkey), "generate an RSA key")
        guard let made = pkey else { throw .crypto(operation: "generate an RSA key", code: 0) }
        return RSAPrivateKey(owning: made)
    }

    /// Reads a PKCS#1 RSAPrivateKey in DER, refusing trailing bytes.
    public init(der: [UInt8]) throws(LoBotError) {
        guard der.count <= 8192 else { throw .invalidArgument("RSA private key too large") }
        key = try OpenSSL.decodeDER(der, what: "an RSA private key", free: { EVP_PKEY_free($0) }) { pointer, length in
            d2i_PrivateKey(EVP_PKEY_RSA, nil, &pointer, length)
        }
    }

    /// PKCS#1 RSAPrivateKey DER. A secret: callers wipe it when done.
    public func der() throws(LoBotError) -> [UInt8] {
        let length = i2d_PrivateKey(key, nil)
        try OpenSSL.check(length > 0, "encode an RSA private key")
        var out = [UInt8](repeating: 0, count: Int(length))
        let written = out.withUnsafeMutableBufferPointer { buf -> Int32 in
            var p: UnsafeMutablePointer<UInt8>? = buf.baseAddress
            return i2d_PrivateKey(key, &p)
        }
        try OpenSSL.check(written == length, "encode an RSA private key")
        return out
    }

    public func publicKey() throws(LoBotError) -> RSAPublicKey {
        try RSAPublicKey(modulus: modulus, exponent: try RSAKeyParts.bigNumber(key, "e", padTo: 0))
    }

    public var modulus: [UInt8] { (try? RSAKeyParts.bigNumber(key, "n", padTo: Int(EVP_PKEY_get_size(key)))) ?? [] }
    public var sizeInBytes: Int { Int(EVP_PKEY_get_size(key)) }

    /// RSASSA-PKCS1-v1_5 over an already computed digest (DigestInfo added for `algorithm`).
    public func sign(digest: [UInt8], algorithm: DigestAlgorithm) throws(LoBotError) -> [UInt8] {
        guard digest.count == algorithm.length else { throw .invalidArgument("digest length does not match its algorithm") }
        guard let ctx = EVP_PKEY_CTX_new(key, nil) else { throw .crypto(operation: "allocate an RSA context", code: 0) }
        defer { EVP_PKEY_CTX_free(ctx) }
        try OpenSSL.checkOne(EVP_PKEY_sign_init(ctx), "start an RSA signature")
        try OpenSSL.checkOne(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING), "set PKCS#1 v1.5 padding")
        try OpenSSL.checkOne(EVP_PKEY_CTX_set_signature_md(ctx, algorithm.evp), "set the signature digest")
        var length = sizeInBytes
        var out = [UInt8](repeating: 0, count: length)
        let rc = out.withUnsafeMutableBufferPointer { o in
            digest.withUnsafeBufferPointer { d in EVP_PKEY_sign(ctx, o.baseAddress, &length, d.baseAddress, d.count) }
        }
        try OpenSSL.checkOne(rc, "sign with RSA")
        return Array(out[0..<length])
    }

    /// RSAES-OAEP decryption (`hash` for OAEP and MGF1, SHA-1 by default; encoding parameter
    /// `label`); any padding failure is `.authentication(what)`.
    public func decryptOAEP(
        _ ciphertext: [UInt8], label: [UInt8], hash: DigestAlgorithm = .sha1, what: String
    ) throws(LoBotError) -> [UInt8] {
        guard ciphertext.count == sizeInBytes,
            let plaintext = try RSAKeyParts.oaep(key, ciphertext, label: label, hash: hash, encrypt: false, size: sizeInBytes)
        else { throw .authentication(what: what) }
        return plaintext
    }
}

/// Shared plumbing of the two key classes.
enum RSAKeyParts {
    /// OSSL_PKEY_PARAM_RSA_N and _E as C strings that live for the whole process.
    static var modulusName: UnsafePointer<CChar> { UnsafeRawPointer(StaticString("n").utf8Start).assumingMemoryBound(to: CChar.self) }
    static var exponentName: UnsafePointer<CChar> { UnsafeRawPointer(StaticString("e").utf8Start).assumingMemoryBound(to: CChar.self) }

    static func bigNumber(_ key: OpaquePointer, _ name: String, padTo width: Int) throws(LoBotError) -> [UInt8] {
        var bn: OpaquePointer? = nil
        try OpenSSL.checkOne(EVP_PKEY_get_bn_param(key, name, &bn), "read RSA parameter \(name)")
        guard let bn else { throw .crypto(operation: "read RSA parameter \(name)", code: 0) }
        defer { BN_free(bn) }
        let natural = Int((BN_num_bits(bn) + 7) / 8)
        let length = max(width, natural)
        var out = [UInt8](repeating: 0, count: length)
        let rc = out.withUnsafeMutableBufferPointer { BN_bn2binpad(bn, $0.baseAddress, Int32(length)) }
        try OpenSSL.check(rc == Int32(length), "encode RSA parameter \(name)")
        return out
    }

    /// One RSA-OAEP operation with `key`; nil when decryption fails (bad padding: the bytes
    /// were not made for this key). The output buffer is wiped.
    static func oaep(
        _ key: OpaquePointer, _ input: [UInt8], label: [UInt8], hash: DigestAlgorithm, encrypt: Bool, size: Int
    ) throws(LoBotError) -> [UInt8]? {
        guard let ctx = EVP_PKEY_CTX_new(key, nil) else { throw .crypto(operation: "allocate an RSA context", code: 0) }
        defer { EVP_PKEY_CTX_free(ctx) }
        try OpenSSL.checkOne(encrypt ? EVP_PKEY_encrypt_init(ctx) : EVP_PKEY_decrypt_init(ctx), "start RSA-OAEP")
        try configureOAEP(ctx, label: label, hash: hash)
        var length = size
        var out = [UInt8](repeating: 0, count: size)
        defer { wipe(&out) }
        let rc = out.withUnsafeMutableBufferPointer { o in
            input.withUnsafeBufferPointer { i in
                encrypt ? EVP_PKEY_encrypt(ctx, o.baseAddress, &length, i.baseAddress, i.count)
                        : EVP_PKEY_decrypt(ctx, o.baseAddress, &length, i.baseAddress, i.count)
            }
        }
        guard rc == 1 else {
            let code = ERR_get_error()
            ERR_clear_error()
            if encrypt { throw .crypto(operation: "encrypt with RSA-OAEP", code: UInt(code)) }
            return nil
        }
        return Array(out[0..<length])
    }

    static func configureOAEP(_ ctx: OpaquePointer, label: [UInt8], hash: DigestAlgorithm) throws(LoBotError) {
        try OpenSSL.checkOne(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING), "set OAEP padding")
        try OpenSSL.checkOne(EVP_PKEY_CTX_set_rsa_oaep_md(ctx, hash.evp), "set the OAEP digest")
        try OpenSSL.checkOne(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, hash.evp), "set the MGF1 digest")
        guard !label.isEmpty else { return }
        // OpenSSL takes ownership of the label and frees it with OPENSSL_free.
        guard let copy = CRYPTO_malloc(label.count, nil, 0) else { throw .crypto(operation: "allocate the OAEP label", code: 0) }
        label.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: label.count) }
        let rc = EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, copy, Int32(label.count))
        if rc != 1 { CRYPTO_free(copy, nil, 0) }
        try OpenSSL.checkOne(rc, "set the OAEP label")
    }
}
