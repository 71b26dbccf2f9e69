// The one place GRDB's errors become the factory's: `sql` runs GRDB calls and maps a
// DatabaseError to `FactoryError.database` (a FactoryError thrown inside, from a decision's body,
// passes through unchanged). `KeyDatabase.read` and `write` are GRDB's transactions with typed throws.
import GRDB

/// Runs `body` (GRDB calls), mapping what it throws to a FactoryError.
package func sql<T>(_ body: () throws(any Error) -> T) throws(FactoryError) -> T {
    do { return try body() } catch { throw FactoryError(grdb: error) }
}

extension FactoryError {
    /// A GRDB error as the factory's: SQLite's extended result code and message.
    package init(grdb error: any Error) {
        if let error = error as? FactoryError {
            self = error
        } else if let error = error as? DatabaseError {
            self = .database(code: error.extendedResultCode.rawValue, message: error.message ?? "\(error.resultCode)")
        } else {
            self = .database(code: -1, message: "\(error)")
        }
    }
}

extension KeyDatabase {
    /// One write transaction: committed if `body` returns, rolled back if it throws.
    package func write<T>(_ body: (Database) throws(FactoryError) -> T) throws(FactoryError) -> T {
        try sql { () throws(any Error) in try queue.write { db in try body(db) } }
    }

    /// One read transaction.
    package func read<T>(_ body: (Database) throws(FactoryError) -> T) throws(FactoryError) -> T {
        try sql { () throws(any Error) in try queue.read { db in try body(db) } }
    }
}
