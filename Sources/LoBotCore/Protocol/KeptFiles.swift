// What step 12 saw of each sealed file it took into a session (its identity on this platform:
// device, inode, size, modification and change times), so that step 13 measures again only a
// file that is no longer the one measured. This record is a shortcut, not a protection: it is
// not authenticated, and it need not be. A sealed file's every chunk authenticates under K, with
// the file's name in its additional data, as it is opened; a file changed without changing its
// identity (or with this record forged to match) is found then, and the launch fails (13b). What
// the record buys is the better outcome for a file changed the ordinary way: refused before the
// launch with nothing done, as when it is measured again, without a second SHA-256 pass over
// every byte of the package at each launch.
//
//   LoBot kept files:  BYTE magic[4] = "LBKF";  UINT8 version = 1;  UINT8 count (at most 16);
//                      { UINT8 nameLength; BYTE name[nameLength] (at most 64);
//                        UINT64 device; UINT64 inode; UINT64 size;
//                        UINT64 modified; UINT64 changed (nanoseconds since 1970) } files[count]

/// One file's identity on this platform, as stat(2) gives it.
public struct FileIdentity: Equatable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    public var size: UInt64
    /// st_mtim and st_ctim, in nanoseconds since 1970.
    public var modified: UInt64
    public var changed: UInt64

    public init(device: UInt64, inode: UInt64, size: UInt64, modified: UInt64, changed: UInt64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modified = modified
        self.changed = changed
    }
}

public struct KeptFiles: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot kept files" }
    static let magic: [UInt8] = Array("LBKF".utf8)
    public static let maximumSize = 4096

    public var files: [(name: String, identity: FileIdentity)]

    public init(files: [(name: String, identity: FileIdentity)]) { self.files = files }

    /// The identity kept for `name`, if any.
    public func identity(of name: String) -> FileIdentity? {
        for file in files where file.name == name { return file.identity }
        return nil
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([1], field: "version")
        let count = try reader.readCount(lengthWidth: 1, maximum: PackageFile.maximumCount, field: "count")
        files = []
        for _ in 0..<count {
            let name = try reader.readString(lengthWidth: 1, maximum: 64, field: "name")
            files.append((name, FileIdentity(device: try reader.readUInt64(), inode: try reader.readUInt64(), size: try reader.readUInt64(),
                                             modified: try reader.readUInt64(), changed: try reader.readUInt64())))
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(UInt8(1))
        writer.write(UInt8(files.count))
        for file in files {
            writer.writeSized(Array(file.name.utf8.prefix(64)), lengthWidth: 1)
            for value in [file.identity.device, file.identity.inode, file.identity.size, file.identity.modified, file.identity.changed] {
                writer.write(value)
            }
        }
    }

    public static func == (a: KeptFiles, b: KeptFiles) -> Bool {
        a.files.count == b.files.count && zip(a.files, b.files).allSatisfy { $0.name == $1.name && $0.identity == $1.identity }
    }
}
