#ifndef MMSCOPE_CZLIB_SHIM_H
#define MMSCOPE_CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2 is a macro; give Swift a function. 15 + 32: zlib or gzip header, detected. */
static inline int mmscope_inflate_init_gzip(z_stream *stream) {
  return inflateInit2(stream, 15 + 32);
}
#endif
