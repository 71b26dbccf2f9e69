// The guest TPM's own structures: its state blobs, the checkpoint inside the LoBot's state, the
// live file between checkpoints, the reference a qemu migration stream carries, the launch
// measurements and their logs (TCG 1.2 and crypto-agile), and the bank golden record the factory
// predicts them into -- each against its layout, round-tripped, every truncation refused.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite struct GuestTPMStateTests {
    static let blobs = GuestTPMBlobs(family: .tpm20, permanent: [1, 2, 3], volatile: [4], saveState: [])

    @Test func blobsHaveTheirLayout() throws {
        let known = [2] + hexBytes("00000003 010203") + hexBytes("00000001 04") + hexBytes("00000000")
        try checkWireStructure(Self.blobs, known: known, fixedFieldOffsets: [0])
        // A guest TPM always has its permanent state; only TPM 1.2 and 2.0 exist.
        #expect(parseError(GuestTPMBlobs.self, [2] + hexBytes("00000000 00000000 00000000")) != nil)
        for family: UInt8 in [0, 3] { #expect(parseError(GuestTPMBlobs.self, [family] + Array(known.dropFirst())) != nil) }
        // A hostile length is refused before anything is allocated.
        guard case .parse(let failure)? = parseError(GuestTPMBlobs.self, [2] + hexBytes("7fffffff")),
            case .lengthTooLarge(let field, _, _) = failure.kind
        else {
            Issue.record("an oversized permanent state was not refused by its length")
            return
        }
        #expect(field == "permanentSize")
    }

    @Test func checkpointLiveStateAndReferenceHaveTheirLayouts() throws {
        let checkpoint = GuestTPMCheckpoint(epoch: 7, blobs: Self.blobs)
        try checkWireStructure(checkpoint, known: hexBytes("0000000000000007") + Self.blobs.bytes, fixedFieldOffsets: [8])
        let live = GuestTPMLiveState(sequence: 1, blobs: Self.blobs)
        try checkWireStructure(live, known: hexBytes("0000000000000001") + Self.blobs.bytes)
        // The first live write after a checkpoint is number 1.
        #expect(parseError(GuestTPMLiveState.self, hexBytes("0000000000000000") + Self.blobs.bytes) != nil)
        let reference = GuestTPMReference(vtpmID: VTPMID(unchecked: [UInt8](repeating: 0xaa, count: 16)), digest: [UInt8](repeating: 0xbb, count: 32))
        try checkWireStructure(reference, known: Array("LBGR".utf8) + [1] + reference.vtpmID.bytes + reference.digest,
                               fixedFieldOffsets: [0, 1, 2, 3, 4])
    }

    @Test func theLoBotStateCarriesItsGuestTPMCheckpoint() throws {
        var state = try VTPM.create().state
        #expect(state.guestTPM == nil)
        let without = state.bytes
        #expect(Array(without.suffix(4)) == [0, 0, 0, 0], "no guest TPM yet: an empty checkpoint")
        state.guestTPM = GuestTPMCheckpoint(epoch: 3, blobs: Self.blobs)
        let parsed = try VTPMState(bytes: state.bytes)
        #expect(parsed.guestTPM == state.guestTPM)
        #expect(parsed == state)
        #expect(state.bytes.count == without.count + GuestTPMCheckpoint(epoch: 3, blobs: Self.blobs).bytes.count)
        // A damaged checkpoint inside refuses the whole state.
        var bytes = state.bytes
        bytes[without.count + 8] = 9  // the checkpoint's family byte, after its epoch
        #expect(parseError(VTPMState.self, bytes) != nil)
    }

    @Test func aLiveFileOpensOnlyWithItsLoBotAndItsEpoch() throws {
        let dir = try TemporaryDirectory()
        let id = [UInt8](repeating: 1, count: 16)
        let msk = try MasterKey.generate()
        let file = GuestTPMLiveFile(path: dir.path + "/guest-tpm.live", vtpmID: id)
        #expect(try file.read(epoch: 4, msk: msk) == nil)
        let live = GuestTPMLiveState(sequence: 2, blobs: Self.blobs)
        try file.write(live, epoch: 4, msk: msk)
        #expect(try file.read(epoch: 4, msk: msk) == live)
        var info = stat()
        #expect(stat(file.path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(!bytesContain(try Array(Data(contentsOf: URL(fileURLWithPath: file.path))), [1, 2, 3, 0, 0, 0, 1, 4]), "the state is in clear")
        // Another LoBot's MSK, or another LoBot's file, does not open.
        #expect(throws: LoBotError.self) { try file.read(epoch: 4, msk: try MasterKey.generate()) }
        #expect(throws: LoBotError.self) { try GuestTPMLiveFile(path: file.path, vtpmID: [UInt8](repeating: 2, count: 16)).read(epoch: 4, msk: msk) }
        // Any changed byte is refused.
        let good = try Array(Data(contentsOf: URL(fileURLWithPath: file.path)))
        for offset in stride(from: 0, to: good.count, by: 7) {
            var bad = good
            bad[offset] ^= 0x20
            try Data(bad).write(to: URL(fileURLWithPath: file.path))
            #expect(throws: LoBotError.self, "a flip at byte \(offset) was accepted") { try file.read(epoch: 4, msk: msk) }
        }
        try Data(good).write(to: URL(fileURLWithPath: file.path))
        // A checkpoint of a later epoch makes it stale: it is not read, and goes.
        #expect(try file.read(epoch: 5, msk: msk) == nil)
        #expect(!FileManager.default.fileExists(atPath: file.path))
        // A live file of an epoch the checkpoint has not reached is refused as a rollback of the checkpoint.
        try file.write(live, epoch: 9, msk: msk)
        guard case .rollback? = { () -> LoBotError? in
            do throws(LoBotError) { _ = try file.read(epoch: 8, msk: msk); return nil } catch { return error }
        }() else {
            Issue.record("a live file ahead of its checkpoint was not refused as a rollback")
            return
        }
    }

    @Test func launchEventsMeasureAnotherBankWhenAskedAndRefuseAFileChangedMeanwhile() throws {
        let dir = try TemporaryDirectory()
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: dir.path + "/k"))
        try Data([4, 5]).write(to: URL(fileURLWithPath: dir.path + "/i"))
        let config = DomainConfig(name: "d", memoryMiB: 128, kernel: dir.path + "/k", initrd: dir.path + "/i", commandLine: "console=ttyS0",
                                  disk: .none, tpm: .tpm20)
        let launch = try LaunchEvents(config: config, banks: [.sha1, .sha256])
        #expect(launch.events[0].digests.map(\.algorithm) == [.sha1, .sha256])
        // Banks held: nothing read again.
        #expect(try launch.events(banks: [.sha256]) == launch.events)
        // A bank not held: all measured again, and the same as measured from scratch.
        let wider = try launch.events(banks: [.sha1, .sha256, .sha384])
        #expect(wider == (try LaunchMeasurement.events(config: config, banks: [.sha1, .sha256, .sha384])))
        // The kernel changed after the first measurement: the next bank asked for is refused.
        let again = try LaunchEvents(config: config, banks: [.sha1])
        try Data([9, 9, 9]).write(to: URL(fileURLWithPath: dir.path + "/k"))
        #expect(throws: LoBotError.self) { try again.events(banks: [.sha1, .sha512]) }
        // Events given whole never measure: a missing bank stays missing.
        let given = Array(wider.prefix(1))
        #expect(try LaunchEvents(given).events(banks: [.sha512]) == given)
    }

    @Test func launchMeasurementsPredictWhatTheirLogsReplay() throws {
        let config = DomainConfig(name: "d", memoryMiB: 128, kernel: "/boot/k", initrd: "/boot/i", commandLine: "console=ttyS0",
                                  disk: .shared, sharedPath: "/srv/d.img", tpm: .tpm20)
        let banks: [DigestAlgorithm] = [.sha1, .sha256, .sha384]
        let kernel = try banks.map { (bank) throws(LoBotError) in try Digest.hash(bank, [1]) }
        let initrd = try banks.map { (bank) throws(LoBotError) in try Digest.hash(bank, [2]) }
        let events = try LaunchMeasurement.events(config: config, kernel: kernel, initrd: initrd, banks: banks)
        #expect(events.map(\.pcr) == [9, 9, 8, 8])
        #expect(events[2].data == Array("kernel_cmdline: console=ttyS0".utf8))
        #expect(events[3].data == Array("lobot_disk: shared /srv/d.img".utf8))
        // PCR 8 of SHA-256, composed by hand: extend(extend(0, H(cmdline event)), H(disk event)).
        let zero = [UInt8](repeating: 0, count: 32)
        let once = try Digest.sha256(zero + (try Digest.sha256(Array("kernel_cmdline: console=ttyS0".utf8))))
        let twice = try Digest.sha256(once + (try Digest.sha256(Array("lobot_disk: shared /srv/d.img".utf8))))
        let sha256 = try LaunchMeasurement.predict(events, bank: .sha256)
        #expect(sha256.map(\.pcr) == [8, 9])
        #expect(sha256[0].value == twice)
        // The crypto-agile log replays to the prediction in every bank, and reads back as itself.
        let log = LaunchMeasurement.agileLog(events, banks: banks)
        let parsed = try CryptoAgileEventLog(bytes: log.bytes)
        #expect(parsed == log)
        for bank in banks {
            let replayed = try parsed.replay(bank)
            for predicted in try LaunchMeasurement.predict(events, bank: bank) { #expect(replayed[predicted.pcr] == predicted.value) }
        }
        // The TCG 1.2 log of the SHA-1 digests replays to the SHA-1 prediction.
        let sha1 = try LaunchMeasurement.sha1Log(events).replay()
        for predicted in try LaunchMeasurement.predict(events, bank: .sha1) { #expect(sha1[predicted.pcr].value == predicted.value) }
    }

    @Test func theCryptoAgileLogHasItsLayout() throws {
        let digest1 = [UInt8](repeating: 0x11, count: 20)
        let digest256 = [UInt8](repeating: 0x22, count: 32)
        let log = CryptoAgileEventLog(banks: [.sha1, .sha256], events: [
            AgileEvent(pcr: 8, type: 0x0D, digests: [(.sha1, digest1), (.sha256, digest256)], data: Array("ab".utf8)),
        ])
        let specID = Array("Spec ID Event03".utf8) + [0] + hexBytes("00000000") + [0, 2, 0, 2] + hexBytes("02000000")
            + hexBytes("0400 1400") + hexBytes("0b00 2000") + [0]
        let known = hexBytes("00000000 03000000") + [UInt8](repeating: 0, count: 20) + [UInt8(specID.count), 0, 0, 0] + specID
            + hexBytes("08000000 0d000000 02000000") + hexBytes("0400") + digest1 + hexBytes("0b00") + digest256
            + hexBytes("02000000") + Array("ab".utf8)
        // A log runs to its end: cut at the header's end it is a log of no events; cut anywhere
        // else, or given a byte more, it is refused.
        let headerLength = 32 + specID.count
        try checkWireStructure(log, known: known, fixedFieldOffsets: [4, 32, 48, 49], openEndedAfter: headerLength)
        #expect(try CryptoAgileEventLog(bytes: Array(known.prefix(headerLength))).events.isEmpty)
        for length in headerLength + 1..<known.count { #expect(parseError(CryptoAgileEventLog.self, Array(known.prefix(length))) != nil) }
        #expect(parseError(CryptoAgileEventLog.self, known + [0]) != nil)
        // An event whose digests do not match the header's banks is refused.
        var bad = known
        bad[known.count - 2 - 4 - 32 - 2] = 0x0c  // SHA-256 named as SHA-384
        #expect(parseError(CryptoAgileEventLog.self, bad) != nil)
    }

    @Test func bankGoldenRecordsHaveTheirLayoutAndSignature() throws {
        let record = BankGoldenRecord(name: "launch-d", banks: [
            BankValues(bank: .sha256, pcrs: [(8, [UInt8](repeating: 8, count: 32)), (9, [UInt8](repeating: 9, count: 32))]),
        ], signature: [0xee])
        let known = Array("LBGB".utf8) + [1, 8] + Array("launch-d".utf8) + [1] + hexBytes("000b") + [2]
            + [8] + [UInt8](repeating: 8, count: 32) + [9] + [UInt8](repeating: 9, count: 32) + hexBytes("0001 ee")
        try checkWireStructure(record, known: known, fixedFieldOffsets: [0, 1, 2, 3, 4])
        // PCRs in ascending order, once each.
        var unsorted = record
        unsorted.banks[0].pcrs.reverse()
        #expect(parseError(BankGoldenRecord.self, unsorted.bytes) != nil)
        let key = try RSAPrivateKey.generate(bits: 2048)
        var signed = record
        try signed.sign(with: key)
        try signed.verifySignature(try key.publicKey())
        signed.banks[0].pcrs[0].value[0] ^= 1
        #expect(throws: LoBotError.self) { try signed.verifySignature(try key.publicKey()) }
    }
}
