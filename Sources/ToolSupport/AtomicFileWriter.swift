#if canImport(Glibc)
import Glibc
#endif

/// Replaces a file so that readers see either the old contents or the new, never a mix, and a
/// killed writer leaves the old file intact (DESIGN.md, index `--into`):
///
/// 1. take an exclusive `flock` on `<path>.lock` (released by the kernel if the writer dies);
/// 2. write to a temporary file in the same directory (rename is atomic only within a file
///    system);
/// 3. `commit()`: flush, fsync the file, rename it over `path`, fsync the directory so the rename
///    itself survives a power cut.
///
/// Without `commit()` (an error, or `discard()`), the temporary file is removed and `path` is
/// untouched. The temporary file of a writer that was killed is removed by the next writer.
public final class AtomicFileWriter {
    public let path: String
    /// Buffered writer into the temporary file.
    public let output: OutputWriter
    private let temporaryPath: String
    private let directory: String
    private var lockDescriptor: Int32
    private var finished = false

    /// - Parameter waitForLock: block until another writer finishes; otherwise fail at once
    ///   (a cron job should not queue up behind a stuck run).
    public init(path: String, waitForLock: Bool = false, permissions: mode_t = 0o644) throws(ToolError) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        directory = slash.map { String(path[..<$0]).isEmpty ? "/" : String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path

        lockDescriptor = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockDescriptor >= 0 else { throw .io(operation: "create the lock file for", path: path, errno: errno) }
        while flock(lockDescriptor, LOCK_EX | (waitForLock ? 0 : LOCK_NB)) != 0 {
            let code = errno
            if code == EINTR { continue }
            close(lockDescriptor)
            if code == EWOULDBLOCK {
                throw .failure("\(path) is being written by another process (lock \(path).lock is held)")
            }
            throw .io(operation: "lock", path: path + ".lock", errno: code)
        }

        AtomicFileWriter.removeAbandonedTemporaries(directory: directory, base: base)

        // The pid names the writer in a directory listing; the random part keeps two writers in
        // one process apart.
        temporaryPath = "\(directory)/.\(base).tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        guard fd >= 0 else {
            let code = errno
            close(lockDescriptor)
            throw .io(operation: "create a temporary file for", path: path, errno: code)
        }
        output = OutputWriter(fileDescriptor: fd, name: path, bufferSize: 1 << 20)
    }

    deinit { discard() }

    /// Makes the new contents visible at `path`, durably.
    public func commit() throws(ToolError) {
        precondition(!finished, "AtomicFileWriter committed or discarded twice")
        finished = true
        defer { releaseLock() }
        let fd = output.fileDescriptor
        let written = Result { () throws(ToolError) in
            try output.flush()
            guard fsync(fd) == 0 else { throw .io(operation: "fsync", path: path, errno: errno) }
        }
        let closeError: Int32? = close(fd) == 0 ? nil : errno
        if case let .failure(error) = written {
            unlink(temporaryPath)
            throw error
        }
        if let closeError {
            unlink(temporaryPath)
            throw .io(operation: "close", path: path, errno: closeError)
        }
        guard rename(temporaryPath, path) == 0 else {
            let code = errno
            unlink(temporaryPath)
            throw .io(operation: "replace", path: path, errno: code)
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryDescriptor >= 0 else { throw .io(operation: "open the directory of", path: path, errno: errno) }
        defer { close(directoryDescriptor) }
        guard fsync(directoryDescriptor) == 0 else { throw .io(operation: "fsync the directory of", path: path, errno: errno) }
    }

    /// Abandons the new contents; `path` keeps its old ones.
    public func discard() {
        guard !finished else { return }
        finished = true
        close(output.fileDescriptor)
        unlink(temporaryPath)
        releaseLock()
    }

    /// Temporary files of writers that were killed before commit or discard. Holding the lock
    /// means no other writer of this file is alive, so any that exist are garbage.
    private static func removeAbandonedTemporaries(directory: String, base: String) {
        guard let stream = opendir(directory) else { return }
        defer { closedir(stream) }
        let prefix = "." + base + ".tmp-"
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(prefix) { unlink(directory + "/" + name) }
        }
    }

    private func releaseLock() {
        if lockDescriptor >= 0 { close(lockDescriptor) }
        lockDescriptor = -1
    }
}
