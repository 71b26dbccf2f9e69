// The one check of a TPM 2.0 quote (TPM2_Quote: a TPMS_ATTEST and its TPMT_SIGNATURE, as
// `tpm2_quote -m -s` writes them), used by every caller: the factory's verify-quote and whatever
// else decides trust from a TPM 2.0 platform. In order: the message is a TPMS_ATTEST of type quote
// with the TPM_GENERATED magic (the parse), the AK is a restricted fixedTPM signing key (so the TPM
// signed only what it generated), the signature verifies with it, extraData is the verifier's
// nonce, the quote selects exactly the expected PCRs, and its PCR digest is H_sigHash(the values
// concatenated in selection order).

public struct TPM2SignedQuote: Equatable, Sendable {
    /// The signed bytes, kept as received: the signature is over these, not a re-serialization.
    public let message: [UInt8]
    public let attest: TPMSAttest
    public let info: TPMSQuoteInfo
    public let signature: TPMTSignature

    /// Parses a quote: refused if the message is not a TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE.
    public init(message: [UInt8], signature: [UInt8]) throws(LoBotError) {
        let attest = try TPMSAttest(bytes: message)
        guard let info = attest.quote else { throw .invalidArgument("the TPMS_ATTEST is not a quote (type \(attest.type.rawValue))") }
        self.message = message
        self.attest = attest
        self.info = info
        self.signature = try TPMTSignature(bytes: signature)
    }

    /// The attributes an attestation key must have: restricted (signs only TPM-generated data),
    /// sign, and fixedTPM (cannot have left the TPM).
    public static let akAttributes: TPMAObject = [.restricted, .sign, .fixedTPM]

    /// Refuses an AK public area that is not a restricted fixedTPM signing key.
    public static func checkAK(_ ak: TPMTPublic) throws(LoBotError) {
        guard ak.objectAttributes.contains(akAttributes), !ak.objectAttributes.contains(.decrypt) else {
            throw .refused("the AK is not a restricted fixedTPM signing key (attributes 0x\(Hex.string(UInt(ak.objectAttributes.rawValue))))")
        }
    }

    /// The whole check; `pcrs` are the values the quote is said to be over (and the selection they
    /// were read for, which must be the quote's). Returns nothing: any failure throws.
    public func verify(ak: TPMTPublic, nonce: [UInt8], pcrs: TPM2PCRFile) throws(LoBotError) {
        try Self.checkAK(ak)
        try signature.verify(message, key: ak)
        guard attest.extraData.buffer == nonce else {
            throw .replay("quote nonce is \(Hex.string(attest.extraData.buffer)), expected \(Hex.string(nonce))")
        }
        guard Self.sameSelection(info.pcrSelect, pcrs.selection) else {
            throw .pcrMismatch("the quote selects \(Self.describe(info.pcrSelect)), the PCR values are for \(Self.describe(pcrs.selection))")
        }
        try Self.checkValues(pcrs.pcrValues, selection: info.pcrSelect)
        guard let hash = signature.hash.digestAlgorithm else {
            throw .invalidArgument("TPMT_SIGNATURE hash \(signature.hash.rawValue) is not a hash LoBot has")
        }
        var concatenated: [UInt8] = []
        for value in pcrs.pcrValues { concatenated += value }
        guard try Digest.hash(hash, concatenated) == info.pcrDigest.buffer else {
            throw .pcrMismatch("the quoted PCR digest is not the digest of the PCR values given")
        }
    }

    /// The quoted PCRs with their values, bank by bank: what golden values and a log replay compare.
    public func quoted(_ pcrs: TPM2PCRFile) -> [(bank: UInt16, pcr: Int, value: [UInt8])] {
        var out: [(bank: UInt16, pcr: Int, value: [UInt8])] = []
        let values = pcrs.pcrValues
        for bank in info.pcrSelect.pcrSelections {
            for pcr in bank.pcrs where out.count < values.count { out.append((bank.hash, pcr, values[out.count])) }
        }
        return out
    }

    /// One value per selected PCR, each as long as its bank's digest.
    static func checkValues(_ values: [[UInt8]], selection: TPMLPCRSelection) throws(LoBotError) {
        var index = 0
        for bank in selection.pcrSelections {
            guard let algorithm = bank.algorithm else { throw .invalidArgument("PCR bank \(bank.hash) is not a hash LoBot has") }
            for pcr in bank.pcrs {
                guard index < values.count, values[index].count == algorithm.length else {
                    throw .pcrMismatch("no \(algorithm.name) value for PCR \(pcr) in the PCR values given")
                }
                index += 1
            }
        }
        guard index == values.count else { throw .pcrMismatch("\(values.count - index) PCR values given beyond the quote's selection") }
    }

    /// Same banks in the same order with the same PCRs (select bytes may differ in length).
    static func sameSelection(_ a: TPMLPCRSelection, _ b: TPMLPCRSelection) -> Bool {
        a.pcrSelections.count == b.pcrSelections.count
            && zip(a.pcrSelections, b.pcrSelections).allSatisfy { $0.hash == $1.hash && $0.pcrs == $1.pcrs }
    }

    /// `sha256:0,1,16` style, as tpm2-tools writes selections.
    public static func describe(_ selection: TPMLPCRSelection) -> String {
        var parts: [String] = []
        for bank in selection.pcrSelections {
            let name = bank.algorithm?.shortName ?? "alg\(bank.hash)"
            var pcrs = ""
            for pcr in bank.pcrs { pcrs += (pcrs.isEmpty ? "" : ",") + String(pcr) }
            parts.append(name + ":" + pcrs)
        }
        var out = ""
        for part in parts { out += (out.isEmpty ? "" : "+") + part }
        return out
    }
}
