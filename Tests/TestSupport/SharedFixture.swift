// A fixture built once per test run, on first use, for suites whose setup is expensive (real TPM
// platforms, an enrolled factory, a baked image). A failed build is retried by the next test
// rather than remembered, so each test reports the failure itself.
import Foundation

public final class SharedFixture<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?
    private let make: () throws -> Value

    public init(_ make: @escaping () throws -> Value) { self.make = make }

    public func get() throws -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let value { return value }
        let made = try make()
        value = made
        return made
    }
}
