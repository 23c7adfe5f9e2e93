import LoragBasics

// One input record of `index`: the stored fields, the vector, and what identifies it.

public struct EmbeddedRecord: Sendable {
    public var id: String
    /// The record's "hash" field, or "sha256:" + hex SHA-256 of its text when absent: equal
    /// hashes mean an unchanged record, which an update skips.
    public var hash: String
    /// The record as stored and returned by searches: everything but "embedding" and
    /// "embedding_model" (the model is stored once for the whole index).
    public var fields: JSONObject
    public var vector: [Float]
    /// "embedding_model", when given.
    public var model: String?
    /// Where the record came from ("<stdin>:17"), for messages.
    public var item: String

    /// Reads a parsed record. `floats` is the "embedding" array when the parser took it out
    /// (JSONParser.parseRecord); otherwise "embedding" must be in `record`, as an array of
    /// numbers or a base64 string of little-endian float32.
    public init(record: JSONObject, floats: [Float]? = nil, item: String) throws(VectorIndexError) {
        var fields = record
        guard case let .string(id)? = fields["id"] else {
            throw .badRecord(item: item, reason: fields["id"] == nil
                ? "missing key \"id\"" : "\"id\" is \(fields["id"]!.kindName), expected string")
        }
        var vector: [Float]
        if let floats {
            vector = floats
        } else {
            switch fields["embedding"] {
            case nil:
                throw .badRecord(item: item, reason: "missing key \"embedding\" (run the records through embed first)")
            case let .string(text)?:
                switch Base64Floats.decode(text) {
                case let .success(values): vector = values
                case let .failure(problem): throw .invalidVector(item: item, reason: problem.text)
                }
            case let value?:
                guard let values = value.floatArray else {
                    throw .invalidVector(item: item, reason: "\"embedding\" is \(value.kindName), expected an array of numbers or a base64 string")
                }
                vector = values
            }
        }
        _ = fields.removeValue(forKey: "embedding")
        var model: String?
        if let value = fields.removeValue(forKey: "embedding_model") {
            guard case let .string(name) = value else {
                throw .badRecord(item: item, reason: "\"embedding_model\" is \(value.kindName), expected string")
            }
            model = name
        }
        guard !vector.isEmpty else { throw .invalidVector(item: item, reason: "the embedding is empty") }
        let normalised = vector.withUnsafeMutableBufferPointer { InnerProduct.normalize($0.baseAddress!, $0.count) }
        guard normalised else {
            throw .invalidVector(item: item, reason: "the embedding has zero length or a value that is not finite")
        }
        let hash: String
        switch fields["hash"] {
        case let .string(given)?: hash = given
        case nil: hash = "sha256:" + SHA256.hash(fields["text"]?.stringValue ?? "").hex
        case let value?: throw .badRecord(item: item, reason: "\"hash\" is \(value.kindName), expected string")
        }
        self.id = id
        self.hash = hash
        self.fields = fields
        self.vector = vector
        self.model = model
        self.item = item
    }

    /// The text BM25 indexes: "title" and "text" joined by a space, whichever are present.
    static func searchableText(_ fields: JSONObject) -> String {
        let parts = [fields["title"]?.stringValue, fields["text"]?.stringValue].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.joined(separator: " ")
    }
}
