// The vTPM scenarios of the foundation, run identically through LoBotCore and through the
// static `lobot` binary. Expected values come from Python's hashlib, computed once.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite struct VTPMScenarioTests {
    static let lobotDigest = SHA1Digest(hexBytes("20cf9b5401aa6f83c12ecffb0c5f2a9b1225ef6e"))!
    static let kernel = Array(String(repeating: "kernel image\n", count: 1000).utf8)

    @Test(arguments: Driver.allCases) func measureExtendQuote(driver: Driver) throws {
        let vtpm = try VTPMUnderTest(driver)
        try vtpm.create()
        #expect(try vtpm.extend(3, Self.lobotDigest, name: "lobot").hex == "714c350c18d15646693c0b52a97afee2abbd56e0")
        let file = try vtpm.temp.write("vmlinuz", Self.kernel)
        #expect(try vtpm.measure(4, file: file) == hexBytes("a97032b0e667f495b7ff413f1d9cf54678ca718dc0a01830e50263f608255e40"))
        let values = try vtpm.pcrs()
        #expect(values.count == 24)
        #expect(values[4].hex == "f1e946b3a1a2f44e7a223b3d7e978705e5a9a545")
        #expect(values[17] == .ones)

        let aik = try vtpm.publicKey(.identity).rsaPublicKey()
        for form in [Quote.Form.quote, .quote2] {
            let nonce = try TPMNonce.random()
            let quote = try vtpm.quote("0-7", nonce: nonce, form: form)
            try quote.verify(aik: aik, expectedNonce: nonce)
            #expect(try quote.composite.compositeHash().hex == "f8980987c760a3dfd49f25b047b7d775611c6a07")
            #expect(throws: LoBotError.self) { try quote.verify(aik: aik, expectedNonce: try TPMNonce.random()) }
        }

        let log = try vtpm.eventLog()
        #expect(log.events.map(\.name) == ["lobot", "vmlinuz"])
        #expect(try log.replay().values == values)
    }

    @Test(arguments: Driver.allCases) func sealFollowsPCRs(driver: Driver) throws {
        let vtpm = try VTPMUnderTest(driver)
        try vtpm.create()
        let secret = Array("aDom measurement".utf8)
        let blob = try vtpm.seal(secret, pcrs: "0-6")
        #expect(try vtpm.unseal(blob) == secret)
        _ = try vtpm.extend(5, Self.lobotDigest, name: "change")
        #expect(failureMessage { _ = try vtpm.unseal(blob) } == "lobot: PCR values do not match: sealed to PCRs 0-6 with other values")
        var flipped = blob
        flipped[flipped.count - 3] ^= 0x04
        #expect(failureMessage { _ = try vtpm.unseal(flipped) } == "lobot: sealed blob failed authentication: altered, or not made for this key")
    }

    @Test(arguments: Driver.allCases) func bindCounterReset(driver: Driver) throws {
        let vtpm = try VTPMUnderTest(driver)
        try vtpm.create()
        let bound = try BoundData.bind(Array("K1 key".utf8), to: try vtpm.publicKey(.bind).rsaPublicKey())
        #expect(try vtpm.unbind(bound) == Array("K1 key".utf8))
        #expect(try vtpm.counter(increment: false) == 0)
        #expect(try vtpm.counter(increment: true) == 1)
        #expect(try vtpm.counter(increment: true) == 2)
        #expect(try vtpm.counter(increment: false) == 2)
        _ = try vtpm.extend(16, Self.lobotDigest, name: "debug")
        try vtpm.reset(16)
        #expect(try vtpm.pcrs()[16] == .zero)
        #expect(failureMessage { try vtpm.reset(3) } == "lobot: PCR 3 cannot be reset from locality 0")
    }

    @Test(arguments: Driver.allCases) func stateWrittenByOneBuildOpensInTheOther(driver: Driver) throws {
        let vtpm = try VTPMUnderTest(driver)
        try vtpm.create()
        _ = try vtpm.extend(7, Self.lobotDigest, name: "cross")
        let other = VTPMUnderTest(driver == .binary ? .library : .binary, sharing: vtpm)
        #expect(try other.pcrs() == vtpm.pcrs())
        _ = try other.extend(8, Self.lobotDigest, name: "back")
        #expect(try vtpm.eventLog().events.map(\.name) == ["cross", "back"])
    }

    @Test(arguments: Driver.allCases) func rolledBackStateIsRefused(driver: Driver) throws {
        let vtpm = try VTPMUnderTest(driver)
        try vtpm.create()
        let state = vtpm.vtpmDirectory.statePath
        let old = try Data(contentsOf: URL(fileURLWithPath: state))
        _ = try vtpm.counter(increment: true)
        try old.write(to: URL(fileURLWithPath: state))
        #expect(failureMessage { _ = try vtpm.pcrs() } == "lobot: \(state) is rolled back: version 1, counter says 2")
    }
}

extension VTPMUnderTest {
    /// The same vTPM directory, reached through the other driver.
    init(_ driver: Driver, sharing other: VTPMUnderTest) {
        self.driver = driver
        self.temp = other.temp
        self.directory = other.directory
    }
}
