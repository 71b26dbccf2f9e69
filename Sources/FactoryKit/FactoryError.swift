// The factory's one error type. Every case prints as one line; ArgumentParser exits non-zero.
import LoBotCore

package struct FactoryError: Error, CustomStringConvertible {
    package let description: String

    /// Control characters (from a message's names, or a library's error text) become "?".
    package init(_ description: String) { self.description = LoBotError.oneLine(description) }
    package init(_ error: LoBotError) { self.description = error.message }
}

/// Runs a core operation, turning its error into the factory's.
package func factoryCore<T>(_ body: () throws(LoBotError) -> T) throws(FactoryError) -> T {
    do throws(LoBotError) { return try body() } catch { throw FactoryError(error) }
}

/// Reads a whole input file with a size cap.
package func readInput(_ path: String, maximum: Int = 1 << 20) throws(FactoryError) -> [UInt8] {
    try factoryCore { () throws(LoBotError) in try Files.read(path, maximum: maximum) }
}
