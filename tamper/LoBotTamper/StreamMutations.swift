// The tampered copies of a sealed stream (memory.lbst, disk.lbst: the LBST layout of
// Sources/LoBotCore/Crypto/StreamCipher.swift). Flipping every byte of a 30 MB stream is out of
// reach, so the framing is what is flipped -- the header, the chunks' length fields and tags --
// with a spread of bytes inside the chunks, and the chunks are cut, dropped, repeated and
// reordered.

struct StreamLayout {
    let size: Int
    /// Each chunk: its length field, ciphertext and tag ranges.
    let chunks: [(length: Range<Int>, ciphertext: Range<Int>, tag: Range<Int>)]

    static let headerSize = 13

    /// Reads the framing from the file at `path`; nil when it is not a sealed stream.
    init?(path: String) {
        guard let handle = RawFile(path: path) else { return nil }
        size = handle.size
        var chunks: [(Range<Int>, Range<Int>, Range<Int>)] = []
        var at = Self.headerSize
        while at < size {
            guard at + 4 <= size, let field = handle.read(at: at, count: 4) else { return nil }
            let length = field.reduce(0) { $0 << 8 | Int($1) }
            let end = at + 4 + length + 16
            guard end <= size else { return nil }
            chunks.append((at..<at + 4, at + 4..<at + 4 + length, at + 4 + length..<end))
            at = end
        }
        self.chunks = chunks
    }

    var fields: [Field] {
        [Field(name: "magic", range: 0..<4), Field(name: "version", range: 4..<5), Field(name: "prefix", range: 5..<13)]
            + chunks.enumerated().flatMap { index, chunk in
                [Field(name: "chunk \(index) length", range: chunk.length), Field(name: "chunk \(index) ciphertext", range: chunk.ciphertext),
                 Field(name: "chunk \(index) tag", range: chunk.tag)]
            }
    }

    func whole(_ index: Int) -> Range<Int> { chunks[index].length.lowerBound..<chunks[index].tag.upperBound }
}

enum StreamMutations {
    static func make(_ layout: StreamLayout, budget: Budget) -> (mutations: [Mutation], coverage: [String]) {
        budget.isThorough ? thorough(layout) : sample(layout)
    }

    /// CI: the receiver hashes the whole stream and compares it with what the source measured,
    /// then hashes the aDom's kernel and initrd; a case costs 0.3-1 s. One byte of each part of
    /// the layout, a cut in each, an extension, chunks reordered.
    static func sample(_ layout: StreamLayout) -> (mutations: [Mutation], coverage: [String]) {
        let fields = layout.fields
        let count = layout.chunks.count
        let first = layout.chunks[0], last = layout.chunks[count - 1]
        var out = Mutations.byteFlips([0, 4, 5, first.length.upperBound - 1, first.ciphertext.lowerBound + first.ciphertext.count / 2,
                                       first.tag.lowerBound, last.length.upperBound - 1, last.tag.upperBound - 1], fields: fields)
        out += Mutations.truncations(Array(Set([0, StreamLayout.headerSize, first.ciphertext.lowerBound, layout.size - 1])).sorted(), fields: fields)
        out += Array(Mutations.extensions(size: layout.size).prefix(1))
        out += reorders(layout).prefix(count >= 2 ? 3 : 1)
        return (out, ["header: magic, version and prefix each one byte inverted; first chunk: its length, a ciphertext and a tag byte; "
                      + "last chunk: its length and a tag byte", "truncation: empty, after the header, after the first length field, "
                      + "one byte short", "extension: one byte; reorder: chunks 0 and 1 swapped, the last dropped; an empty final chunk appended"])
    }

    /// `--thorough`: every bit of the header; every chunk's length field, first ciphertext byte and
    /// last tag byte; cuts at every chunk's edges. (Every byte of a 100 MB stream, at a hash of
    /// the whole stream a case, would take days.)
    static func thorough(_ layout: StreamLayout) -> (mutations: [Mutation], coverage: [String]) {
        let fields = layout.fields
        var out = Mutations.everyBit(0..<StreamLayout.headerSize, fields: fields)
        var lengths = Array(0...StreamLayout.headerSize)
        for (index, chunk) in layout.chunks.enumerated() {
            out += Mutations.byteFlips(Array(chunk.length) + [chunk.ciphertext.lowerBound, chunk.tag.upperBound - 1].filter { $0 < layout.size },
                                       fields: fields)
            let start = layout.whole(index).lowerBound
            lengths += [start + 1, start + 4, chunk.tag.upperBound - 1]
        }
        out += Mutations.truncations(Array(Set(lengths)).filter { $0 < layout.size }.sorted(), fields: fields)
        out += Mutations.extensions(size: layout.size)
        out += reorders(layout)
        return (out, ["header (13 bytes): every bit", "every chunk: each byte of its length field, its first ciphertext byte and its last tag byte inverted",
                      "truncation: every length through the header, and at each chunk's start + 1, start + 4 and end - 1",
                      "extension: 4 ways; reorder: chunks swapped, dropped, moved and repeated; an empty final chunk appended"])
    }

    static func reorders(_ layout: StreamLayout) -> [Mutation] {
        let size = layout.size
        let count = layout.chunks.count
        var out: [Mutation] = []
        if count >= 2 {
            let first = layout.whole(0), second = layout.whole(1), last = layout.whole(count - 1)
            out.append(Mutation(kind: .reorder, label: "chunks 0 and 1 swapped",
                                edit: .splice([.original(0..<first.lowerBound), .original(second), .original(first), .original(second.upperBound..<size)])))
            out.append(Mutation(kind: .reorder, label: "last chunk dropped",
                                edit: .splice([.original(0..<last.lowerBound)])))
        }
        out.append(Mutation(kind: .substitution, label: "empty final chunk appended",
                            edit: .splice([.original(0..<size), .bytes([UInt8](repeating: 0, count: 20))])))
        if count >= 2 {
            let first = layout.whole(0), last = layout.whole(count - 1)
            out.append(Mutation(kind: .reorder, label: "last chunk moved first",
                                edit: .splice([.original(0..<first.lowerBound), .original(last), .original(first.lowerBound..<last.lowerBound)])))
            out.append(Mutation(kind: .reorder, label: "last chunk repeated",
                                edit: .splice([.original(0..<size), .original(last)])))
        }
        out.append(Mutation(kind: .reorder, label: "chunk 0 repeated",
                            edit: .splice([.original(0..<layout.whole(0).upperBound), .original(layout.whole(0)),
                                           .original(layout.whole(0).upperBound..<size)])))
        return out
    }
}
