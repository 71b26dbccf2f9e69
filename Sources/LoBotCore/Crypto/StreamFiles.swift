// Sealed streams as files (an aDom's memory state and disk in a package): written under a
// temporary name, synced and renamed, so a reader never sees half of one.

public enum StreamFiles {
    public static func seal(inputPath: String, outputPath: String, key: [UInt8], name: String) throws(LoBotError) -> PackageFile {
        let input = try FileDescriptor(opening: inputPath, .readOnly)
        let temporary = outputPath + ".part"
        let output = try FileDescriptor(opening: temporary, .createOrTruncate, permissions: 0o600)
        let (_, stream) = try StreamCipher.seal(input: input.raw, output: output.raw, key: key)
        try output.sync()
        let size = try output.size()
        try Files.rename(temporary, to: outputPath)
        return PackageFile(name: name, size: UInt64(size), sha256: stream)
    }

    public static func open(inputPath: String, outputPath: String, key: [UInt8], what: String) throws(LoBotError) {
        let input = try FileDescriptor(opening: inputPath, .readOnly)
        let output = try FileDescriptor(opening: outputPath, .writeExisting)
        _ = try StreamCipher.open(input: input.raw, output: output.raw, key: key, what: what)
    }

    /// Decrypts `inputPath` into a new file at `outputPath` (temporary name, fsync, rename).
    public static func openToFile(inputPath: String, outputPath: String, key: [UInt8], what: String) throws(LoBotError) {
        let input = try FileDescriptor(opening: inputPath, .readOnly)
        let temporary = outputPath + ".part"
        let output = try FileDescriptor(opening: temporary, .createOrTruncate, permissions: 0o600)
        _ = try StreamCipher.open(input: input.raw, output: output.raw, key: key, what: what)
        try output.sync()
        try Files.rename(temporary, to: outputPath)
    }
}
