// A quote as the factory receives it, and the checks every trust decision runs on it: the AIK
// signature and nonce, then golden values.
import Foundation
import LoBotCore

/// A quote as the factory receives it: a LoBot quote (PCR values included) or a tpm-quote-tools
/// pair (TPM_QUOTE_INFO2 and signature: only the composite hash).
package struct QuoteEvidence {
    package let quote: Quote?
    package let info2: QuoteInfo2?
    package let signature: [UInt8]

    package static func load(quote: String?, pcrHash: String?, signature: String?, nonce: TPMNonce) throws(FactoryError) -> QuoteEvidence {
        if let quote {
            let parsed = try factoryCore { () throws(LoBotError) in try Quote(bytes: try Files.read(quote, maximum: 8192)) }
            return QuoteEvidence(quote: parsed, info2: nil, signature: parsed.signature)
        }
        guard let pcrHash, let signature else { throw .invalidInput("no quote given") }
        var info = try factoryCore { () throws(LoBotError) in try QuoteInfo2(bytes: try Files.read(pcrHash, maximum: 4096)) }
        // tpm-quote-tools leaves externalData unset in the hash file; the verifier puts the nonce in.
        info.externalData = nonce
        return QuoteEvidence(quote: nil, info2: info, signature: try readInput(signature, maximum: 4096))
    }

    /// The nonce and the AIK's signature, through `Quote.verify` for LoBot quotes and the same
    /// signature primitive over the TPM_QUOTE_INFO2 bytes for tpm-quote-tools ones.
    package func verify(aik: RSAPublicKey, nonce: TPMNonce) throws(FactoryError) {
        try factoryCore { () throws(LoBotError) in
            if let quote {
                try quote.verify(aik: aik, expectedNonce: nonce)
            } else if let info2 {
                try Quote.verifySignature(signature, over: info2.bytes, aik: aik)
            }
        }
    }

    /// Compares with golden values: each golden PCR (LoBot quote), or the composite hash over
    /// the golden selection (tpm-quote-tools quote).
    package func check(golden: GoldenRecord) throws(FactoryError) {
        try factoryCore { () throws(LoBotError) in
            if let quote {
                try golden.check(quote.composite)
            } else if let info2 {
                guard info2.infoShort.pcrSelection.indices == golden.values.selection.indices,
                    info2.infoShort.digestAtRelease == (try golden.values.compositeHash())
                else { throw LoBotError.pcrMismatch("the quoted composite hash differs from golden values \(golden.name)") }
            }
        }
    }
}

extension Factory {
    /// A golden record by name, its factory signature checked.
    package func golden(_ name: String) throws(FactoryError) -> GoldenRecord {
        let path = goldenPath(name)
        guard FileManager.default.fileExists(atPath: path) else { throw .notFound("no golden values named \(name)") }
        let bytes = try readInput(path, maximum: 64 << 10)
        return try factoryCore { () throws(LoBotError) in
            let record = try GoldenRecord(bytes: bytes)
            try record.verifySignature(try signer.publicKey())
            return record
        }
    }
}

extension Factory {
    /// The golden values an aDom's guest TPM must hold after LoBot's measured launch of `config`:
    /// PCRs 8 and 9 of every bank the guest's TPM family has, predicted from the domain's files by
    /// the agent's own code (LaunchMeasurement), signed, as `launch-NAME`.
    package func recordLaunchGolden(_ config: DomainConfig) throws(FactoryError) {
        var record = try factoryCore { () throws(LoBotError) in
            let banks = config.tpm.defaultBanks
            let events = try LaunchMeasurement.events(config: config, banks: banks)
            var values: [BankValues] = []
            for bank in banks {
                var pcrs: [(index: Int, value: [UInt8])] = []
                for predicted in try LaunchMeasurement.predict(events, bank: bank) { pcrs.append((predicted.pcr, predicted.value)) }
                values.append(BankValues(bank: bank, pcrs: pcrs))
            }
            return BankGoldenRecord(name: Self.launchGoldenName(config.name), banks: values)
        }
        try factoryCore { () throws(LoBotError) in
            try record.sign(with: signer)
            try Files.writeAtomically(goldenPath(record.name), record.bytes, permissions: 0o644)
        }
    }

    package static func launchGoldenName(_ domain: String) -> String { "launch-" + domain }

    /// A bank golden record by name, its factory signature checked.
    package func bankGolden(_ name: String) throws(FactoryError) -> BankGoldenRecord {
        let path = goldenPath(name)
        guard FileManager.default.fileExists(atPath: path) else { throw .notFound("no golden values named \(name)") }
        let bytes = try readInput(path, maximum: 64 << 10)
        return try factoryCore { () throws(LoBotError) in
            let record = try BankGoldenRecord(bytes: bytes)
            try record.verifySignature(try signer.publicKey())
            return record
        }
    }
}
