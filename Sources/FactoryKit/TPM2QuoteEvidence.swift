// A TPM 2.0 quote as tpm2_quote writes it (message, signature, PCR file) and the factory's checks
// on it: TPM2SignedQuote.verify (LoBotCore) for the AK, nonce and PCR digest, then golden values of the
// SHA-256 bank and the replay of a crypto-agile event log.
import Foundation
import GRDB
import LoBotCore

package struct TPM2QuoteEvidence {
    package let quote: TPM2SignedQuote
    package let pcrs: TPM2PCRFile

    /// Reads the three files; the PCR file in tpm2_quote's serialized form or as
    /// `tpm2_pcrread -F values` writes it (the quote's selection then says which PCRs they are).
    package static func load(message: String, signature: String, pcrs: String) throws(FactoryError) -> TPM2QuoteEvidence {
        let messageBytes = try readInput(message, maximum: 4096)
        let signatureBytes = try readInput(signature, maximum: 4096)
        let pcrBytes = try readInput(pcrs, maximum: 1 << 20)
        return try factoryCore { () throws(LoBotError) in
            let quote = try TPM2SignedQuote(message: messageBytes, signature: signatureBytes)
            let file = pcrBytes.count >= 136 && pcrBytes.count % 4 == 0 && (pcrBytes.count - 136) % 532 == 0
                ? try TPM2PCRFile(bytes: pcrBytes)
                : try TPM2PCRFile(values: pcrBytes, selection: quote.info.pcrSelect)
            return TPM2QuoteEvidence(quote: quote, pcrs: file)
        }
    }

    /// A LoBot TPM 2.0 quote file (`lobot platform quote` on a TPM 2.0 platform): the same three
    /// parts, with the values in the file.
    package static func load(lobotQuote bytes: [UInt8]) throws(FactoryError) -> TPM2QuoteEvidence {
        try factoryCore { () throws(LoBotError) in
            let (quote, pcrs) = try TPM2QuoteFile(bytes: bytes).toolFiles()
            return TPM2QuoteEvidence(quote: quote, pcrs: pcrs)
        }
    }

    /// Whether `bytes` are a LoBot TPM 2.0 quote file rather than a TPM 1.2 one.
    package static func isLoBotQuote(_ bytes: [UInt8]) -> Bool { bytes.starts(with: TPM2QuoteFile.magic) }

    /// Reads an AK public key as `tpm2_createak -u` writes it (TPM2B_PUBLIC).
    package static func readAK(_ path: String) throws(FactoryError) -> TPMTPublic {
        let bytes = try readInput(path, maximum: 8192)
        guard !bytes.starts(with: Array("-----BEGIN".utf8)) else {
            throw .invalidInput("\(path) is a PEM key: a TPM 2.0 AK must be given as tpm2_createak -u writes it (TPM2B_PUBLIC), whose attributes show it is restricted")
        }
        return try factoryCore { () throws(LoBotError) in try TPM2BPublic(bytes: bytes).publicArea }
    }

    package func verify(ak: TPMTPublic, nonce: [UInt8]) throws(FactoryError) {
        try factoryCore { () throws(LoBotError) in try quote.verify(ak: ak, nonce: nonce, pcrs: pcrs) }
    }

    /// Every PCR of the golden record's SHA-256 bank must be quoted and equal.
    package func check(golden: BankGoldenRecord) throws(FactoryError) {
        guard let bank = golden.values(.sha256) else { throw .refused("golden values \(golden.name) have no SHA-256 bank") }
        let quoted = quote.quoted(pcrs)
        for pcr in bank.pcrs {
            guard let value = quoted.first(where: { $0.bank == DigestAlgorithm.sha256.tpmAlgorithmID && $0.pcr == pcr.index })?.value else {
                throw .core(.pcrMismatch("PCR \(pcr.index) of golden values \(golden.name) was not quoted"))
            }
            guard value == pcr.value else { throw .core(.pcrMismatch("the quoted sha256 PCR \(pcr.index) differs from golden values \(golden.name)")) }
        }
    }
}

extension Factory {
    /// Records `name`: the SHA-256 bank golden values of a verified TPM 2.0 quote (every quoted
    /// SHA-256 PCR, or only `only`), signed by the factory, through the audit log.
    package func recordTPM2Golden(name: String, evidence: TPM2QuoteEvidence, ak: TPMTPublic, nonce: [UInt8], only: [Int]?) throws(FactoryError) -> BankGoldenRecord {
        var record: BankGoldenRecord? = nil
        _ = try decide(action: "golden-record-tpm2", subject: name) { (_) throws(FactoryError) in
            try evidence.verify(ak: ak, nonce: nonce)
            let made = try writeTPM2Golden(name: name, evidence: evidence, only: only)
            record = made
            return "SHA-256 bank golden values from a TPM 2.0 quote: PCRs \(PCRList.describe(made.banks[0].pcrs.map { $0.index }))"
        }
        guard let record else { throw .invalidInput("no golden values recorded") }
        return record
    }

    /// The SHA-256 bank golden values `name` of a quote already verified (every quoted SHA-256
    /// PCR, or only `only`), signed by the factory and written; the caller decides and logs.
    package func writeTPM2Golden(name: String, evidence: TPM2QuoteEvidence, only: [Int]?) throws(FactoryError) -> BankGoldenRecord {
        let sha256 = DigestAlgorithm.sha256.tpmAlgorithmID
        let quoted = evidence.quote.quoted(evidence.pcrs).filter { $0.bank == sha256 }
        var pcrs: [(index: Int, value: [UInt8])] = []
        for index in only ?? quoted.map({ $0.pcr }) {
            guard let value = quoted.first(where: { $0.pcr == index })?.value else { throw .invalidInput("sha256 PCR \(index) was not quoted") }
            pcrs.append((index, value))
        }
        var made = BankGoldenRecord(name: name, banks: [BankValues(bank: .sha256, pcrs: pcrs.sorted { $0.index < $1.index })])
        try factoryCore { () throws(LoBotError) in
            try made.sign(with: signer)
            try Files.writeAtomically(goldenPath(name), made.bytes, permissions: 0o644)
        }
        return made
    }

    /// The platform's enrolled TPM 2.0 AK; refuses a platform enrolled with a TPM 1.2.
    package func platformAK(_ platform: String, in db: Database) throws(FactoryError) -> TPMTPublic {
        guard case .tpm20(let ak) = try platformAttestationKey(platform, in: db) else {
            throw .refused("platform \(platform) enrolled a TPM 1.2: this is a TPM 2.0 quote")
        }
        return ak
    }
}
