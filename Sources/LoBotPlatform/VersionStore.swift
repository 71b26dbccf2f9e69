// The platform's version store: the rollback version of every vTPM on this platform, in one
// AnchoredFile whose own version is the platform TPM's monotonic counter. A vTPM commit advances
// its entry here, which advances the TPM counter, so an old copy of a vTPM state (or of this
// store) is refused even by someone who restores every file of the platform at once. The store's
// key is bound to the platform's TPM bind key (PLATFORM/versions.key), so only this TPM opens it.
//
//   version table:  UINT32 count;  { BYTE id[16]; UINT64 version; } entries[count]
import LoBotCore

public struct VersionTable: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot version table" }
    public static let maximumEntries = 65536
    public var entries: [(id: [UInt8], version: UInt64)]

    public init(entries: [(id: [UInt8], version: UInt64)] = []) { self.entries = entries }

    public static func == (a: VersionTable, b: VersionTable) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.id == $1.id && $0.version == $1.version }
    }

    public func version(of id: [UInt8]) -> UInt64? { entries.first { $0.id == id }?.version }

    /// `VersionStore.adopt`'s change to the table: the entry moves past anything it ever held.
    mutating func adopt(id: [UInt8]) throws(LoBotError) -> UInt64 {
        if let index = entries.firstIndex(where: { $0.id == id }) {
            let next = (entries[index].version & ~VersionStore.retiredFlag) &+ 1
            entries[index].version = next
            return next
        }
        guard entries.count < Self.maximumEntries else { throw LoBotError.tpmRule("the version store is full") }
        entries.append((id, 1))
        return 1
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let count = try reader.readCount(lengthWidth: 4, maximum: Self.maximumEntries, field: "count")
        entries = []
        for _ in 0..<count {
            let id = try reader.readBytes(16)
            entries.append((id, try reader.readUInt64()))
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(UInt32(entries.count))
        for entry in entries {
            writer.write(entry.id)
            writer.write(entry.version)
        }
    }
}

public struct VersionStore {
    public let directory: PlatformDirectory
    public let tpm: PlatformRoot

    public init(directory: PlatformDirectory, tpm: PlatformRoot) {
        self.directory = directory
        self.tpm = tpm
    }

    var paths: AnchoredPaths { Self.paths(directory) }

    static func paths(_ directory: PlatformDirectory) -> AnchoredPaths {
        AnchoredPaths(file: Files.join(directory.path, "versions"), lock: Files.join(directory.path, "versions.lock"),
                      subject: "version store in \(directory.path)")
    }
    var keyPath: String { Files.join(directory.path, "versions.key") }
    static let identity = [UInt8](repeating: 0, count: 16)

    /// The store's key, unbound by the platform TPM.
    func key() throws(LoBotError) -> MasterKey {
        var bytes = try tpm.unbind(try directory.read(keyPath, "version store key"), platform: directory)
        defer { wipe(&bytes) }
        return try MasterKey(bytes: bytes)
    }

    /// Creates the store, if the platform has none yet (needs the bind key and the counter). A
    /// creation that fails (the counter refuses to move) leaves nothing behind.
    public func createIfMissing() throws(LoBotError) {
        guard !exists else { return }
        let key = try MasterKey.generate()
        let bindKey = try directory.bindPublicKey()
        let counter = try TPMCounter(tpm: tpm, directory: directory)
        _ = try counter.read()
        try Files.writeAtomically(keyPath, try bindKey.bind(key.bytes), permissions: 0o600)
        do throws(LoBotError) {
            _ = try AnchoredFile.create(paths: paths, key: key, counter: counter, kind: .versionStore, id: Self.identity,
                                        contents: VersionTable().bytes)
        } catch {
            if !exists { _ = try? Files.remove(keyPath) }
            throw error
        }
    }

    /// Whether this platform has a version store.
    public var exists: Bool { Files.exists(paths.file) || Files.exists(paths.pending) }

    /// Advances the TPM counter through the store (commits it unchanged), so the store's version
    /// follows; returns the counter's new value. A raw increment would lock every vTPM out.
    public func advance() throws(LoBotError) -> UInt64 {
        var plain: [UInt8] = []
        defer { wipe(&plain) }
        var file = try AnchoredFile.open(paths: paths, key: try key(), counter: try TPMCounter(tpm: tpm, directory: directory),
                                         kind: .versionStore, contents: &plain)
        try file.commit(contents: plain)
        return file.version
    }

    /// Runs `body` on the table with the store locked; commits when `body` returns true.
    func update<T>(_ body: (inout VersionTable) throws(LoBotError) -> (T, Bool)) throws(LoBotError) -> T {
        var plain: [UInt8] = []
        var file = try AnchoredFile.open(paths: paths, key: try key(), counter: try TPMCounter(tpm: tpm, directory: directory),
                                         kind: .versionStore, contents: &plain)
        var table = try VersionTable(bytes: plain)
        let (result, changed) = try body(&table)
        if changed { try file.commit(contents: table.bytes) }
        return result
    }
}

extension VersionStore {
    /// Set in a retired vTPM's entry, above the last version it had here: no state file ever
    /// carries such a version, so no copy opens here, and adopting it again starts above it.
    public static let retiredFlag: UInt64 = 1 << 63

    /// Takes in a vTPM arriving from another platform: its entry moves past anything this
    /// platform ever held for it, so an old copy from an earlier stay stays refused; returns the
    /// version its state must now carry.
    public func adopt(id: [UInt8]) throws(LoBotError) -> UInt64 {
        try update { (table) throws(LoBotError) in (try table.adopt(id: id), true) }
    }

    /// Retires a vTPM that left or was destroyed: no copy of its state opens here again.
    public func retire(id: [UInt8]) throws(LoBotError) {
        try update { (table) throws(LoBotError) in
            if let index = table.entries.firstIndex(where: { $0.id == id }) {
                table.entries[index].version |= Self.retiredFlag
            } else {
                table.entries.append((id, Self.retiredFlag))
            }
            return ((), true)
        }
    }

    /// Whether `id` is retired here.
    public func isRetired(id: [UInt8]) throws(LoBotError) -> Bool {
        try update { (table) throws(LoBotError) in ((table.version(of: id) ?? 0) & Self.retiredFlag != 0, false) }
    }
}

/// One vTPM's rollback counter: its entry in the platform's version store.
public struct StoredVersionCounter: RollbackCounter {
    public let store: VersionStore
    public let id: [UInt8]

    public init(store: VersionStore, id: [UInt8]) {
        self.store = store
        self.id = id
    }

    public var description: String { "vTPM entry in the \(store.paths.subject)" }

    public func read() throws(LoBotError) -> UInt64 {
        try store.update { (table) throws(LoBotError) in
            let version = table.version(of: id) ?? 0
            guard version & VersionStore.retiredFlag == 0 else {
                throw LoBotError.tpmRule("this vTPM was retired on this platform (it moved away or was destroyed)")
            }
            return (version, false)
        }
    }

    public func increment() throws(LoBotError) -> UInt64 {
        try store.update { (table) throws(LoBotError) in
            let next = (table.version(of: id) ?? 0) &+ 1
            if let index = table.entries.firstIndex(where: { $0.id == id }) {
                table.entries[index].version = next
            } else {
                guard table.entries.count < VersionTable.maximumEntries else { throw LoBotError.tpmRule("the version store is full") }
                table.entries.append((id, next))
            }
            return (next, true)
        }
    }
}
