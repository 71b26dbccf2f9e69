import Foundation

/// A temporary root directory holding one static binary and nothing else, where the binary runs
/// chrooted (through `unshare -r` when the tests do not run as root). With `proc`, the root also
/// holds an empty `/proc` on which each run mounts a fresh procfs in its own mount and PID
/// namespaces: the only thing a static Foundation program needs from the system.
public final class EmptyRoot: @unchecked Sendable {
    public let directory: TemporaryDirectory
    let name: String
    let proc: Bool

    public init(binary: String, proc: Bool = false) throws {
        directory = try TemporaryDirectory("lobot-root")
        name = URL(fileURLWithPath: binary).lastPathComponent
        self.proc = proc
        // Copied by a child: a write descriptor open in this process would leak into children other
        // tests spawn meanwhile, and exec of the copy would then fail with ETXTBSY.
        let copy = try runProcess("/bin/cp", [binary, directory.file(name)])
        guard copy.status == 0 else { throw TestSupportError.failed("cp \(binary): \(copy.stderr)") }
        if proc { try FileManager.default.createDirectory(atPath: directory.file("proc"), withIntermediateDirectories: false) }
    }

    /// Runs `/<binary> arguments...` inside the root.
    public func run(_ arguments: [String]) throws -> ProcessResult {
        let user: [String] = getuid() == 0 ? [] : ["-r"]
        guard proc else {
            return try runProcess("/usr/bin/unshare", user + ["/usr/sbin/chroot", directory.path, "/" + name] + arguments)
        }
        let script = #"root=$1; name=$2; shift 2; mount -t proc proc "$root/proc" && exec /usr/sbin/chroot "$root" "/$name" "$@""#
        return try runProcess("/usr/bin/unshare", user + ["-m", "-p", "-f", "--propagation", "private", "/bin/sh", "-c", script, "sh", directory.path, name] + arguments)
    }
}

/// The facts that make an ELF file one fully static executable, as `file` and `readelf` see them.
public struct StaticELF {
    public let statically: Bool
    public let stripped: Bool
    public let interpreter: Bool
    public let neededLibraries: Bool

    public init(_ path: String) throws {
        let file = try runProcess("/usr/bin/file", ["-b", path]).stdout
        statically = file.contains("statically linked")
        stripped = file.contains("stripped") && !file.contains("not stripped")
        interpreter = try runProcess("/usr/bin/readelf", ["-lW", path]).stdout.contains("INTERP")
        neededLibraries = try runProcess("/usr/bin/readelf", ["-dW", path]).stdout.contains("NEEDED")
    }
}
