// The tampered copies of one protocol message (an LBMS envelope, see
// Sources/LoBotCore/Protocol/Envelope.swift for the layout): bit and byte flips field by field,
// truncations, extensions, fields swapped, and fields replaced by what another party or another
// message would put there.

enum EnvelopeLayout {
    /// The envelope's fields with their byte ranges; nil when `bytes` is not an envelope.
    static func fields(_ bytes: [UInt8]) -> [Field]? {
        var fields: [Field] = []
        var at = 0
        func take(_ name: String, _ count: Int) -> Bool {
            guard count >= 0, at + count <= bytes.count else { return false }
            fields.append(Field(name: name, range: at..<at + count))
            at += count
            return true
        }
        func big(_ range: Range<Int>) -> Int { range.reduce(0) { $0 << 8 | Int(bytes[$1]) } }
        guard take("magic", 4), take("version", 1), take("type", 1), take("session", 16), take("senderLength", 1),
            take("sender", Int(bytes[at - 1])), at < bytes.count, take("receiverLength", 1), take("receiver", Int(bytes[at - 1])),
            take("nonce", 20), take("encrypted", 1)
        else { return nil }
        let encrypted = bytes[at - 1] == 1
        if encrypted {
            guard take("wrappedLength", 2) else { return nil }
            guard take("wrappedKey", big(fields.last!.range)), take("iv", 12) else { return nil }
        }
        guard take("bodyLength", 4) else { return nil }
        guard take("body", big(fields.last!.range)) else { return nil }
        if encrypted { guard take("tag", 16) else { return nil } }
        guard take("signatureLength", 2) else { return nil }
        guard take("signature", big(fields.last!.range)), at == bytes.count else { return nil }
        return fields
    }

    /// The bytes that steer parsing: every bit of these is flipped even in CI.
    static let structural: Set<String> = ["magic", "version", "type", "senderLength", "receiverLength", "encrypted",
                                          "wrappedLength", "bodyLength", "signatureLength"]
    static let blocks: Set<String> = ["wrappedKey", "signature"]
}

enum MessageMutations {
    /// Every tampered copy of `bytes` for this budget, and a line per region saying how it was covered.
    static func make(_ bytes: [UInt8], budget: Budget, parties: [String]) -> (mutations: [Mutation], coverage: [String]) {
        guard let fields = EnvelopeLayout.fields(bytes) else { return ([], ["not an envelope"]) }
        var out: [Mutation] = []
        var coverage: [String] = []
        let byName = Dictionary(fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var bitBytes = 0
        var flipped: [Int] = []
        for field in fields {
            if field.name == "body" {
                out += Mutations.byteFlips(budget.positions(field.range, limit: budget.bodyBytes), fields: fields)
                coverage.append("body (\(field.range.count) bytes): \(budget.describe(field.range.count, limit: budget.bodyBytes)) inverted")
            } else if EnvelopeLayout.blocks.contains(field.name) {
                out += Mutations.byteFlips(budget.positions(field.range, limit: budget.blockBytes), fields: fields)
                coverage.append("\(field.name) (\(field.range.count) bytes): \(budget.describe(field.range.count, limit: budget.blockBytes)) inverted")
            } else if budget.everyBit(field.name) {
                out += Mutations.everyBit(field.range, fields: fields)
                bitBytes += field.range.count
            } else {
                flipped += Array(field.range)
            }
        }
        let chosen = budget.positions(0..<flipped.count, limit: budget.headerBytes).map { flipped[$0] }
        out += Mutations.byteFlips(chosen, fields: fields)
        coverage.insert("header: every bit of \(bitBytes) bytes (\(budget.bitFields.map { $0.sorted().joined(separator: ", ") } ?? "all fields")); "
                        + "of the other \(flipped.count) (lengths, session, names, nonce, iv, tag), "
                        + "\(budget.describe(flipped.count, limit: budget.headerBytes)) inverted", at: 0)
        out += Mutations.truncations(budget.truncationLengths(fields, size: bytes.count), fields: fields)
        coverage.append(budget.describeTruncations(size: bytes.count))
        out += Mutations.extensions(size: bytes.count)

        // Fields swapped.
        if let sender = byName["sender"], let senderLength = byName["senderLength"], let receiver = byName["receiver"],
            let receiverLength = byName["receiverLength"]
        {
            out.append(Mutations.swap(Field(name: "sender", range: senderLength.range.lowerBound..<sender.range.upperBound),
                                      Field(name: "receiver", range: receiverLength.range.lowerBound..<receiver.range.upperBound), size: bytes.count))
        }
        let bodyField = Field(name: "body", range: byName["bodyLength"]!.range.lowerBound..<byName["body"]!.range.upperBound)
        let signatureField = Field(name: "signature", range: byName["signatureLength"]!.range.lowerBound..<bytes.count)
        if let tag = byName["tag"] {
            out.append(Mutations.swap(bodyField, tag, size: bytes.count))
            out.append(Mutations.swap(tag, signatureField, size: bytes.count))
            if let wrapped = byName["wrappedKey"], let length = byName["wrappedLength"], let iv = byName["iv"] {
                out.append(Mutations.swap(Field(name: "wrappedKey", range: length.range.lowerBound..<wrapped.range.upperBound), iv,
                                          size: bytes.count))
            }
        } else {
            out.append(Mutations.swap(bodyField, signatureField, size: bytes.count))
        }
        if let session = byName["session"], let nonce = byName["nonce"] {
            // The session id and the first 16 bytes of the nonce exchanged (same width).
            let head = Field(name: "nonce", range: nonce.range.lowerBound..<nonce.range.lowerBound + 16)
            out.append(Mutation(kind: .reorder, label: "session and nonce[0..16] swapped",
                                edit: .splice([.original(0..<session.range.lowerBound), .original(head.range),
                                               .original(session.range.upperBound..<head.range.lowerBound), .original(session.range),
                                               .original(head.range.upperBound..<bytes.count)])))
        }

        // Fields replaced by what another party, type or session would put there.
        let type = byName["type"]!.range.lowerBound
        let values = budget.allSubstitutions ? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 255] : [0, (Int(bytes[type]) % 12) + 1, 255]
        for value in values where value != Int(bytes[type]) {
            out.append(Mutation(kind: .substitution, label: "type set to \(value)",
                                edit: .patch([(offset: type, mask: bytes[type] ^ UInt8(value))])))
        }
        for (nameField, lengthField) in [("sender", "senderLength"), ("receiver", "receiverLength")] {
            let range = byName[lengthField]!.range.lowerBound..<byName[nameField]!.range.upperBound
            let current = String(decoding: bytes[byName[nameField]!.range], as: UTF8.self)
            let names = budget.allSubstitutions ? parties + ["S\nP", "", String(repeating: "x", count: 64)] : parties.filter { $0 != current }.prefix(1) + ["S\nP"]
            for name in names where name != current {
                let utf8 = Array(name.utf8)
                out.append(Mutation(kind: .substitution, label: "\(nameField) set to \(name.debugDescription)",
                                    edit: .splice([.original(0..<range.lowerBound), .bytes([UInt8(utf8.count)] + utf8),
                                                   .original(range.upperBound..<bytes.count)])))
            }
        }
        for name in ["session", "nonce"] {
            let range = byName[name]!.range
            out.append(Mutation(kind: .substitution, label: "\(name) all zeros",
                                edit: .splice([.original(0..<range.lowerBound), .bytes([UInt8](repeating: 0, count: range.count)),
                                               .original(range.upperBound..<bytes.count)])))
        }
        let flag = byName["encrypted"]!.range.lowerBound
        out.append(Mutation(kind: .substitution, label: "encrypted flag xor 2",
                            edit: .patch([(offset: flag, mask: UInt8(2))])))
        coverage.append("extension: 4 ways; reorder: adjacent fields swapped; substitution: type, sender, receiver, session, nonce replaced"
                        + (budget.allSubstitutions ? " (every type value, every party's name)" : " (a few values each)"))
        return (out, coverage)
    }

    /// `bytes` with its header (everything before the body length) and the rest of `other`: a
    /// genuine header over another message's genuine body and signature.
    static func transplant(header bytes: [UInt8], onto other: [UInt8], label: String) -> Mutation? {
        guard let mine = EnvelopeLayout.fields(bytes), let theirs = EnvelopeLayout.fields(other),
            let headerEnd = mine.first(where: { $0.name == "bodyLength" })?.range.lowerBound,
            let otherStart = theirs.first(where: { $0.name == "bodyLength" })?.range.lowerBound
        else { return nil }
        return Mutation(kind: .substitution, label: "body and signature of \(label)",
                        edit: .replace(Array(bytes[0..<headerEnd]) + Array(other[otherStart...])))
    }
}
