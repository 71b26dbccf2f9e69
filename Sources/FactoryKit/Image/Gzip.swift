// gzip (RFC 1952) through zlib, for the initramfs: the header zlib writes has no name and a zero
// modification time, so the same input always gives the same bytes (a reproducible bake).
import CZlib

package enum Gzip {
    package static func compress(_ input: [UInt8], level: Int32 = 9) throws(FactoryError) -> [UInt8] {
        var stream = z_stream()
        let started = lobot_deflate_init_gzip(&stream, level)
        guard started == Z_OK else { throw .compression(what: "cannot start gzip compression", code: started) }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        var source = input
        let rc = source.withUnsafeMutableBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst -> Int32 in
                stream.next_in = src.baseAddress
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = uInt(dst.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard rc == Z_STREAM_END else { throw .compression(what: "gzip compression failed", code: rc) }
        return Array(output[0..<Int(stream.total_out)])
    }
}
