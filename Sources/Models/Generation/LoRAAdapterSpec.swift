/// One `--lora PATH[:SCALE]` argument. The scale multiplies the adapter's own alpha/r (as
/// llama.cpp's `--lora-scaled` does); it defaults to 1. A colon is read as the scale separator
/// only when what follows it is a number, so paths with colons still work.
public struct LoRAAdapterSpec: Sendable, Equatable {
    public var path: String
    public var scale: Float

    public init(path: String, scale: Float = 1) {
        self.path = path
        self.scale = scale
    }

    public init(argument: String) throws(GenerationError) {
        var path = argument
        var scale: Float = 1
        if let colon = argument.lastIndex(of: ":"), let value = Float(argument[argument.index(after: colon)...]) {
            guard value.isFinite else {
                throw .invalidSetting(name: "--lora", value: argument, expected: "PATH[:SCALE] with a finite SCALE")
            }
            path = String(argument[..<colon])
            scale = value
        }
        guard !path.isEmpty else {
            throw .invalidSetting(name: "--lora", value: argument, expected: "PATH[:SCALE] with a non-empty PATH")
        }
        self.path = path
        self.scale = scale
    }
}
