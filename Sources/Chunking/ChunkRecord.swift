import LoragBasics

/// The JSONL record `chunk` writes for each chunk (DESIGN.md, "Records between the programs"):
///
///     {"id", "doc_id", "source", "title", "section", "text", "start", "end", "hash", "meta", ...}
///
/// in that order, followed by the input document's other fields, untouched. `title` is null when
/// the document has none; `section` is the heading path joined with " > ", null before the
/// first heading; `meta` is an object ({} when there is none).
extension Chunk {
    /// The fields this record defines; an input field with one of these names is not passed
    /// through (the chunk's own value is the one that describes the chunk).
    public static let recordKeys: Set<String> = [
        "id", "doc_id", "source", "title", "section", "text", "start", "end", "hash", "meta",
    ]

    /// The record for this chunk.
    /// - Parameters:
    ///   - source: where the document came from (the path read, or the input's `source`).
    ///   - meta: the document's metadata (front matter, or the input's `meta`).
    ///   - passthrough: the input document's other fields; members named in `recordKeys` are
    ///     skipped.
    public func record(source: String, meta: JSONValue = .object(JSONObject()),
                       passthrough: JSONObject = JSONObject()) -> JSONObject {
        var record: JSONObject = [
            "id": .string(id),
            "doc_id": .string(docID),
            "source": .string(source),
            "title": title.map(JSONValue.string) ?? .null,
            "section": section.isEmpty ? .null : .string(section.joined(separator: " > ")),
            "text": .string(text),
            "start": .number(JSONNumber(start)),
            "end": .number(JSONNumber(end)),
            "hash": .string(hash),
            "meta": meta,
        ]
        for (key, value) in passthrough where !Self.recordKeys.contains(key) {
            record[key] = value
        }
        return record
    }
}

extension ExtractedDocument {
    /// The front matter as a JSON object, keys in the order written.
    public var metaObject: JSONObject {
        var object = JSONObject()
        for (key, value) in meta { object[key] = value.json }
        return object
    }
}

extension MetaValue {
    public var json: JSONValue {
        switch self {
        case let .string(s): return .string(s)
        // The reader only makes `.number` from text that matched JSON's number grammar, so the
        // parse keeps the literal digits; a string is the safe answer should that ever change.
        case let .number(text): return (try? JSONValue(parsing: text)) ?? .string(text)
        case let .bool(b): return .bool(b)
        case .null: return .null
        case let .array(elements): return .array(elements.map(\.json))
        }
    }
}
