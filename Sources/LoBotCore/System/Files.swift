// Whole-file operations on paths: read with a size cap, write atomically (temp file, fsync,
// rename, fsync of the directory) so no reader ever sees half a file, and the few directory and
// special-file operations the vTPM store and the agent need.
import CLibC

public enum Files {
    /// Reads a whole file, refusing more than `maximum` bytes.
    public static func read(_ path: String, maximum: Int) throws(LoBotError) -> [UInt8] {
        let fd = try FileDescriptor(opening: path, .readOnly)
        return try fd.readAll(maximum: maximum)
    }

    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// The identity of the file at `path` (stat(2): device, inode, size, modification and change
    /// times), nil if there is none.
    public static func identity(_ path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        func nanoseconds(_ time: timespec) -> UInt64 { UInt64(max(0, time.tv_sec)) &* 1_000_000_000 &+ UInt64(max(0, time.tv_nsec)) }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: UInt64(max(0, info.st_size)),
                            modified: nanoseconds(info.st_mtim), changed: nanoseconds(info.st_ctim))
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && lobot_s_isdir(info.st_mode) != 0
    }

    /// The directory part of `path` ("." when there is none).
    public static func directory(of path: String) -> String {
        let bytes = Array(path.utf8)
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        if slash == 0 { return "/" }
        return String(decoding: bytes[0..<slash], as: UTF8.self)
    }

    /// The last component of `path`.
    public static func baseName(of path: String) -> String {
        let bytes = Array(path.utf8)
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(decoding: bytes[(slash + 1)...], as: UTF8.self)
    }

    public static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// fsync(2) on a directory, so a rename or create in it is durable.
    public static func syncDirectory(_ path: String) throws(LoBotError) {
        let fd = try FileDescriptor(opening: path, .directory)
        try fd.sync()
    }

    /// Writes `bytes` to `path` so that `path` is either its old content or all of the new one:
    /// a temp file beside it (mode `permissions`), fsync, rename over `path`, fsync the directory.
    public static func writeAtomically(
        _ path: String, _ bytes: [UInt8], permissions: UInt32 = 0o600
    ) throws(LoBotError) {
        let temp = path + ".tmp-\(getpid())"
        do {
            try writeDurably(temp, bytes, permissions: permissions)
            try rename(temp, to: path)
        } catch {
            _ = unlink(temp)
            throw error
        }
    }

    /// Creates or truncates `path`, writes `bytes`, fsyncs it (no rename: for files whose
    /// name itself marks them as pending).
    public static func writeDurably(_ path: String, _ bytes: [UInt8], permissions: UInt32 = 0o600) throws(LoBotError) {
        let fd = try FileDescriptor(opening: path, .createOrTruncate, permissions: permissions)
        // A pre-existing file keeps its mode through O_TRUNC; secrets must stay private.
        _ = try retryingSystemCall("cannot chmod", path: path) { fchmod(fd.raw, mode_t(permissions)) }
        try fd.writeAll(bytes)
        try fd.sync()
    }

    /// rename(2), then fsync of the destination's directory.
    public static func rename(_ from: String, to path: String) throws(LoBotError) {
        _ = try retryingSystemCall("cannot rename", path: from) { CLibC.rename(from, path) }
        try syncDirectory(directory(of: path))
    }

    /// unlink(2); a missing file is not an error.
    public static func remove(_ path: String) throws(LoBotError) {
        if unlink(path) == 0 { return }
        let code = lobot_errno()
        if code == ENOENT { return }
        throw .system(operation: "cannot remove", path: path, errno: code)
    }

    /// The names in a directory, without "." and "..".
    public static func list(_ path: String) throws(LoBotError) -> [String] {
        guard let directory = opendir(path) else { throw .system(operation: "cannot list", path: path, errno: lobot_errno()) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// mkdir(2) with `permissions`; an existing directory is accepted when `existingOK`.
    public static func makeDirectory(_ path: String, permissions: UInt32 = 0o700, existingOK: Bool = false)
        throws(LoBotError)
    {
        if mkdir(path, mode_t(permissions)) == 0 { return }
        let code = lobot_errno()
        if code == EEXIST && existingOK && isDirectory(path) { return }
        if code == EEXIST { throw .alreadyExists(path) }
        throw .system(operation: "cannot create directory", path: path, errno: code)
    }

    public enum DirectoryRemoval: Equatable, Sendable {
        case removed
        /// There was no directory (ENOENT).
        case absent
        /// It still holds files (ENOTEMPTY), and is kept.
        case notEmpty
    }

    /// rmdir(2); a missing or non-empty directory is an outcome, anything else throws.
    public static func removeDirectory(_ path: String) throws(LoBotError) -> DirectoryRemoval {
        if rmdir(path) == 0 { return .removed }
        let code = lobot_errno()
        if code == ENOENT { return .absent }
        if code == ENOTEMPTY || code == EEXIST { return .notEmpty }
        throw .system(operation: "cannot remove directory", path: path, errno: code)
    }

    /// A new private directory named `prefix` and six random characters (mkdtemp(3)); its path.
    public static func makeTemporaryDirectory(prefix: String) throws(LoBotError) -> String {
        var template = Array((prefix + "XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw .system(operation: "cannot create a directory like", path: prefix + "XXXXXX", errno: lobot_errno())
        }
        return String(cString: made)
    }

    /// chown(2).
    public static func changeOwner(_ path: String, user: UInt32, group: UInt32) throws(LoBotError) {
        _ = try retryingSystemCall("cannot change the owner of", path: path) { chown(path, user, group) }
    }
}
