// Envelopes as a platform or the factory reads a message file: the envelope, its signature check
// and session check, then the body by the envelope's type, as the receiver of that type parses it.
import LoBotCore

enum EnvelopeTarget {
    static func run(_ bytes: [UInt8]) {
        guard let envelope = roundTrip(Envelope.self, bytes) else { return }
        _ = attempt("verify") { () throws(LoBotError) in try envelope.verify(sender: Fixtures.signer) }
        let session = SessionID(unchecked: [UInt8](repeating: 0, count: 16))
        let nonce = TPMNonce(unchecked: [UInt8](repeating: 0, count: 20))
        _ = attempt("expect") { () throws(LoBotError) in
            try envelope.expect(oneOf: [.domainReady, .domainRefused], session: session, nonce: nonce, from: "SP", to: "DP")
        }
        // Encrypted bodies: the unbind fails as a foreign TPM's would; a plain one is read as is.
        guard let body = attempt("openBody", { () throws(LoBotError) in
            try envelope.openBody { (_) throws(LoBotError) -> [UInt8] in throw .authentication(what: "bound key") }
        }) else { return }
        parseBody(of: envelope.type, body)
    }

    /// The body as its receiver parses it.
    static func parseBody(of type: MessageType, _ body: [UInt8]) {
        switch type {
        case .open:
            roundTrip(OpenBody.self, body)
        case .destinationKeys:
            if let keys = roundTrip(DestinationKeysBody.self, body) {
                let nonce = TPMNonce(unchecked: [UInt8](repeating: 0, count: 20))
                _ = attempt("destination keys") { () throws(LoBotError) in try keys.verify(factory: Fixtures.signer, nonce: nonce) }
            }
        case .proceed:
            roundTrip(ProceedBody.self, body)
        case .lobotPackage:
            if let package = roundTrip(LoBotPackageBody.self, body) { roundTrip(StateFile.self, package.state) }
        case .lobotReport:
            BootTarget.result(body)
        case .verdict:
            roundTrip(VerdictBody.self, body)
        case .domainOffer:
            roundTrip(DomainOfferBody.self, body)
        case .domainReady, .domainRefused, .release, .launched, .launchFailed:
            if let value = roundTrip(BytesBody.self, body) { _ = value.text }
        }
    }
}
