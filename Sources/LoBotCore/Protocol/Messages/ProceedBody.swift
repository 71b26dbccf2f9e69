// The proceed body (step 4): the factory hands the source the session and the destination's keys
// as it checked them. Factory -> source.
//
//   open body open;  TPM_PUBKEY bindKey;  TPM_PUBKEY signingKey

/// 4 (proceed): factory -> source: the session, and the destination's bind and signing keys
/// as the factory checked them (certified by its AIK with the session nonce, and registered).
public struct ProceedBody: WireStructure, Equatable, Sendable {
    public static var wireName: String { "proceed message body" }
    public var open: OpenBody
    public var bindKey: PubKey
    public var signingKey: PubKey

    public init(open: OpenBody, bindKey: PubKey, signingKey: PubKey) {
        self.open = open
        self.bindKey = bindKey
        self.signingKey = signingKey
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        open = try OpenBody.parse(from: &reader)
        bindKey = try PubKey.parse(from: &reader)
        signingKey = try PubKey.parse(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        open.serialize(into: &writer)
        bindKey.serialize(into: &writer)
        signingKey.serialize(into: &writer)
    }
}
