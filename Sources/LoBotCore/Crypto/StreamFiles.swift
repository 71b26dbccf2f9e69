// Sealed streams as files (an aDom's memory state and disk in a package): written under a
// temporary name, synced and renamed, so a reader never sees half of one; sealed ones around
// the page cache (SequentialFileWriter).

public enum StreamFiles {
    public static func seal(inputPath: String, outputPath: String, key: [UInt8], name: String) throws(LoBotError) -> PackageFile {
        let input = try FileDescriptor(opening: inputPath, .readOnly)
        input.adviseSequential()
        return try seal(input: input.raw, outputPath: outputPath, key: key, name: name)
    }

    /// Seals what `input` gives until its end (the pipe qemu saves into) as the stream `name`,
    /// written around the page cache (SequentialFileWriter).
    public static func seal(input: Int32, outputPath: String, key: [UInt8], name: String) throws(LoBotError) -> PackageFile {
        var result: PackageFile? = nil
        try replace(outputPath) { (temporary) throws(LoBotError) in
            var output = try SequentialFileWriter(creating: temporary)
            try StreamCipher.seal(input: input, output: &output, key: key, name: name)
            let digest = try output.finish()
            result = PackageFile(name: name, size: UInt64(output.size), sha256: digest)
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
        try replace(outputPath) { (temporary) throws(LoBotError) in
            let output = try FileDescriptor(opening: temporary, .createOrTruncate, permissions: 0o600)
            try StreamCipher.open(input: input.raw, output: output.raw, key: key, name: name, what: what)
            try output.sync()
        }
    }

    /// Writes `path` through `body`, which writes and syncs the temporary file it is given; then
    /// renames it into place. On any failure the temporary file is removed and `path` is untouched.
    static func replace(_ path: String, _ body: (String) throws(LoBotError) -> Void) throws(LoBotError) {
        let temporary = path + ".part"
        do throws(LoBotError) {
            try body(temporary)
            try Files.rename(temporary, to: path)
        } catch {
            _ = try? Files.remove(temporary)
            throw error
        }
    }
}
