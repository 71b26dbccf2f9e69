// What crosses into and out of a LoBot VM: the boot bundle and the files in it (domain plan,
// image manifest), the raw disks' header and output record with the boot output in it (the
// result and the files a migration step hands back), and the boot result the factory decides
// on, with the quotes and logs inside it.
import LoBotCore

enum BootTarget {
    static let count = 6

    static func run(_ bytes: [UInt8]) {
        guard let input = Selected(bytes, count: count) else { return }
        let data = input.rest
        switch input.index {
        case 0:
            if let bundle = roundTrip(BootBundle.self, data) {
                for entry in bundle.entries {
                    guard (try? bundle.file(entry.name)) != nil, bundle.contains(entry.name) else { violation("boot bundle: entry \(entry.name) not found") }
                }
                if let plan = try? bundle.file("domains") { roundTrip(DomainPlan.self, plan) }
            }
        case 1: result(data)
        case 2: roundTrip(DomainPlan.self, data)
        case 3: roundTrip(ImageManifest.self, data)
        case 4: inputHeader(data)
        default:
            guard let payload = attempt("output record", { () throws(LoBotError) in try VMDisk.parseOutputRecord(data) }) else { return }
            let record = VMDisk.outputRecord(payload)
            guard data.count >= record.count, Array(data.prefix(record.count)) == record else {
                violation("output record: payload does not write back as the disk's head")
            }
            // What the host does with it (VMLauncher): a boot output, whose result it then judges.
            if let output = roundTrip(BootOutput.self, payload) { result(output.result.bytes) }
        }
    }

    /// A boot result, and the logs in it as the factory reads them.
    static func result(_ data: [UInt8]) {
        guard let result = roundTrip(BootResult.self, data) else { return }
        if !result.firmwareLog.isEmpty { roundTrip(FirmwareEventLog.self, result.firmwareLog) }
        _ = attempt("replay") { () throws(LoBotError) in try result.vtpmLog.replay() }
    }

    /// UINT64 diskSize, then the 512-byte header as read from a disk of that size.
    static func inputHeader(_ data: [UInt8]) {
        guard data.count >= 8 else { return }
        var size: UInt64 = 0
        for byte in data.prefix(8) { size = size << 8 | UInt64(byte) }
        let sector = Array(data.dropFirst(8))
        guard let header = attempt("input header", { () throws(LoBotError) in try VMDisk.InputHeader(bytes: sector, diskSize: size) }) else { return }
        let written = header.bytes
        guard written.count == VMDisk.sector else { violation("input header: \(written.count) bytes written") }
        guard let again = attempt("input header", { () throws(LoBotError) in try VMDisk.InputHeader(bytes: written, diskSize: size) }) else {
            violation("input header: its own serialization is refused")
        }
        guard again == header else { violation("input header: re-parse gives another header (name \"\(header.name)\")") }
    }
}
