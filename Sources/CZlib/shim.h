/* zlib, for the factory's gzip-compressed LoBot initramfs. */
#ifndef LOBOT_CZLIB_SHIM_H
#define LOBOT_CZLIB_SHIM_H
#include <zlib.h>

/* deflateInit2 is a macro (it passes ZLIB_VERSION and the stream size). */
static inline int lobot_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
}
#endif
