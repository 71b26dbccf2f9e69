// TPM_PCR_INFO_SHORT (Part 2, 8.5): a PCR selection with its composite hash and locality,
// carried inside TPM_QUOTE_INFO2.
//
//   typedef struct tdTPM_PCR_INFO_SHORT {
//       TPM_PCR_SELECTION pcrSelection;
//       TPM_LOCALITY_SELECTION localityAtRelease;   /* BYTE, bit n = locality n */
//       TPM_COMPOSITE_HASH digestAtRelease;
//   } TPM_PCR_INFO_SHORT;

public struct PCRInfoShort: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_PCR_INFO_SHORT" }
    public var pcrSelection: PCRSelection
    public var localityAtRelease: UInt8
    public var digestAtRelease: SHA1Digest

    public init(pcrSelection: PCRSelection, localityAtRelease: UInt8, digestAtRelease: SHA1Digest) {
        self.pcrSelection = pcrSelection
        self.localityAtRelease = localityAtRelease
        self.digestAtRelease = digestAtRelease
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        pcrSelection = try PCRSelection.parse(from: &reader)
        localityAtRelease = try reader.readUInt8()
        digestAtRelease = try SHA1Digest(parsing: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        pcrSelection.serialize(into: &writer)
        writer.write(localityAtRelease)
        digestAtRelease.serialize(into: &writer)
    }
}
