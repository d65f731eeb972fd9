import ArgumentParser
import Foundation

/// An input that cannot be read (missing, unreadable, a directory where a file belongs or the other
/// way round) is reported with the system's reason, `mmscope: <path>: No such file or directory`, and
/// exit status 66 (sysexits' EX_NOINPUT).
enum InputFile {
  static let exitCode = ExitCode(66)

  static func check(_ path: String, directory: Bool = false) throws {
    var reason: Int32 = 0
    let fd = open(path, O_RDONLY | (directory ? O_DIRECTORY : 0))
    if fd < 0 {
      reason = errno
    } else {
      var info = stat()
      if !directory && fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR { reason = EISDIR }
      close(fd)
    }
    guard reason != 0 else { return }
    FileHandle.standardError.write(Data("mmscope: \(path): \(String(cString: strerror(reason)))\n".utf8))
    throw exitCode
  }
}
