// Measurement logs a verifier replays: the vTPM's event log (in a boot result and the vTPM
// state), the platform firmware's TCG event log, and the crypto-agile log of a TPM 2.0 (the
// launch log LoBot hands a guest; a TPM 2.0 platform's firmware log), each replayed as a
// verifier does, every bank.
import LoBotCore

enum EventLogTarget {
    static let count = 4

    static func run(_ bytes: [UInt8]) {
        guard let input = Selected(bytes, count: count) else { return }
        let data = input.rest
        switch input.index {
        case 0:
            if let log = roundTrip(EventLog.self, data) {
                if let bank = attempt("replay", { () throws(LoBotError) in try log.replay() }) {
                    _ = attempt("composite") { () throws(LoBotError) in try bank.composite(try PCRSelection(Array(0..<24))) }
                }
            }
        case 1:
            if let log = roundTrip(FirmwareEventLog.self, data) {
                _ = attempt("firmware replay") { () throws(LoBotError) in try log.replay() }
            }
        case 2:
            if let event = roundTrip(Event.self, data) {
                _ = attempt("extend value") { () throws(LoBotError) in try event.extendValue() }
            }
        default:
            if let log = roundTrip(CryptoAgileEventLog.self, data) {
                for bank in log.banks {
                    guard attempt("agile replay", { () throws(LoBotError) in try log.replay(bank) }) != nil else {
                        violation("crypto-agile log: a bank its header names does not replay")
                    }
                }
            }
        }
    }
}
