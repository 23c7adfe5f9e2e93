#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A document file found from a command-line argument.
public struct InputFile: Sendable, Equatable {
    /// Where to open it.
    public var path: String
    /// Its path relative to the directory argument (or the argument itself for a file).
    public var docID: String
    public var format: DocumentFormat
}

/// Finds document files under the arguments: directories are walked recursively in byte order
/// of names (so output order does not depend on the file system), hidden entries (".name") are
/// skipped, and symbolic links to directories are not followed (no cycles). Files are chosen by
/// extension (`DocumentFormat(path:)`) and then by globs; a file named as the argument itself is
/// always taken.
public struct FileCollector: Sendable {
    public var globs: [Glob]

    public init(globs: [Glob] = []) {
        self.globs = globs
    }

    /// The files under `argument` and the files that were passed over with the reason.
    public func collect(_ argument: String) throws -> (files: [InputFile], skipped: [(path: String, reason: String)]) {
        var info = stat()
        guard stat(argument, &info) == 0 else {
            throw ChunkingError.unreadable(source: argument, reason: String(cString: strerror(errno)))
        }
        if (info.st_mode & S_IFMT) != S_IFDIR {
            // A file named outright is read whatever its extension (as plain text when the
            // extension says nothing), as ripgrep searches any file it is given: README, LICENSE.
            let docID = argument.hasPrefix("./") ? String(argument.dropFirst(2)) : argument
            return ([InputFile(path: argument, docID: docID, format: DocumentFormat(path: argument) ?? .text)], [])
        }
        var files: [InputFile] = []
        var skipped: [(path: String, reason: String)] = []
        let base = argument.hasSuffix("/") ? String(argument.dropLast()) : argument
        try walk(directory: base, relative: "", into: &files, skipped: &skipped)
        return (files, skipped)
    }

    private func walk(directory: String, relative: String, into files: inout [InputFile],
                      skipped: inout [(path: String, reason: String)]) throws {
        guard let handle = opendir(directory) else {
            throw ChunkingError.unreadable(source: directory, reason: String(cString: strerror(errno)))
        }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name.hasPrefix(".") { continue }
            names.append(name)
        }
        closedir(handle)
        names.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        for name in names {
            let path = directory + "/" + name
            let relativePath = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else {
                skipped.append((path, String(cString: strerror(errno))))
                continue
            }
            var mode = info.st_mode & S_IFMT
            if mode == S_IFLNK {
                // Follow links to files, never to directories.
                guard stat(path, &info) == 0 else { skipped.append((path, "broken symbolic link")); continue }
                mode = info.st_mode & S_IFMT
                if mode == S_IFDIR { continue }
            }
            if mode == S_IFDIR {
                try walk(directory: path, relative: relativePath, into: &files, skipped: &skipped)
            } else if mode == S_IFREG, let format = DocumentFormat(path: name), selected(relativePath) {
                files.append(InputFile(path: path, docID: relativePath, format: format))
            }
        }
    }

    /// Chosen when it matches an include glob (or there are none) and no exclude glob.
    func selected(_ relativePath: String) -> Bool {
        let includes = globs.filter { !$0.excludes }
        if !includes.isEmpty && !includes.contains(where: { $0.matches(relativePath) }) { return false }
        return !globs.contains { $0.excludes && $0.matches(relativePath) }
    }
}
