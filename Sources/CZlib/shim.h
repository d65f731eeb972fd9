#ifndef MMSCOPE_CZLIB_SHIM_H
#define MMSCOPE_CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2 is a macro; give Swift a function. 15 + 32: zlib or gzip header, detected. */
static inline int mmscope_inflate_init_gzip(z_stream *stream) {
  return inflateInit2(stream, 15 + 32);
}

/* deflateInit2 likewise; 15 + 16 writes a gzip header (tests make cut gzip files with it). */
static inline int mmscope_deflate_init_gzip(z_stream *stream, int level) {
  return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
