// Makes the seed corpus from real bytes: the files a demo run (scripts/demo-migration) leaves --
// messages, journals, key blobs, quotes, golden records, certificates, state files -- each read
// with LoBot's own parsers and filed under every target and structure it belongs to, with the
// structures nested in them; and, for what only exists encrypted or in memory (vTPM state,
// sealed domain secrets, boot bundles, streams), the same made by LoBot's own code from those
// files, sealed under the fuzz key. Private keys, the TPM counter secret and the factory's
// database are never copied.
import FactoryKit
import Foundation
import LoBotCore
import LoBotPlatform
import X509

enum SeedHarvest {
    static func run(demo: String, corpus: String) -> Int32 {
        var harvest = Harvest()
        do {
            for root in demo.split(separator: ":").map(String.init) { try harvest.files(under: root) }
            // The messages of a provisioning onto a TPM 2.0 platform (their TPM 2.0 forms).
            try harvest.files(under: TPM2Target.lspFixtures)
            try harvest.made()
            TPMEmulatorTarget.seeds(into: &harvest.seeds)
            TPM2Target.seeds(into: &harvest.seeds)
            try harvest.seeds.write(to: corpus)
        } catch {
            report("lobot-fuzz: seed harvest failed: \(error)\n")
            return 1
        }
        return 0
    }
}

struct Harvest {
    var seeds = SeedSet()
    /// Parts kept for the made seeds.
    var journals: [SessionJournal] = []
    var stateFiles: [[UInt8]] = []
    var boundKeys: [[UInt8]] = []
    var keyBlobs: [(String, [UInt8])] = []
    var bootResults: [[UInt8]] = []
    var smallFiles: [[UInt8]] = []
    var aik: PubKey?
    var privacyCA: PubKey?
    var ekCertificate: [UInt8]?

    /// Files never read: private keys, the factory's database and audit chain, swtpm's state.
    static func skipped(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        return path.contains("/tpm/") || name.hasSuffix(".key") || name.hasPrefix("keys.sqlite") || name.hasPrefix("audit")
            || name.hasSuffix(".lock") || name.hasSuffix(".img") || name == "vmlinuz"
    }

    mutating func files(under root: String) throws {
        guard let walker = FileManager.default.enumerator(atPath: root) else { throw FactoryError.notFound("cannot read \(root)") }
        var paths: [String] = []
        while let relative = walker.nextObject() as? String { paths.append(relative) }
        for relative in paths.sorted() {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue, !Self.skipped(path),
                let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let size = attributes[.size] as? Int, size <= 64 << 10, size > 0,
                let data = FileManager.default.contents(atPath: path)
            else { continue }
            file(relative.replacingOccurrences(of: "/", with: "-"), [UInt8](data))
        }
    }

    /// Files one file under every structure it parses as.
    mutating func file(_ name: String, _ bytes: [UInt8]) {
        if let envelope = try? Envelope(bytes: bytes) {
            seeds.add(.envelope, nil, name, bytes)
            if envelope.wrappedKey == nil { body(envelope.type, name, envelope.body) }
        }
        if let journal = try? SessionJournal(bytes: bytes) {
            seeds.add(.messages, 8, name, bytes)
            journals.append(journal)
            open(journal.open, name)
        }
        if (try? DomainConfig(bytes: bytes)) != nil { seeds.add(.messages, 9, name, bytes) }
        if let blob = try? KeyBlob(bytes: bytes) {
            seeds.add(.tpm12, 6, name, bytes)
            seeds.add(.identity, 7, name, bytes)
            keyBlobs.append((name, bytes))
            pubKey(blob.publicKey, name + "-pubkey")
            if name.hasSuffix("aik.blob") { aik = blob.publicKey }
        }
        if let key = try? PubKey(bytes: bytes) {
            pubKey(key, name)
            if name.hasSuffix(".tpmpub") { privacyCA = key }
        }
        if let certified = try? CertifiedKey(bytes: bytes) { certifiedKey(certified, name) }
        if let quote = try? Quote(bytes: bytes) { self.quote(quote, name) }
        if let record = try? GoldenRecord(bytes: bytes) {
            seeds.add(.quote, 1, name, bytes)
            composite(record.values, name)
        }
        if (try? BankGoldenRecord(bytes: bytes)) != nil { seeds.add(.quote, 3, name, bytes) }
        if (try? CryptoAgileEventLog(bytes: bytes)) != nil { seeds.add(.eventlog, 3, name, bytes) }
        if (try? IdentityRequest(bytes: bytes)) != nil { seeds.add(.identity, 0, name, bytes) }
        if let answer = try? EnrollmentAnswer(bytes: bytes) {
            seeds.add(.identity, 6, name, bytes)
            if let attestation = try? SymCAAttestation(bytes: answer.symmetric) {
                seeds.add(.identity, 5, name + "-attestation", answer.symmetric)
                seeds.add(.tpm12, 7, name + "-algorithm", attestation.algorithm.bytes)
            }
        }
        if (try? StateFile(bytes: bytes)) != nil {
            seeds.add(.vtpm, 0, name, bytes)
            stateFiles.append(bytes)
        }
        if name.hasSuffix(".bound") { boundKeys.append(bytes) }
        if let counter = try? PlatformCounterFile(bytes: bytes),  // the TPM counter's secret stays out
            let clean = try? PlatformCounterFile(counterID: counter.counterID, secret: [UInt8](repeating: 0, count: 20))
        {
            seeds.add(.vtpm, 5, name, clean.bytes)
        }
        if (try? CounterFile(bytes: bytes)) != nil { seeds.add(.vtpm, 3, name, bytes) }
        if (try? ImageManifest(bytes: bytes)) != nil { seeds.add(.boot, 3, name, bytes) }
        if (try? BootResult(bytes: bytes)) != nil { bootResult(bytes, name) }
        if let certificate = try? X509Input.certificate(bytes) {
            seeds.add(.certificates, nil, name, bytes)
            if let pem = try? certificate.serializeAsPEM().pemString { seeds.add(.certificates, nil, name + ".pem", Array(pem.utf8)) }
            if name.hasSuffix("ek.der") { ekCertificate = bytes }
        }
        if bytes.count <= 4096 { smallFiles.append(bytes) }
    }

    /// A plain message body, under the structure its type carries.
    mutating func body(_ type: MessageType, _ name: String, _ body: [UInt8]) {
        switch type {
        case .open:
            seeds.add(.messages, 0, name, body)
            if let open = try? OpenBody(bytes: body) { self.open(open, name) }
        case .destinationKeys:
            seeds.add(.messages, 1, name, body)
            if let keys = try? DestinationKeysBody(bytes: body) {
                switch keys.keys {
                case .tpm12(let bind, let signing):
                    certifiedKey(bind, name + "-bind")
                    certifiedKey(signing, name + "-signing")
                case .tpm20(let bind, let signing, let ak):
                    seeds.add(.tpm2, 12, name + "-bind", bind.bytes)
                    seeds.add(.tpm2, 12, name + "-signing", signing.bytes)
                    seeds.add(.tpm2, 0, name + "-ak", TPM2BPublic(ak).bytes)
                }
                seeds.add(.certificates, nil, name + "-aik.der", keys.aikCertificate)
            }
        case .proceed:
            seeds.add(.messages, 2, name, body)
            if let proceed = try? ProceedBody(bytes: body) {
                platformKey(proceed.bindKey, name + "-bind")
                platformKey(proceed.signingKey, name + "-signing")
            }
        case .lobotReport: bootResult(body, name)
        case .verdict:
            seeds.add(.messages, 4, name, body)
            if let verdict = try? VerdictBody(bytes: body), let quote = verdict.vtpmQuote { self.quote(quote, name + "-vtpm") }
        case .domainReady, .domainRefused, .release, .launched, .launchFailed:
            seeds.add(.messages, 7, name, body)
        case .lobotPackage, .domainOffer:
            break  // always encrypted
        }
    }

    mutating func open(_ open: OpenBody, _ name: String) {
        seeds.add(.messages, 0, name + "-open", open.bytes)
        seeds.add(.messages, 9, name + "-domain", open.domain.bytes)
    }

    mutating func pubKey(_ key: PubKey, _ name: String) {
        seeds.add(.tpm12, 9, name, key.bytes)
        seeds.add(.identity, 7, name, key.bytes)
        seeds.add(.tpm12, 7, name + "-parms", key.algorithmParms.bytes)
        seeds.add(.tpm12, 8, name + "-rsa", key.algorithmParms.parms)
    }

    mutating func platformKey(_ key: PlatformPublicKey, _ name: String) {
        switch key {
        case .tpm12(let key): pubKey(key, name)
        case .tpm20(let key): seeds.add(.tpm2, 0, name, TPM2BPublic(key).bytes)
        }
    }

    mutating func certifiedKey(_ certified: CertifiedKey, _ name: String) {
        seeds.add(.tpm12, 12, name, certified.bytes)
        seeds.add(.tpm12, 11, name + "-info", certified.info)
        pubKey(certified.key, name + "-key")
    }

    mutating func quote(_ quote: Quote, _ name: String) {
        seeds.add(.quote, 0, name, quote.bytes)
        composite(quote.composite, name)
        guard let signed = try? quote.signedBytes() else { return }
        switch quote.form {
        case .quote: seeds.add(.tpm12, 0, name + "-info", signed)
        case .quote2:
            seeds.add(.tpm12, 1, name + "-info2", signed)
            if let info = try? QuoteInfo2(bytes: signed) { seeds.add(.tpm12, 5, name + "-short", info.infoShort.bytes) }
        }
    }

    mutating func composite(_ composite: PCRComposite, _ name: String) {
        seeds.add(.tpm12, 2, name + "-composite", composite.bytes)
        seeds.add(.tpm12, 3, name + "-selection", composite.selection.bytes)
    }

    mutating func bootResult(_ bytes: [UInt8], _ name: String) {
        guard let result = try? BootResult(bytes: bytes) else { return }
        seeds.add(.boot, 1, name, bytes)
        bootResults.append(bytes)
        switch result.platformQuote {
        case .tpm12(let quote)?: self.quote(quote, name + "-platform")
        case .tpm20(let file)?: seeds.add(.tpm2, 13, name + "-platform", file.bytes)
        case nil: break
        }
        if let quote = result.vtpmQuote { self.quote(quote, name + "-vtpm") }
        seeds.add(.eventlog, 0, name + "-vtpm-log", result.vtpmLog.bytes)
        for (i, event) in result.vtpmLog.events.enumerated() { seeds.add(.eventlog, 2, name + "-event\(i)", event.bytes) }
        if !result.firmwareLog.isEmpty { seeds.add(.eventlog, 1, name + "-firmware-log", result.firmwareLog) }
        var writer = ByteWriter()
        PackageFile.serialize(result.domains, into: &writer)
        seeds.add(.messages, 10, name + "-domains", writer.bytes)
    }
}
