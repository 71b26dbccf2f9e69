// The list of an aDom's packed files, shared by the sealed domain measurement of a domain offer
// and the session journal: each file's name, size and digest (the tree digest of a sealed stream,
// TreeDigest; the SHA-256 of a kernel or initrd).
//
//   UINT8 count (at most 16);
//   { UINT8 length; BYTE name[length] (at most 64); UINT64 size; BYTE sha256[32]; } files[count]

/// The aDom's files as the source packed them (LoBot streams), each with its size and digest:
/// the same record as a domain measured by the LoBot VM.
public typealias PackageFile = DomainMeasurement

extension DomainMeasurement {
    public static let maximumCount = 16

    /// UINT8 count; { UINT8 nameLength; name; UINT64 size; BYTE sha256[32]; } files[count]
    public static func parseList(from reader: inout ByteReader) throws(LoBotError) -> [DomainMeasurement] {
        let count = try reader.readCount(lengthWidth: 1, maximum: maximumCount, field: "count")
        var files: [DomainMeasurement] = []
        for _ in 0..<count {
            files.append(DomainMeasurement(name: try reader.readString(lengthWidth: 1, maximum: 64, field: "name"),
                                           size: try reader.readUInt64(), sha256: try reader.readBytes(32)))
        }
        return files
    }

    public static func serialize(_ files: [DomainMeasurement], into writer: inout ByteWriter) {
        writer.write(UInt8(files.count))
        for file in files {
            writer.writeSized(Array(file.name.utf8.prefix(64)), lengthWidth: 1)
            writer.write(file.size)
            writer.write(file.sha256)
        }
    }
}
