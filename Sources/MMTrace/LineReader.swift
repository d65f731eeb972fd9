import CZlib
import Foundation

/// Reads a text file line by line, plain or gzip-compressed (detected by its magic bytes), a buffer
/// at a time: a large trace is never held in memory whole.
public final class LineReader {
  public enum ReadError: Error, CustomStringConvertible {
    case cannotOpen(String)
    case corruptGzip(String, detail: String)
    case truncatedGzip(String)

    public var description: String {
      switch self {
      case .cannotOpen(let f): "\(f): cannot open the file"
      case .corruptGzip(let f, let d): "\(f): the gzip data is corrupt (\(d))"
      case .truncatedGzip(let f): "\(f): the gzip data ends early (a truncated file)"
      }
    }
  }

  static let inCapacity = 1 << 18
  static let outCapacity = 1 << 20

  public let name: String
  let handle: FileHandle
  public let compressed: Bool
  var stream = z_stream()
  var streamEnded = false
  /// zlib reads from and writes to these buffers directly, so they must not move: allocated by hand.
  let inBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: LineReader.inCapacity)
  let outBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: LineReader.outCapacity)
  var pending: [UInt8] = []
  var pendingStart = 0
  /// Bytes read from the file so far (compressed bytes for gzip), for progress.
  public private(set) var bytesRead: UInt64 = 0
  public let fileSize: UInt64
  /// 1-based number of the last line returned.
  public private(set) var lineNumber = 0
  /// The first bytes of the decoded text, for format detection.
  public private(set) var head: [UInt8] = []

  public init(path: String) throws {
    name = (path as NSString).lastPathComponent
    guard let h = FileHandle(forReadingAtPath: path) else {
      inBuffer.deallocate()
      outBuffer.deallocate()
      throw ReadError.cannotOpen(name)
    }
    handle = h
    fileSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64) ?? 0
    let magic = h.readData(ofLength: 2)
    compressed = magic.count == 2 && magic[magic.startIndex] == 0x1f && magic[magic.startIndex + 1] == 0x8b
    try? h.seek(toOffset: 0)
    if compressed && mmscope_inflate_init_gzip(&stream) != Z_OK {
      throw ReadError.corruptGzip(name, detail: "cannot start inflating")
    }
  }

  deinit {
    if compressed { inflateEnd(&stream) }
    inBuffer.deallocate()
    outBuffer.deallocate()
    try? handle.close()
  }

  /// The next chunk of decoded bytes, or nil at the end.
  func nextChunk() throws -> [UInt8]? {
    if !compressed {
      let data = handle.readData(ofLength: 1 << 20)
      bytesRead += UInt64(data.count)
      return data.isEmpty ? nil : [UInt8](data)
    }
    while !streamEnded {
      if stream.avail_in == 0 {
        let data = handle.readData(ofLength: Self.inCapacity)
        if data.isEmpty { throw ReadError.truncatedGzip(name) }
        bytesRead += UInt64(data.count)
        data.copyBytes(to: inBuffer, count: data.count)
        stream.next_in = inBuffer
        stream.avail_in = uInt(data.count)
      }
      stream.next_out = outBuffer
      stream.avail_out = uInt(Self.outCapacity)
      let status = inflate(&stream, Z_NO_FLUSH)
      let produced = Self.outCapacity - Int(stream.avail_out)
      switch status {
      case Z_STREAM_END:
        streamEnded = true
      case Z_OK, Z_BUF_ERROR:
        break
      default:
        let detail = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
        throw ReadError.corruptGzip(name, detail: detail)
      }
      if produced > 0 { return Array(UnsafeBufferPointer(start: outBuffer, count: produced)) }
    }
    return nil
  }

  /// Lines longer than this are not trace lines (a kernel event line is a few hundred bytes): they
  /// are passed over without being held, and reported.
  public static let maxLineBytes = 1 << 16

  /// The length of the last line returned when it was longer than `maxLineBytes` (it is returned
  /// empty), else nil.
  public private(set) var overlongLine: Int? = nil

  /// The next line's bytes without its newline (or carriage return), or nil at the end. The slice is
  /// valid until the next call. Memory stays bounded whatever the file holds.
  public func nextLineBytes() throws -> ArraySlice<UInt8>? {
    overlongLine = nil
    var discarded = 0
    while true {
      if let nl = pending[pendingStart...].firstIndex(of: 0x0a) {
        var end = nl
        if end > pendingStart && pending[end - 1] == 0x0d { end -= 1 }
        let line = pending[pendingStart..<end]
        pendingStart = nl + 1
        lineNumber += 1
        if discarded > 0 || line.count > Self.maxLineBytes {
          overlongLine = discarded + line.count
          return []
        }
        return line
      }
      if pending.count - pendingStart > Self.maxLineBytes {
        discarded += pending.count - pendingStart
        pending = []
        pendingStart = 0
      }
      guard let chunk = try nextChunk() else {
        guard pendingStart < pending.count || discarded > 0 else { return nil }
        let line = pending[pendingStart...]
        pendingStart = pending.count
        lineNumber += 1
        if discarded > 0 || line.count > Self.maxLineBytes {
          overlongLine = discarded + line.count
          return []
        }
        return line
      }
      if head.count < 4096 { head += chunk.prefix(4096 - head.count) }
      pending = Array(pending[pendingStart...]) + chunk
      pendingStart = 0
    }
  }

  /// The next line as text (invalid UTF-8 replaced), or nil at the end.
  public func nextLine() throws -> Substring? {
    try nextLineBytes().map { Substring(String(decoding: $0, as: UTF8.self)) }
  }
}
