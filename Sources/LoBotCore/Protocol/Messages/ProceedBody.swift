// The proceed body (step 4): the factory hands the source the session and the destination's keys
// as it checked them. Factory -> source.
//
//   open body open;  platform public key bindKey;  platform public key signingKey
//   (TPM_PUBKEY of a TPM 1.2, TPM2B_PUBLIC of a TPM 2.0: see PlatformPublicKey)

/// 4 (proceed): factory -> source: the session, and the destination's bind and signing keys
/// as the factory checked them (certified by its AIK with the session nonce, and registered).
public struct ProceedBody: WireStructure, Equatable, Sendable {
    public static var wireName: String { "proceed message body" }
    public var open: OpenBody
    public var bindKey: PlatformPublicKey
    public var signingKey: PlatformPublicKey

    public init(open: OpenBody, bindKey: PlatformPublicKey, signingKey: PlatformPublicKey) {
        self.open = open
        self.bindKey = bindKey
        self.signingKey = signingKey
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        open = try OpenBody.parse(from: &reader)
        bindKey = try PlatformPublicKey.parse(from: &reader)
        signingKey = try PlatformPublicKey.parse(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        open.serialize(into: &writer)
        bindKey.serialize(into: &writer)
        signingKey.serialize(into: &writer)
    }
}
