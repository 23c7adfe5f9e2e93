#if canImport(Glibc)
import Glibc
#endif

/// Finds the model a program runs with, in the order a user expects (DESIGN.md, "Models"):
/// `--model PATH`, then the environment variable, then `./models/<default>`, then
/// `<checkout>/models/<default>` found upwards from the executable (so `.build/release/embed`
/// and `bin/embed` both find the models that `make models` fetched). No download, ever.
public struct ModelLocator: Sendable {
    /// The two default models.
    public static let embedding = ModelLocator(kind: "embedding", environmentVariable: "LORAG_EMBED_MODEL",
                                               defaultName: "all-MiniLM-L6-v2")
    public static let generation = ModelLocator(kind: "generation", environmentVariable: "LORAG_GENERATE_MODEL",
                                                defaultName: "SmolLM2-135M-Instruct.Q4_1.gguf")

    public let kind: String
    public let environmentVariable: String
    /// File or folder name under `models/`.
    public let defaultName: String

    public init(kind: String, environmentVariable: String, defaultName: String) {
        self.kind = kind
        self.environmentVariable = environmentVariable
        self.defaultName = defaultName
    }

    /// The path of the model to load.
    /// - Parameters:
    ///   - explicit: the `--model` value, if given; it must exist.
    ///   - environment: looks up a variable (the process environment by default).
    ///   - executablePath: the running program (`/proc/self/exe` by default).
    ///   - workingDirectory: where `./models` is looked for.
    public func resolve(explicit: String?,
                        environment: (String) -> String? = { getenv($0).map { String(cString: $0) } },
                        executablePath: String? = ModelLocator.currentExecutablePath(),
                        workingDirectory: String = ".") throws(ToolError) -> String {
        if let explicit {
            guard ModelLocator.exists(explicit) else {
                throw .modelNotFound("--model \(explicit): no such file or directory")
            }
            return explicit
        }
        if let fromEnvironment = environment(environmentVariable), !fromEnvironment.isEmpty {
            guard ModelLocator.exists(fromEnvironment) else {
                throw .modelNotFound("$\(environmentVariable) is \(fromEnvironment): no such file or directory")
            }
            return fromEnvironment
        }
        var searched = [workingDirectory + "/models/" + defaultName]
        if let executablePath {
            // .build/<triple>/release/embed is four levels below the checkout; bin/embed is two.
            var directory = executablePath
            for _ in 0..<5 {
                guard let slash = directory.lastIndex(of: "/"), slash != directory.startIndex else { break }
                directory = String(directory[..<slash])
                searched.append(directory + "/models/" + defaultName)
            }
        }
        if let found = searched.first(where: ModelLocator.exists) { return found }
        throw .modelNotFound("""
            no \(kind) model found (looked at --model, $\(environmentVariable), \
            \(searched.joined(separator: ", ")))
            run `make models` in the lorag checkout to fetch the default (\(defaultName)), \
            or pass --model PATH
            """)
    }

    /// The running executable, from /proc/self/exe (Linux), or nil.
    public static func currentExecutablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }
}
