// A read-only memory map of a whole file with bounds-checked access. Every reader in this library
// goes through `bytes(at:count:what:)` or `ByteCursor`, so no pointer is formed from a header field
// before that field has been checked against the file's size.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only into memory for the lifetime of this object.
public final class MappedFile: @unchecked Sendable {
    // Sendable: the mapping is read-only and never changes after init.

    /// The path the file was opened with (used in every error message).
    public let path: String
    /// Size in bytes.
    public let size: Int
    /// Start of the mapping (a valid, never-dereferenced pointer for an empty file).
    public let base: UnsafeRawPointer
    private let mapped: Bool

    /// Maps `path`. Throws `ModelFileError.cannotOpen` when the file cannot be opened or mapped.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ModelFileError.cannotOpen(path: path, reason: MappedFile.systemError()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ModelFileError.cannotOpen(path: path, reason: MappedFile.systemError()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ModelFileError.cannotOpen(path: path, reason: "not a regular file")
        }
        size = Int(info.st_size)
        if size == 0 {
            // mmap of zero bytes fails; an empty file is reported as truncated by the format readers.
            base = UnsafeRawPointer(bitPattern: 0x10)!
            mapped = false
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw ModelFileError.cannotOpen(path: path, reason: "mmap: " + MappedFile.systemError())
        }
        base = UnsafeRawPointer(p)
        mapped = true
    }

    deinit {
        if mapped { munmap(UnsafeMutableRawPointer(mutating: base), size) }
    }

    /// The `count` bytes at `offset`, or `ModelFileError.truncated` naming `what` when they are not
    /// all inside the file. Overflow-safe for any `offset` and `count` a header may hold.
    public func bytes(at offset: Int, count: Int, what: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw ModelFileError.truncated(path: path, what: what(), offset: offset, needed: count, size: size)
        }
        return UnsafeRawBufferPointer(start: base + offset, count: count)
    }

    /// A cursor reading forward from `offset`.
    public func cursor(at offset: Int = 0) -> ByteCursor { ByteCursor(file: self, offset: offset) }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}
