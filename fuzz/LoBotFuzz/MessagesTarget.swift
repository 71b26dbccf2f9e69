// Every message body directly (no envelope to get through first), and the other protocol files a
// platform reads back: its session journal and the domain config.
import LoBotCore

enum MessagesTarget {
    static let count = 11

    static func run(_ bytes: [UInt8]) {
        guard let input = Selected(bytes, count: count) else { return }
        let data = input.rest
        switch input.index {
        case 0: roundTrip(OpenBody.self, data)
        case 1: EnvelopeTarget.parseBody(of: .destinationKeys, data)
        case 2: roundTrip(ProceedBody.self, data)
        case 3: EnvelopeTarget.parseBody(of: .lobotPackage, data)
        case 4: roundTrip(VerdictBody.self, data)
        case 5: roundTrip(DomainOfferBody.self, data)
        case 6:
            if let secret = roundTrip(DomainSecret.self, data), let session = SessionID(Array(data.prefix(SessionID.length))) {
                _ = attempt("proof") { () throws(LoBotError) in try DomainSecret.proof(confirmation: secret.confirmation, session: session) }
            }
        case 7: roundTrip(BytesBody.self, data)
        case 8:
            if let journal = roundTrip(SessionJournal.self, data) { _ = (journal.state.name, journal.state.isFinal) }
        case 9: roundTrip(DomainConfig.self, data)
        default: packageFiles(data)
        }
    }

    /// The package file list (in a domain secret, a journal and a boot result) on its own.
    static func packageFiles(_ data: [UInt8]) {
        var reader = ByteReader(data, structure: "package files")
        guard let files = attempt("package files", { () throws(LoBotError) in
            let files = try PackageFile.parseList(from: &reader)
            try reader.finish()
            return files
        }) else { return }
        var writer = ByteWriter()
        PackageFile.serialize(files, into: &writer)
        guard writer.bytes == data else { violation("package files: accepted bytes serialize differently") }
    }
}
