// Measurement logs a verifier replays: the vTPM's event log (in a boot result and the vTPM
// state) and the platform firmware's TCG event log, each replayed as the factory does.
import LoBotCore

enum EventLogTarget {
    static let count = 3

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
        default:
            if let event = roundTrip(Event.self, data) {
                _ = attempt("extend value") { () throws(LoBotError) in try event.extendValue() }
            }
        }
    }
}
