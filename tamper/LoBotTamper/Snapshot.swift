// What "no side effect" is checked against: every file under the watched directories with its
// type, mode, size, inode and the SHA-256 of its content -- or, for a file larger than
// `hashLimit`, its modification and change times, which any write moves and no process can set
// back. Two snapshots differ if any file appeared, vanished or changed in any of these.
import Foundation
import LoBotCore

struct FileState: Equatable {
    var type: mode_t
    var mode: mode_t
    var size: Int
    var inode: UInt
    var modified: Int
    var changed: Int
    var digest: [UInt8]?
}

struct Snapshot: Equatable {
    var files: [String: FileState] = [:]

    /// Files whose name matches are skipped (logs the daemons append to on every connection).
    static func take(_ roots: [String], hashLimit: Int = 1 << 20, skipping skip: (String) -> Bool = { _ in false }) -> Snapshot {
        var snapshot = Snapshot()
        for root in roots { snapshot.walk(root, hashLimit: hashLimit, skip: skip) }
        return snapshot
    }

    private mutating func walk(_ path: String, hashLimit: Int, skip: (String) -> Bool) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        let type = info.st_mode & S_IFMT
        let isDirectory = type == S_IFDIR
        var state = FileState(type: type, mode: info.st_mode & 0o7777, size: isDirectory ? 0 : Int(info.st_size), inode: UInt(info.st_ino),
                              modified: isDirectory ? 0 : Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec),
                              changed: isDirectory ? 0 : Int(info.st_ctim.tv_sec) * 1_000_000_000 + Int(info.st_ctim.tv_nsec), digest: nil)
        if type == S_IFREG, state.size <= hashLimit {
            state.digest = try? FileMeasurement.sha256(path: path)
        }
        files[path] = state
        guard isDirectory, let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names where !skip(name) { walk(path + "/" + name, hashLimit: hashLimit, skip: skip) }
    }

    /// What changed from `before` to this snapshot, one line each (empty when nothing did).
    func changes(since before: Snapshot) -> [String] {
        var out: [String] = []
        for (path, old) in before.files.sorted(by: { $0.key < $1.key }) {
            guard let new = files[path] else { out.append("removed \(path)"); continue }
            guard new != old else { continue }
            // A hashed file whose content, mode and inode are the same was only touched (its
            // times moved): that leaves nothing behind. A larger file's times stand for its content.
            if let digest = new.digest, digest == old.digest, new.mode == old.mode, new.inode == old.inode, new.type == old.type { continue }
            var what: [String] = []
            if new.type != old.type { what.append("type") }
            if new.mode != old.mode { what.append("mode") }
            if new.size != old.size { what.append("size \(old.size) -> \(new.size)") }
            if new.inode != old.inode { what.append("replaced") }
            if new.digest != old.digest { what.append("content") }
            if new.modified != old.modified || new.changed != old.changed { what.append("written") }
            out.append("changed \(path) (\(what.joined(separator: ", ")))")
        }
        for path in files.keys.sorted() where before.files[path] == nil { out.append("added \(path)") }
        return out
    }
}
