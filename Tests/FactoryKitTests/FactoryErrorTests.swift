// FactoryError's one-line form, which lobot-factory prints and the audit log records: the texts
// the end-to-end tests and the README expect, control characters made safe, and the libraries'
// errors arriving through their one mapping function each (sql, x509, crypto).
import FactoryKit
import Foundation
import GRDB
import LoBotCore
import Testing

@Suite struct FactoryErrorTests {
    @Test func everyCasePrintsTheLineTheToolsAndTestsExpect() {
        let cases: [(FactoryError, String)] = [
            (.notFound("no factory in /x (run lobot-factory init)"), "no factory in /x (run lobot-factory init)"),
            (.unknown(kind: "owner", name: "nobody"), "unknown owner nobody"),
            (.revoked("platform platform-f"), "platform platform-f is revoked"),
            (.keyReuse(what: "EK", owner: "p", purpose: "aik"), "refused key reuse: this EK is already recorded as p's aik key"),
            (.certificateReuse, "refused certificate reuse: this certificate or serial number is already recorded"),
            (.nonceMisdirected(nonce: "ab", issuedTo: "p", issuedFor: "quote", owner: "q", purpose: "golden"),
             "refused nonce ab: issued to p for quote, not to q for golden"),
            (.auditChain(.missing(seq: 2)), "audit log broken: entry 2 is missing"),
            (.auditChain(.contentAltered(seq: 3)), "audit log broken at entry 3: its content was altered"),
            (.auditChain(.linkAltered(seq: 4)), "audit log broken at entry 4: link to the previous entry altered"),
            (.auditChain(.badSignature(seq: 5)), "audit log broken at entry 5: signature does not verify"),
            (.auditChain(.differsFromHead(seq: 6)), "audit log broken at entry 6: it differs from the signed head"),
            (.auditChain(.headMissing(path: "/f/audit.head")), "audit log head /f/audit.head is missing"),
            (.database(code: 1811, message: "records are kept forever"), "SQLite error 1811: records are kept forever"),
            (.certificate(what: "EK certificate is not valid X.509", detail: "bad tag"), "EK certificate is not valid X.509: bad tag"),
            (.compression(what: "gzip compression failed", code: -2), "gzip compression failed (zlib -2)"),
            (.core(.pcrMismatch("PCRs 7 differ from golden values good-a")), "PCR values do not match: PCRs 7 differ from golden values good-a"),
        ]
        for (error, line) in cases { #expect(error.description == line) }
    }

    @Test func controlCharactersFromNamesOrLibrariesBecomeQuestionMarks() {
        #expect(FactoryError.unknown(kind: "domain", name: "a\nb\u{7f}c").description == "unknown domain a?b?c")
        #expect(FactoryError.certificate(what: "x", detail: "line\r\nnext").description == "x: line??next")
    }

    @Test func eachLibrarysErrorsComeThroughItsOneFunction() throws {
        struct Oops: Error, CustomStringConvertible { var description: String { "oops" } }
        #expect(factoryError { () throws(FactoryError) in try x509("reading") { throw Oops() } } == .certificate(what: "reading", detail: "oops"))
        #expect(factoryError { () throws(FactoryError) in try crypto("signing") { throw Oops() } } == .crypto(what: "signing", detail: "oops"))
        #expect(factoryError { () throws(FactoryError) in try sql { throw Oops() } } == .database(code: -1, message: "oops"))
        // A FactoryError thrown inside (a decision's own refusal) passes through unchanged.
        #expect(factoryError { () throws(FactoryError) in try sql { throw FactoryError.revoked("p") } } == .revoked("p"))
        #expect(factoryError { () throws(FactoryError) in try x509("x") { throw FactoryError.revoked("p") } } == .revoked("p"))
        #expect(factoryError { () throws(FactoryError) in try crypto("x") { throw FactoryError.revoked("p") } } == .revoked("p"))
        // Real library failures: swift-certificates on garbage, swift-crypto on a key that is not one, SQLite on bad SQL.
        if case .certificate(let what, _) = factoryError({ () throws(FactoryError) in try X509Input.certificate([0x30, 0x03, 1, 2]) }) {
            #expect(what == "not a valid X.509 certificate (DER or PEM)")
        } else { Issue.record("X509Input accepted garbage") }
        if case .crypto(let what, _) = factoryError({ () throws(FactoryError) in try CertificateAuthority(keyDER: [1, 2, 3], certificateDER: []) }) {
            #expect(what == "cannot read the CA key")
        } else { Issue.record("the CA opened a key that is not one") }
        let queue = try DatabaseQueue()
        let error = factoryError { () throws(FactoryError) in try sql { try queue.write { db in try db.execute(sql: "SELECT * FROM nowhere") } } }
        #expect(error == .database(code: 1, message: "no such table: nowhere"))
    }
}
