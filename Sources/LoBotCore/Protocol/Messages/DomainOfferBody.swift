// The domain-offer body (step 11): what the destination must find in the aDom package, sealed
// so that only LoBot_D, measured as the factory expects, opens it. Source -> destination.
//
//   LoBot sealed blob sealed (SealedBlob; plaintext: the sealed domain measurement, DomainSecret)

/// 11 (domain-offer): what the destination must find in the aDom package, sealed to LoBot_D's
/// storage key and PCRs 0-6: the packages' digests and a confirmation secret.
public struct DomainOfferBody: WireStructure, Equatable, Sendable {
    public static var wireName: String { "domain-offer message body" }
    public var sealed: SealedBlob

    public init(sealed: SealedBlob) { self.sealed = sealed }

    public init(parsing reader: inout ByteReader) throws(LoBotError) { sealed = try SealedBlob.parse(from: &reader) }

    public func serialize(into writer: inout ByteWriter) { sealed.serialize(into: &writer) }
}
