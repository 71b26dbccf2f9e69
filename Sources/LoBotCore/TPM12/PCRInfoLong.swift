// TPM_PCR_INFO_LONG (Part 2, 8.4): the PCR condition of a TPM 1.2 sealed blob or key.
//
//   typedef struct tdTPM_PCR_INFO_LONG {
//       TPM_STRUCTURE_TAG tag;                    /* TPM_TAG_PCR_INFO_LONG = 0x0006 */
//       TPM_LOCALITY_SELECTION localityAtCreation;
//       TPM_LOCALITY_SELECTION localityAtRelease;
//       TPM_PCR_SELECTION creationPCRSelection;
//       TPM_PCR_SELECTION releasePCRSelection;
//       TPM_COMPOSITE_HASH digestAtCreation;
//       TPM_COMPOSITE_HASH digestAtRelease;
//   } TPM_PCR_INFO_LONG;

public struct PCRInfoLong: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_PCR_INFO_LONG" }
    public var localityAtCreation: UInt8
    public var localityAtRelease: UInt8
    public var creationPCRSelection: PCRSelection
    public var releasePCRSelection: PCRSelection
    public var digestAtCreation: SHA1Digest
    public var digestAtRelease: SHA1Digest

    public init(
        localityAtCreation: UInt8, localityAtRelease: UInt8, creationPCRSelection: PCRSelection,
        releasePCRSelection: PCRSelection, digestAtCreation: SHA1Digest, digestAtRelease: SHA1Digest
    ) {
        self.localityAtCreation = localityAtCreation
        self.localityAtRelease = localityAtRelease
        self.creationPCRSelection = creationPCRSelection
        self.releasePCRSelection = releasePCRSelection
        self.digestAtCreation = digestAtCreation
        self.digestAtRelease = digestAtRelease
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expectUInt16(StructureTag.pcrInfoLong.rawValue, field: "tag")
        localityAtCreation = try reader.readUInt8()
        localityAtRelease = try reader.readUInt8()
        creationPCRSelection = try PCRSelection.parse(from: &reader)
        releasePCRSelection = try PCRSelection.parse(from: &reader)
        digestAtCreation = try SHA1Digest(parsing: &reader)
        digestAtRelease = try SHA1Digest(parsing: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(StructureTag.pcrInfoLong.rawValue)
        writer.write(localityAtCreation)
        writer.write(localityAtRelease)
        creationPCRSelection.serialize(into: &writer)
        releasePCRSelection.serialize(into: &writer)
        digestAtCreation.serialize(into: &writer)
        digestAtRelease.serialize(into: &writer)
    }
}
