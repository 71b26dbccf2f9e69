// The LoBot VM's disks: the bundle disk carries a LOBOTIN1 header and the boot bundle; domain
// disks are raw files measured as they stream, with O_DIRECT at the disk's speed, their lengths
// from the bundle's domain plan; the output disk takes one LOBOTOUT record (a BootOutput).
import LoBotCore

enum BootDisks {
    static let bundleSerial = "lobot-bundle"
    static let outputSerial = "lobot-out"

    static func readBundle() throws(LoBotError) -> BootBundle {
        guard let disk = BootSystem.disk(serial: bundleSerial) else { throw .notFound("boot bundle disk (serial \(bundleSerial))") }
        let fd = try FileDescriptor(opening: disk.path, .readOnly)
        let header = try VMDisk.InputHeader(bytes: try fd.readExactly(VMDisk.sector, what: "boot bundle disk"), diskSize: disk.size)
        guard header.length <= UInt64(64 << 20) else { throw .invalidArgument("boot bundle of \(header.length) bytes is too large") }
        return try BootBundle(bytes: try fd.readExactly(Int(header.length), what: "boot bundle disk"))
    }

    /// SHA-256 of the first `domain.length` bytes of a domain disk, streamed in 1 MiB O_DIRECT
    /// reads; refused when the disk is shorter or the digest differs from the one expected.
    static func measureDomain(_ domain: DomainPlan.Domain, disk: BootSystem.Disk) throws(LoBotError) -> DomainMeasurement {
        guard domain.length <= disk.size else {
            throw .invalidArgument("domain \(domain.name) is \(domain.length) bytes but its disk holds \(disk.size)")
        }
        let chunk = 1 << 20
        let fd = try openDirect(disk.path)
        let buffer = try AlignedBuffer(count: chunk, alignment: 4096)
        let hasher = try Hasher(.sha256)
        var offset: UInt64 = 0
        while offset < domain.length {
            let n = try fd.read(into: buffer.pointer, count: chunk, at: offset)
            guard n > 0 else { throw .invalidArgument("domain \(domain.name) ends before its stated length") }
            let used = Int(min(UInt64(n), domain.length - offset))
            try hasher.update(UnsafeRawPointer(buffer.pointer), count: used)
            offset += UInt64(n)
        }
        let digest = try hasher.finish()
        if let expected = domain.expected, expected != digest {
            throw .authentication(what: "domain \(domain.name) (its SHA-256 is not the one expected)")
        }
        return DomainMeasurement(name: domain.name, size: domain.length, sha256: digest)
    }

    /// The disk opened for O_DIRECT reads, or through the page cache when that open fails (a
    /// device without O_DIRECT support); the second open's error is the one reported.
    private static func openDirect(_ path: String) throws(LoBotError) -> FileDescriptor {
        do throws(LoBotError) {
            return try FileDescriptor(opening: path, .readOnlyDirect)
        } catch {
            return try FileDescriptor(opening: path, .readOnly)
        }
    }

    /// Writes the output record to the output disk and flushes it.
    static func writeOutput(_ output: BootOutput) throws(LoBotError) {
        guard let disk = BootSystem.disk(serial: outputSerial) else { throw .notFound("output disk (serial \(outputSerial))") }
        let record = VMDisk.outputRecord(output.bytes)
        guard UInt64(record.count) <= disk.size else { throw .invalidArgument("boot output larger than the output disk") }
        let fd = try FileDescriptor(opening: disk.path, .writeExisting)
        try fd.writeAll(record)
        try fd.sync()
    }
}
