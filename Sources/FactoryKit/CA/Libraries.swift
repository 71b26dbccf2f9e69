// The one place each the errors of swift-certificates (with swift-asn1) and of swift-crypto become
// the factory's: `x509` and `crypto` run a library call and name what failed, keeping the
// library's own text as the detail. A FactoryError thrown inside passes through unchanged.
import LoBotCore

/// Runs swift-certificates or swift-asn1 calls; an error becomes `.certificate(what:detail:)`.
package func x509<T>(_ what: String, _ body: () throws(any Error) -> T) throws(FactoryError) -> T {
    do { return try body() } catch let error as FactoryError { throw error } catch {
        throw .certificate(what: what, detail: "\(error)")
    }
}

/// Runs swift-crypto calls; an error becomes `.crypto(what:detail:)`.
package func crypto<T>(_ what: String, _ body: () throws(any Error) -> T) throws(FactoryError) -> T {
    do { return try body() } catch let error as FactoryError { throw error } catch {
        throw .crypto(what: what, detail: "\(error)")
    }
}
