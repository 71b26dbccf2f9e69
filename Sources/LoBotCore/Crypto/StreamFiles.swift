// Sealed streams as files (an aDom's memory state and disk in a package): written under a
// temporary name, synced and renamed, so a reader never sees half of one.

public enum StreamFiles {
    public static func seal(inputPath: String, outputPath: String, key: [UInt8], name: String) throws(LoBotError) -> PackageFile {
        let input = try FileDescriptor(opening: inputPath, .readOnly)
        input.adviseSequential()
        return try seal(input: input.raw, outputPath: outputPath, key: key, name: name)
    }

    /// Seals what `input` gives until its end (the pipe qemu saves into) as the stream `name`.
    public static func seal(input: Int32, outputPath: String, key: [UInt8], name: String) throws(LoBotError) -> PackageFile {
        var result: PackageFile? = nil
        try writeWhole(outputPath) { (output) throws(LoBotError) in
            let stream = try StreamCipher.seal(input: input, output: output.raw, key: key, name: name)
            result = PackageFile(name: name, size: UInt64(try output.size()), sha256: stream)
        }
        return result!
    }

    /// Opens the sealed stream at `inputPath`, sealed as `name`, into `output` (the pipe qemu
    /// restores from).
    public static func open(inputPath: String, output: Int32, key: [UInt8], name: String, what: String) throws(LoBotError) {
        let input = try FileDescriptor(opening: inputPath, .readOnly)
        input.adviseSequential()
        try StreamCipher.open(input: input.raw, output: output, key: key, name: name, what: what)
    }

    /// Decrypts `inputPath`, sealed as `name`, into a new file at `outputPath` (temporary name, fsync, rename).
    public static func openToFile(inputPath: String, outputPath: String, key: [UInt8], name: String, what: String) throws(LoBotError) {
        let input = try FileDescriptor(opening: inputPath, .readOnly)
        try writeWhole(outputPath) { (output) throws(LoBotError) in
            try StreamCipher.open(input: input.raw, output: output.raw, key: key, name: name, what: what)
        }
    }

    /// Writes `path` through `body` under a temporary name, synced and renamed into place; on
    /// any failure the temporary file is removed and `path` is untouched.
    static func writeWhole(_ path: String, _ body: (borrowing FileDescriptor) throws(LoBotError) -> Void) throws(LoBotError) {
        let temporary = path + ".part"
        do throws(LoBotError) {
            let output = try FileDescriptor(opening: temporary, .createOrTruncate, permissions: 0o600)
            try body(output)
            try output.sync()
            try Files.rename(temporary, to: path)
        } catch {
            _ = try? Files.remove(temporary)
            throw error
        }
    }
}
