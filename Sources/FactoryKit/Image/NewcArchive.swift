// The cpio "newc" archive the Linux kernel unpacks as its initramfs (kernel documentation,
// early-userspace/buffer-format). Written deterministically: entries sorted by path, inode
// numbers in that order, every modification time the same (SOURCE_DATE_EPOCH), owners numeric.
//
//   header: "070701" then 13 fields of 8 hex digits: ino mode uid gid nlink mtime filesize
//           devmajor devminor rdevmajor rdevminor namesize check; name, NUL, padded to 4;
//           data padded to 4.  The archive ends with the entry "TRAILER!!!".

package struct NewcArchive {
    package enum Kind {
        case directory
        case file([UInt8])
        case characterDevice(major: UInt32, minor: UInt32)
    }

    package struct Entry {
        package let path: String
        package let kind: Kind
        package let permissions: UInt32
        package let uid: UInt32
        package let gid: UInt32

        package init(path: String, kind: Kind, permissions: UInt32, uid: UInt32 = 0, gid: UInt32 = 0) {
            self.path = path
            self.kind = kind
            self.permissions = permissions
            self.uid = uid
            self.gid = gid
        }
    }

    package var entries: [Entry] = []
    package let modificationTime: UInt32

    package init(modificationTime: UInt32) { self.modificationTime = modificationTime }

    package mutating func add(_ entry: Entry) { entries.append(entry) }

    /// The archive bytes, entries sorted by path (a directory always precedes its contents).
    package func bytes() -> [UInt8] {
        var out: [UInt8] = []
        let sorted = entries.sorted { $0.path < $1.path }
        for (index, entry) in sorted.enumerated() {
            let name = String(entry.path.drop(while: { $0 == "/" }))
            let (type, data, major, minor): (UInt32, [UInt8], UInt32, UInt32)
            switch entry.kind {
            case .directory: (type, data, major, minor) = (0o040000, [], 0, 0)
            case .file(let contents): (type, data, major, minor) = (0o100000, contents, 0, 0)
            case .characterDevice(let ma, let mi): (type, data, major, minor) = (0o020000, [], ma, mi)
            }
            Self.append(&out, inode: UInt32(index + 1), mode: type | entry.permissions, uid: entry.uid, gid: entry.gid,
                        links: type == 0o040000 ? 2 : 1, mtime: modificationTime, name: name, data: data, rdev: (major, minor))
        }
        Self.append(&out, inode: 0, mode: 0, uid: 0, gid: 0, links: 1, mtime: 0, name: "TRAILER!!!", data: [], rdev: (0, 0))
        return out
    }

    private static func append(_ out: inout [UInt8], inode: UInt32, mode: UInt32, uid: UInt32, gid: UInt32, links: UInt32,
                               mtime: UInt32, name: String, data: [UInt8], rdev: (UInt32, UInt32)) {
        let nameBytes = Array(name.utf8) + [0]
        var header = "070701"
        for field in [inode, mode, uid, gid, links, mtime, UInt32(data.count), 0, 0, rdev.0, rdev.1, UInt32(nameBytes.count), 0] {
            let hex = String(field, radix: 16, uppercase: true)
            header += String(repeating: "0", count: 8 - hex.count) + hex
        }
        out += Array(header.utf8) + nameBytes
        while out.count % 4 != 0 { out.append(0) }
        out += data
        while out.count % 4 != 0 { out.append(0) }
    }
}
