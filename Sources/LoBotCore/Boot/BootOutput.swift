// What the LoBot VM hands back on its output disk: its boot result (evidence, or the one-line
// reason it stopped) and, when it ran a migration's step 7, the files the platform host installs
// (LoBot_D's committed vTPM state and bound MSK, the platform's version store, the signed
// report). One bundle, so the host reads one record and either all of it or none of it.
//
//   LoBot boot output:  a LoBot boot bundle whose first entry, "result", is the LoBot boot
//                       result and whose other entries are the files, by name

public struct BootOutput: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot boot output" }
    static let resultEntry = "result"

    public var result: BootResult
    /// Everything but the result.
    public var files: BootBundle

    public init(result: BootResult, files: BootBundle = BootBundle()) {
        self.result = result
        self.files = files
    }

    public static func failure(_ message: String) -> BootOutput { BootOutput(result: .failure(message)) }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let at = reader.offset
        var bundle = try BootBundle(parsing: &reader)
        // First, as it is written: one form for one output (the fuzz oracle holds every format to it).
        guard let first = bundle.entries.first, Array(first.name.utf8) == Array(Self.resultEntry.utf8) else {
            throw reader.failure(.inconsistent("boot output does not start with its result"), at: at)
        }
        result = try BootResult(bytes: first.data)
        bundle.entries.removeFirst()
        files = bundle
    }

    public func serialize(into writer: inout ByteWriter) {
        BootBundle(entries: [(Self.resultEntry, result.bytes)] + files.entries).serialize(into: &writer)
    }
}
