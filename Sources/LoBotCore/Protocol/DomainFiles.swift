// The files of an aDom package and where each one is on a platform: the kernel and initrd at
// the domain's own paths (every platform has them), the sealed memory state and disk as streams.

/// The aDom's files in a package, and their names.
public enum DomainFiles {
    public static let memory = "memory.lbst"
    public static let disk = "disk.lbst"

    /// Whether the listed file `name` travels sealed in the package (the memory state, the disk),
    /// rather than being one every platform has (kernel, initrd).
    public static func isSealed(_ name: String) -> Bool { name != "kernel" && name != "initrd" }

    /// A file every platform has at the same path (the aDom's kernel, initrd), measured.
    public static func measureLocal(_ name: String, _ path: String) throws(LoBotError) -> PackageFile {
        let fd = try FileDescriptor(opening: path, .readOnly)
        return PackageFile(name: name, size: UInt64(try fd.size()), sha256: try FileMeasurement.sha256(path: path))
    }

    /// The listed file `name` at `path`, measured as its source measured it: a sealed stream by
    /// its tree digest (TreeDigest, as SequentialFileWriter computed it), kernel and initrd by
    /// SHA-256.
    public static func measure(_ name: String, _ path: String) throws(LoBotError) -> PackageFile {
        guard isSealed(name) else { return try measureLocal(name, path) }
        let measured = try TreeDigest.file(path: path)
        return PackageFile(name: name, size: measured.size, sha256: measured.digest)
    }

    /// Where a listed file is on this platform: kernel and initrd at the domain's paths, the
    /// sealed streams in `package`.
    public static func path(of file: PackageFile, config: DomainConfig, package: String) -> String {
        switch file.name {
        case "kernel": return config.kernel
        case "initrd": return config.initrd
        default: return Files.join(package, file.name)
        }
    }
}
