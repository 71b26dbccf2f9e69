// Quotes and the golden values they are judged against, as the factory and a LoBot read them:
// the signed TPM_QUOTE_INFO(2) rebuilt from the file, the signature check, the golden-value
// comparison (TPM 1.2 composites, and bank records such as a guest's launch prediction); and PCR
// lists as a person types them.
import LoBotCore

enum QuoteTarget {
    static let count = 4

    static func run(_ bytes: [UInt8]) {
        guard let input = Selected(bytes, count: count) else { return }
        let data = input.rest
        switch input.index {
        case 0:
            guard let quote = roundTrip(Quote.self, data) else { return }
            if let signed = attempt("signed bytes", { () throws(LoBotError) in try quote.signedBytes() }) {
                switch quote.form {
                case .quote: roundTrip(QuoteInfo.self, signed)
                case .quote2: roundTrip(QuoteInfo2.self, signed)
                }
            }
            _ = attempt("verify") { () throws(LoBotError) in try quote.verify(aik: Fixtures.signer, expectedNonce: quote.nonce) }
        case 1:
            guard let record = roundTrip(GoldenRecord.self, data) else { return }
            // A record agrees with its own values and with nothing that lacks one of them.
            guard attempt("check", { () throws(LoBotError) in try record.check(record.values) }) != nil else {
                violation("golden record: refuses its own values")
            }
            _ = attempt("signature") { () throws(LoBotError) in try record.verifySignature(Fixtures.signer) }
            guard record.signedBytes() + [UInt8(record.signature.count >> 8), UInt8(record.signature.count & 0xff)] + record.signature == data else {
                violation("golden record: signed bytes are not the record's head")
            }
        case 3:
            guard let record = roundTrip(BankGoldenRecord.self, data) else { return }
            _ = attempt("signature") { () throws(LoBotError) in try record.verifySignature(Fixtures.signer) }
            guard record.signedBytes() + [UInt8(record.signature.count >> 8), UInt8(record.signature.count & 0xff)] + record.signature == data else {
                violation("bank golden record: signed bytes are not the record's head")
            }
        default:
            let text = String(decoding: data, as: UTF8.self)
            guard let indices = attempt("PCR list", { () throws(LoBotError) in try PCRList.parse(text) }) else { return }
            let described = PCRList.describe(indices)
            guard let again = attempt("PCR list", { () throws(LoBotError) in try PCRList.parse(described) }), again == indices else {
                violation("PCR list: \"\(described)\" does not read back as \(indices)")
            }
        }
    }
}
