// The verdict body (step 10): the factory's judgement of the destination. Factory -> source and
// destination.
//
//   UINT8 trusted (0 = 10b, 1 = 10a);  UINT16 length; BYTE reason[length] (UTF-8, at most 4096);
//   UINT16 size; BYTE vtpmQuote[size] (LoBot quote "LBQT", at most 8192; empty only when not trusted)

/// 10 (verdict): trusted (10a) or not (10b), and why; with LoBot_D's vTPM quote (step 9's
/// quote for LoBot_S), which the source checks itself and seals to.
public struct VerdictBody: WireStructure, Equatable, Sendable {
    public static var wireName: String { "verdict message body" }
    public var trusted: Bool
    public var reason: String
    public var vtpmQuote: Quote?

    public init(trusted: Bool, reason: String, vtpmQuote: Quote?) {
        self.trusted = trusted
        self.reason = reason
        self.vtpmQuote = vtpmQuote
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let at = reader.offset
        let flag = try reader.readUInt8()
        guard flag <= 1 else { throw reader.failure(.unexpectedValue(field: "trusted", value: UInt64(flag)), at: at) }
        trusted = flag == 1
        reason = try reader.readString(lengthWidth: 2, maximum: 4096, field: "reason", allowEmpty: true)
        let quote = try reader.readSized(lengthWidth: 2, maximum: 8192, field: "vtpmQuote")
        vtpmQuote = quote.isEmpty ? nil : try Quote(bytes: quote)
        guard !trusted || vtpmQuote != nil else { throw reader.failure(.inconsistent("a trusted verdict carries the vTPM quote")) }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(UInt8(trusted ? 1 : 0))
        writer.writeString(reason, lengthWidth: 2)
        writer.writeSized(vtpmQuote?.bytes ?? [], lengthWidth: 2)
    }
}
