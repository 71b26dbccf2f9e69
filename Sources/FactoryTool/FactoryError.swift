// The factory's one error type. Every case prints as one line; ArgumentParser exits non-zero.
import LoBotCore

struct FactoryError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
    init(_ error: LoBotError) { self.description = error.message }
}

/// Runs a core operation, turning its error into the factory's.
func factoryCore<T>(_ body: () throws(LoBotError) -> T) throws(FactoryError) -> T {
    do throws(LoBotError) { return try body() } catch { throw FactoryError(error) }
}

/// Reads a whole input file with a size cap.
func readInput(_ path: String, maximum: Int = 1 << 20) throws(FactoryError) -> [UInt8] {
    try factoryCore { () throws(LoBotError) in try Files.read(path, maximum: maximum) }
}
