// qemu's TPM emulator protocol, as a LoBot TPM server reads and writes it: control requests as
// the framing helper delimits them (its verdict must agree with the parser's on every input),
// the control responses, and TPM messages on the data channel (header checked against the
// message's length; TPM_Startup recognised). Seeds: the frames captured between qemu 7.2 and
// swtpm 0.7.1 (Tests/LoBotCoreTests/Fixtures/tpm-emulator).
import Foundation
import LoBotCore

enum TPMEmulatorTarget {
    static let count = 10

    static func run(_ bytes: [UInt8]) {
        guard let input = Selected(bytes, count: count) else { return }
        let data = input.rest
        switch input.index {
        case 0: request(data)
        case 1: roundTrip(ResultResponse.self, data)
        case 2:
            if let caps = roundTrip(CapabilityResponse.self, data), caps.qemuValue & 0xffff_ffff != UInt64(caps.capabilities.rawValue) {
                violation("ptm_cap_n: qemu's 64-bit value does not end in the capabilities")
            }
        case 3: roundTrip(EstablishedResponse.self, data)
        case 4: roundTrip(BufferSizeResponse.self, data)
        case 5:
            if let blob = roundTrip(GetStateBlobResponse.self, data), blob.result != .success && !blob.blob.isEmpty {
                violation("ptm_getstate response: a blob after an error result")
            }
        case 6: roundTrip(GetConfigResponse.self, data)
        case 7: roundTrip(GetInfoResponse.self, data)
        case 8: message(data)
        default:
            if let startup = roundTrip(TPMStartupCommand.self, data) {
                guard let header = attempt("startup header", { () throws(LoBotError) in try TPMMessageHeader(of: data) }),
                    header.tag.family == startup.family
                else { violation("TPM_Startup: accepted, but its header is not one of its family") }
            }
        }
    }

    /// A control request: the framing's verdict on the bytes and the parser's agree.
    static func request(_ data: [UInt8]) {
        let need: Int
        do throws(LoBotError) {
            need = try ControlFraming.requestLength(data)
        } catch {
            guard case .parse(let failure) = error, case .lengthTooLarge = failure.kind else {
                violation("framing refused with something other than a length cap: \(error.message)")
            }
            if roundTrip(ControlRequest.self, data) != nil { violation("framing refused a length the parser accepted") }
            return
        }
        guard need > 0, need <= ControlFraming.commandSize + 16 + TPMEmulatorLimits.maxStateBlob else {
            violation("framing asked for \(need) bytes")
        }
        let whole = roundTrip(ControlRequest.self, data)
        if need == data.count {
            guard whole != nil else { violation("framing said complete at \(need) bytes, the parser refused them") }
        } else if whole != nil {
            violation("the parser accepted \(data.count) bytes, framing wanted \(need)")
        }
        if need < data.count {
            // The request framing delimits parses, and the framing never shrinks as bytes arrive.
            let first = Array(data.prefix(need))
            if roundTrip(ControlRequest.self, first) == nil { violation("framing delimited \(need) bytes the parser refused") }
            for length in 0..<min(need, 32) {
                guard let asked = attempt("framing", { () throws(LoBotError) in try ControlFraming.requestLength(Array(data.prefix(length))) }),
                    asked > length, asked <= need
                else { violation("framing of a \(length)-byte prefix disagrees with its answer for \(need)") }
            }
        }
    }

    /// A TPM message as it arrives on the data channel.
    static func message(_ data: [UInt8]) {
        if data.count >= TPMMessageHeader.headerSize { roundTrip(TPMMessageHeader.self, Array(data.prefix(TPMMessageHeader.headerSize))) }
        guard let header = attempt("TPM message", { () throws(LoBotError) in try TPMMessageHeader(of: data) }) else { return }
        guard Int(header.size) == data.count, header.bytes == Array(data.prefix(TPMMessageHeader.headerSize)) else {
            violation("TPM message header accepted for a message it does not describe")
        }
        if let family = header.tag.family, TPMMessageHeader.failureResponse(family).tag.family != family {
            violation("the failure response of a family is not of that family")
        }
    }

    /// The seeds: each captured frame under the selector that reads it.
    static func seeds(into seeds: inout SeedSet) {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tests/LoBotCoreTests/Fixtures/tpm-emulator").path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names.sorted() where name.hasSuffix(".bin") {
            guard let data = FileManager.default.contents(atPath: directory + "/" + name) else { continue }
            let stem = String(name.dropLast(4))
            for selector in selectors(stem) { seeds.add(.tpmemulator, selector, stem, Array(data)) }
        }
    }

    /// The selectors a fixture is read under, by its name (NOTES.md of the fixtures).
    static func selectors(_ name: String) -> [Int] {
        if name.hasPrefix("req-") { return [0] }
        if name.hasPrefix("rsp-capability") { return [2] }
        if name.hasPrefix("rsp-established") { return [3] }
        if name.hasPrefix("rsp-buffersize") { return [4] }
        if name.hasPrefix("rsp-get-stateblob") { return [5] }
        if name.hasPrefix("rsp-get-config") { return [6] }
        if name.hasPrefix("rsp-get-info") { return [7] }
        if name.hasPrefix("rsp-") { return [1] }
        if name.hasPrefix("tpm-cmd-startup") { return [8, 9] }
        if name.hasPrefix("tpm-") { return [8] }
        return []
    }
}
