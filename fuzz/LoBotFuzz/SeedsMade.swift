// The seeds that exist only encrypted or in memory in a real run, made by LoBot's own code from
// the harvested files: a vTPM booted with the host-mode measurements (its state, log, quotes and a
// sealed domain secret), state files, version tables and streams sealed under the fuzz key, a boot
// bundle as `lobot platform launch` packs one, the VM disks' header and output record, the
// privacy-CA structures that travel encrypted, TSS DER key files, PCR lists.
import FactoryKit
import Foundation
import LoBotCore
import LoBotPlatform

extension Harvest {
    mutating func made() throws {
        let key = try MasterKey(bytes: Fixtures.streamKey)
        let files = journals.max(by: { $0.files.count < $1.files.count })?.files ?? []

        // A vTPM that booted like a host-mode LoBot, with the aDom files of a real session.
        let vtpm = try VTPM.create()
        vtpm.startup()
        for event in try BootMeasurements.hostEvents(agent: try Digest.sha256(smallFiles.first ?? [])) {
            if case .measurement(let digest) = event.kind { _ = try vtpm.measure(pcr: event.pcr, sha256: digest, name: event.name) }
        }
        _ = try vtpm.extend(pcr: 6, digest: try SHA1Digest.of([]), name: "platform")
        for file in files { _ = try vtpm.measure(pcr: 8, sha256: file.sha256, name: file.name) }
        let state = vtpm.state.bytes
        seeds.add(.vtpm, 1, "made-vtpm-state", state)
        seeds.add(.eventlog, 0, "made-vtpm-log", vtpm.state.log.bytes)
        let sealedState = try StateFile.seal(state, kind: .vtpmState, id: vtpm.id, version: 3, key: key)
        seeds.add(.vtpm, 0, "made-vtpm.state", sealedState.bytes)
        let table = VersionTable(entries: [(vtpm.id, 3), (journals.first?.open.vtpmID.bytes ?? vtpm.id, VersionStore.retiredFlag | 2)])
        seeds.add(.vtpm, 4, "made-versions-table", table.bytes)
        seeds.add(.vtpm, 0, "made-versions", try StateFile.seal(table.bytes, kind: .versionStore, id: [UInt8](repeating: 0, count: 16), version: 9, key: key).bytes)
        seeds.add(.vtpm, 3, "made-counter", CounterFile(value: 3).bytes)
        seeds.add(.vtpm, 6, "made-msk", Fixtures.streamKey)

        // A guest's TPM as LoBot keeps it (the blobs of a real libtpms TPM 2.0, of the sizes the
        // captures show: the corpus holds no real TPM's secrets), its checkpoint in the LoBot's
        // state, its live file sealed under the fuzz key, and the reference qemu carries.
        let blobs = GuestTPMBlobs(family: .tpm20, permanent: try SecureRandom.bytes(1321), volatile: try SecureRandom.bytes(256))
        seeds.add(.vtpm, 7, "made-guest-tpm-state", blobs.bytes)
        let checkpoint = GuestTPMCheckpoint(epoch: 4, blobs: blobs)
        seeds.add(.vtpm, 8, "made-guest-tpm-checkpoint", checkpoint.bytes)
        var withGuest = vtpm.state
        withGuest.guestTPM = checkpoint
        seeds.add(.vtpm, 1, "made-vtpm-state-with-guest", withGuest.bytes)
        let live = GuestTPMLiveState(sequence: 2, blobs: GuestTPMBlobs(family: .tpm12, permanent: try SecureRandom.bytes(1191)))
        seeds.add(.vtpm, 9, "made-guest-tpm-live", live.bytes)
        seeds.add(.vtpm, 0, "made-guest-tpm.live", try StateFile.seal(live.bytes, kind: .guestTPMLive, id: vtpm.id, version: 4, key: key).bytes)
        seeds.add(.vtpm, 10, "made-guest-tpm-reference", GuestTPMReference(vtpmID: VTPMID(unchecked: vtpm.id), digest: try blobs.digest()).bytes)
        withGuest.wipeKeys()
        let nonce = try TPMNonce.random()
        for form in [Quote.Form.quote, .quote2] {
            quote(try vtpm.quote(selection: try PCRSelection(Array(0...8)), nonce: nonce, form: form), "made-vtpm-quote\(form.rawValue)")
        }

        // Step 11: the aDom's measurement sealed to the vTPM's PCRs 0-6.
        let secret = DomainSecret(confirmation: try SecureRandom.bytes(32), files: files)
        seeds.add(.messages, 6, "made-domain-secret", secret.bytes)
        let sealed = try vtpm.seal(secret.bytes, selection: try PCRSelection(Array(0...6)))
        seeds.add(.vtpm, 2, "made-sealed", sealed.bytes)
        seeds.add(.messages, 5, "made-domain-offer", DomainOfferBody(sealed: sealed).bytes)
        seeds.add(.tpm12, 4, "made-sealed-pcrinfo", sealed.pcrInfo.bytes)
        seeds.add(.tpm12, 10, "made-bound", BoundData(payloadData: Fixtures.streamKey).bytes)
        seeds.add(.tpm12, 13, "made-version", StructVersion.v1_1.bytes)
        seeds.add(.tpm12, 14, "made-digest", try SHA1Digest.of(state).bytes)
        if let stateFile = stateFiles.first {
            let package = LoBotPackageBody(state: stateFile, boundMasterKey: boundKeys.first ?? [])
            seeds.add(.messages, 3, "made-lobot-package", package.bytes)
        }

        // A boot bundle as `lobot platform launch` packs one, and the VM's disks.
        let plan = DomainPlan(domains: files.map { DomainPlan.Domain(name: $0.name, length: $0.size, expected: $0.sha256) })
        seeds.add(.boot, 2, "made-domain-plan", plan.bytes)
        var entries: [(name: String, data: [UInt8])] = keyBlobs.filter { !$0.0.hasSuffix("signing.blob") }.prefix(2).map {
            ("platform/" + ($0.0.split(separator: "-").last.map(String.init) ?? $0.0), $0.1)
        }
        entries.append(("vtpm/vtpm.state", sealedState.bytes))
        entries.append(("nonce/platform", try SecureRandom.bytes(20)))
        entries.append(("nonce/vtpm", try SecureRandom.bytes(20)))
        entries.append(("domains", plan.bytes))
        let bundle = BootBundle(entries: entries).bytes
        seeds.add(.boot, 0, "made-boot-bundle", bundle)
        let diskSize = UInt64((bundle.count + 1023) / 512 * 512)
        seeds.add(.boot, 4, "made-input-header", bigEndian(diskSize) + VMDisk.InputHeader(length: UInt64(bundle.count), name: "lobot-bundle").bytes)
        if let result = bootResults.first.flatMap({ try? BootResult(bytes: $0) }) {
            let output = BootOutput(result: result, files: BootBundle(entries: [("versions.pending", Array("LBVS".utf8) + [1, 0, 0, 0, 2])]))
            seeds.add(.boot, 5, "made-output-record", VMDisk.outputRecord(output.bytes) + [UInt8](repeating: 0, count: 16))
        }

        identity()
        try streams()
        for (i, list) in ["0-7,10", "0-15", "0-5,7", "8", "0-6", "16-23"].enumerated() { seeds.add(.quote, 2, "pcr-list\(i)", Array(list.utf8)) }
    }

    /// The privacy-CA structures that only travel encrypted, built from the platform's real keys.
    mutating func identity() {
        guard let aik, let privacyCA else { return }
        let label = Array("SP".utf8)
        let contents = IdentityContents(labelPrivCADigest: (try? SHA1Digest.of(label + privacyCA.bytes)) ?? .zero, identityPubKey: aik)
        seeds.add(.identity, 3, "made-identity-contents", contents.bytes)
        var proof = ByteWriter()
        StructVersion.v1_1.serialize(into: &proof)
        let credential = ekCertificate ?? []
        for size in [label.count, 256, credential.count, 0, 0] { proof.write(UInt32(size)) }
        aik.serialize(into: &proof)
        proof.write(label)
        proof.write([UInt8](repeating: 0x5a, count: 256))
        proof.write(credential)
        seeds.add(.identity, 2, "made-identity-proof", proof.bytes)
        let session = SymmetricKey(algorithm: .aes128, encScheme: Factory.cbcPKCS5, data: Array(Fixtures.streamKey.prefix(16)))
        seeds.add(.identity, 1, "made-session-key", session.bytes)
        seeds.add(.identity, 4, "made-asym-ca-contents", AsymCAContents(sessionKey: session, idDigest: (try? SHA1Digest.of(aik.bytes)) ?? .zero).bytes)
        // tpm_mkaik's DER file, as LoBot's libtspi writes it and as stock TrouSerS pads it.
        let blob = aik.bytes
        for padded in [false, true] {
            func integer(_ value: Int) -> [UInt8] {
                padded ? [0x02, 0x04, 0, 0, UInt8(value >> 8), UInt8(value & 0xff)]
                    : value < 0x80 ? [0x02, 0x01, UInt8(value)] : [0x02, 0x02, UInt8(value >> 8), UInt8(value & 0xff)]
            }
            func length(_ n: Int) -> [UInt8] { n < 0x80 ? [UInt8(n)] : n <= 0xff ? [0x81, UInt8(n)] : [0x82, UInt8(n >> 8), UInt8(n & 0xff)] }
            let inner = integer(1) + integer(2) + integer(blob.count) + [0x04] + length(blob.count) + blob
            seeds.add(.identity, 7, padded ? "made-aik-der-trousers" : "made-aik-der", [0x30] + length(inner.count) + inner)
        }
    }

    /// Small real files sealed as LoBot streams under the fuzz key.
    mutating func streams() throws {
        let inputs = [[]] + smallFiles.prefix(3).map { $0 }
        for (i, input) in inputs.enumerated() {
            let directory = NSTemporaryDirectory() + "lobot-fuzz-seed-\(getpid())"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let plain = directory + "/plain"
            let sealed = directory + "/sealed"
            try Data(input).write(to: URL(fileURLWithPath: plain))
            _ = try StreamFiles.seal(inputPath: plain, outputPath: sealed, key: Fixtures.streamKey, name: Fixtures.streamName)
            seeds.add(.stream, nil, "made-stream\(i)", [UInt8](try Data(contentsOf: URL(fileURLWithPath: sealed))))
        }
    }

    func bigEndian(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) } }
}
