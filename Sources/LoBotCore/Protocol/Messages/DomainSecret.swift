// The plaintext of a domain offer's sealed blob: the confirmation secret whose proof the
// destination returns in domain-ready, and the packed files it must find.
//
//   BYTE confirmation[32];  package file list files (PackageFile.swift)

/// The plaintext sealed in a domain offer.
public struct DomainSecret: WireStructure, Equatable, Sendable {
    public static var wireName: String { "sealed domain measurement" }
    public var confirmation: [UInt8]
    public var files: [PackageFile]

    public init(confirmation: [UInt8], files: [PackageFile]) {
        self.confirmation = confirmation
        self.files = files
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        confirmation = try reader.readBytes(32)
        files = try PackageFile.parseList(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(confirmation)
        PackageFile.serialize(files, into: &writer)
    }

    /// What the destination returns to prove LoBot_D unsealed: HMAC-SHA256(confirmation, session || "ready").
    public static func proof(confirmation: [UInt8], session: SessionID) throws(LoBotError) -> [UInt8] {
        try HMAC.authenticate(session.bytes + Array("ready".utf8), key: confirmation, algorithm: .sha256)
    }
}
