// What an application domain (aDom) is, as platforms and messages describe it: how to start it
// (kernel, initrd, command line, memory), where its disk lives -- with the domain (it moves with
// the memory state) or on storage the platforms share (only the memory state moves) -- and which
// TPM its guest sees.
//
//   LoBot domain config:  BYTE magic[4] = "LBDC";  UINT8 version = 2;  UINT8 nameLength; name;
//                         UINT32 memoryMiB;  UINT16 kernel; UINT16 initrd; UINT16 commandLine (strings);
//                         UINT8 disk (0 none, 1 with the domain, 2 shared);  UINT16 sharedPath (string);
//                         UINT8 tpm (1 TPM 1.2, 2 TPM 2.0)

public struct DomainConfig: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot domain config" }
    static let magic: [UInt8] = Array("LBDC".utf8)

    public enum Disk: UInt8, Sendable {
        case none = 0
        /// disk.img in the domain's directory; it travels with the memory state.
        case local = 1
        /// A disk on storage every platform mounts at the same path; only the memory state travels.
        case shared = 2
    }

    public var name: String
    public var memoryMiB: UInt32
    public var kernel: String
    public var initrd: String
    public var commandLine: String
    public var disk: Disk
    public var sharedPath: String
    /// The family of the TPM device the guest gets.
    public var tpm: GuestTPMFamily

    public init(name: String, memoryMiB: UInt32, kernel: String, initrd: String, commandLine: String, disk: Disk, sharedPath: String = "",
                tpm: GuestTPMFamily = .tpm20) {
        self.name = name
        self.memoryMiB = memoryMiB
        self.kernel = kernel
        self.initrd = initrd
        self.commandLine = commandLine
        self.disk = disk
        self.sharedPath = sharedPath
        self.tpm = tpm
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([2], field: "version")
        name = try reader.readName(field: "name")
        memoryMiB = try reader.readUInt32()
        guard memoryMiB >= 64, memoryMiB <= 1 << 20 else {
            throw reader.failure(.unexpectedValue(field: "memoryMiB", value: UInt64(memoryMiB)))
        }
        kernel = try reader.readString(lengthWidth: 2, maximum: 4096, field: "kernel")
        initrd = try reader.readString(lengthWidth: 2, maximum: 4096, field: "initrd")
        commandLine = try reader.readString(lengthWidth: 2, maximum: 4096, field: "commandLine", allowEmpty: true)
        let at = reader.offset
        let rawDisk = try reader.readUInt8()
        guard let disk = Disk(rawValue: rawDisk) else { throw reader.failure(.unexpectedValue(field: "disk", value: UInt64(rawDisk)), at: at) }
        self.disk = disk
        sharedPath = try reader.readString(lengthWidth: 2, maximum: 4096, field: "sharedPath", allowEmpty: true)
        guard (disk == .shared) == !sharedPath.isEmpty else { throw reader.failure(.inconsistent("a shared disk needs its path, others none")) }
        let tpmAt = reader.offset
        let rawTPM = try reader.readUInt8()
        guard let tpm = GuestTPMFamily(rawValue: rawTPM) else { throw reader.failure(.unexpectedValue(field: "tpm", value: UInt64(rawTPM)), at: tpmAt) }
        self.tpm = tpm
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(UInt8(2))
        writer.writeString(name, lengthWidth: 1)
        writer.write(memoryMiB)
        writer.writeString(kernel, lengthWidth: 2)
        writer.writeString(initrd, lengthWidth: 2)
        writer.writeString(commandLine, lengthWidth: 2)
        writer.write(disk.rawValue)
        writer.writeString(sharedPath, lengthWidth: 2)
        writer.write(tpm.rawValue)
    }
}
