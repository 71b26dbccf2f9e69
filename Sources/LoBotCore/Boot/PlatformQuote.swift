// A platform's quote (LSP/LSM step 9) of either TPM family, as the boot result carries it to the
// factory: a TPM 1.2 quote (LoBot quote file, "LBQT", PCRs of the SHA-1 bank) or a TPM 2.0 quote
// (LoBot TPM 2.0 quote file, "LB2Q", PCRs of the SHA-256 bank). Each file starts with its magic,
// which says which.
//
//   platform quote:  LoBot quote ("LBQT") | LoBot TPM 2.0 quote ("LB2Q")

public enum PlatformQuote: WireStructure, Equatable, Sendable {
    case tpm12(Quote)
    case tpm20(TPM2QuoteFile)

    public static var wireName: String { "platform quote" }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        if try reader.startsWith(TPM2QuoteFile.magic) {
            self = .tpm20(try TPM2QuoteFile.parse(from: &reader))
        } else {
            self = .tpm12(try Quote.parse(from: &reader))
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        switch self {
        case .tpm12(let quote): quote.serialize(into: &writer)
        case .tpm20(let quote): quote.serialize(into: &writer)
        }
    }

    public var family: TPMFamily {
        switch self {
        case .tpm12: return .tpm12
        case .tpm20: return .tpm2
        }
    }
}
