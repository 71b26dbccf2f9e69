// Array's withUnsafe*Bytes are untyped `rethrows`; these carry a LoBotError through them so the
// core keeps typed throws (Embedded Swift refuses `any Error`).

@inline(__always)
public func withBytes<R>(
    _ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(LoBotError) -> R
) throws(LoBotError) -> R {
    let result: Result<R, LoBotError> = bytes.withUnsafeBytes { buffer in
        do throws(LoBotError) { return .success(try body(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
}

@inline(__always)
public func withMutableBytes<R>(
    _ bytes: inout [UInt8], _ body: (UnsafeMutableRawBufferPointer) throws(LoBotError) -> R
) throws(LoBotError) -> R {
    let result: Result<R, LoBotError> = bytes.withUnsafeMutableBytes { buffer in
        do throws(LoBotError) { return .success(try body(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
}
