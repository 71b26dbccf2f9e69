// The factory's report on a TPM 2.0 quote (the swtpm fixture quote: PCRs 0-3 zero, PCR 16 extended
// once with 32 x 0xab): it names the family, and a crypto-agile log's SHA-256 replay is compared
// with the quoted PCRs by the same code as a TPM 1.2 log's.
import FactoryKit
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite struct TPM2QuoteReportTests {
    static let fixtures = Binaries.packageRoot + "/Tests/LoBotCoreTests/Fixtures/tpm2/"

    static func evidence() throws -> TPM2QuoteEvidence {
        let evidence = try TPM2QuoteEvidence.load(message: fixtures + "quote.msg", signature: fixtures + "quote.sig", pcrs: fixtures + "quote.pcrs")
        try evidence.verify(ak: try TPM2QuoteEvidence.readAK(fixtures + "ak.pub"), nonce: [UInt8](repeating: 0x11, count: 32))
        return evidence
    }

    static func log(pcr16 digest: UInt8) -> CryptoAgileEventLog {
        CryptoAgileEventLog(banks: [.sha256], events: [
            AgileEvent(pcr: 0, type: CryptoAgileEventLog.noAction, digests: [(.sha256, [UInt8](repeating: 0, count: 32))], data: []),
            AgileEvent(pcr: 16, type: 0x0d, digests: [(.sha256, [UInt8](repeating: digest, count: 32))], data: Array("ab".utf8)),
        ])
    }

    @Test func aLogThatReplaysToTheQuoteMatches() throws {
        let report = try QuoteReport(tpm2: try Self.evidence(), log: Self.log(pcr16: 0xab))
        #expect(report.family == "TPM 2.0, SHA-256 bank")
        #expect(report.replayMatches == true)
        #expect(report.selection == [0, 1, 2, 3, 16])
        #expect(report.entries.last?.events == ["extend \(String(repeating: "ab", count: 32)) type 0x0d"])
        #expect(report.text.hasPrefix("quote by a TPM 2.0, SHA-256 bank\n"))
        #expect(report.text.hasSuffix("quote verified; event log replays to the quoted PCRs"))
    }

    @Test func aLogThatDoesNotReplayIsRefused() throws {
        #expect(throws: LoBotError.pcrMismatch("the event log does not replay to the quoted PCR values")) {
            try QuoteReport(tpm2: try Self.evidence(), log: Self.log(pcr16: 0xcd))
        }
    }

    @Test func withoutALogNothingIsReplayed() throws {
        let report = try QuoteReport(tpm2: try Self.evidence(), log: nil)
        #expect(report.replayMatches == nil)
        #expect(report.json.hasPrefix("{\"verified\":true,\"family\":\"TPM 2.0, SHA-256 bank\",\"replay_matches\":null,"))
    }
}
