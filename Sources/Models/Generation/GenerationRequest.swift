import LoragBasics
import Tokenizers

/// One retrieved passage from `retrieve`'s record: `{"id", "score", "text", "source", ...}`.
public struct RetrievedHit: Sendable, Equatable {
    public var text: String
    /// The whole hit as read, for the output's `sources` (text removed there).
    public var record: JSONObject

    public init(text: String, record: JSONObject) {
        self.text = text
        self.record = record
    }
}

/// One input of `generate`, in any of the shapes DESIGN.md lists: a plain text line,
/// `{"prompt"}`, `{"messages"}`, or `retrieve`'s `{"query", "hits"}`; `{"completion"}` is read
/// too, for `--score`.
public struct GenerationRequest: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        case text(String)
        case messages([ChatMessage])
        case retrieved(query: String, hits: [RetrievedHit])
    }

    public var content: Content
    /// The record as read (empty for a plain text line); its fields are passed through.
    public var record: JSONObject
    /// The text to score after the prompt (`--score`).
    public var completion: String?

    public init(content: Content, record: JSONObject = JSONObject(), completion: String? = nil) {
        self.content = content
        self.record = record
        self.completion = completion
    }

    /// The user's prompt as the output's `prompt` field shows it: the text, the query, or the
    /// last user message.
    public var promptText: String {
        switch content {
        case let .text(text): return text
        case let .retrieved(query, _): return query
        case let .messages(messages): return messages.last(where: { $0.role == "user" })?.content ?? ""
        }
    }

    /// Reads one input line: a JSON object when it starts with `{`, otherwise the line is the prompt.
    public static func parse(line: String) throws(GenerationError) -> GenerationRequest {
        guard line.drop(while: { $0 == " " || $0 == "\t" }).first == "{" else {
            return GenerationRequest(content: .text(line))
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: line)
        } catch {
            throw .badRecord("\(error)")
        }
        guard let object = value.objectValue else { throw .badRecord("expected a JSON object, found \(value.kindName)") }
        return try GenerationRequest(record: object)
    }

    /// Reads a parsed record.
    public init(record: JSONObject) throws(GenerationError) {
        self.record = record
        if let completion = record["completion"] {
            guard let text = completion.stringValue else {
                throw .badRecord("\"completion\" must be a string, found \(completion.kindName)")
            }
            self.completion = text
        }
        if let hits = record["hits"] {
            guard let query = record["query"]?.stringValue else {
                throw .badRecord("a record with \"hits\" needs a string \"query\" (retrieve's output)")
            }
            guard let array = hits.arrayValue else { throw .badRecord("\"hits\" must be an array, found \(hits.kindName)") }
            var parsed: [RetrievedHit] = []
            for (i, hit) in array.enumerated() {
                guard let object = hit.objectValue, let text = object["text"]?.stringValue else {
                    throw .badRecord("hit \(i + 1) must be an object with a string \"text\"")
                }
                parsed.append(RetrievedHit(text: text, record: object))
            }
            content = .retrieved(query: query, hits: parsed)
        } else if let messages = record["messages"] {
            guard let array = messages.arrayValue, !array.isEmpty else {
                throw .badRecord("\"messages\" must be a non-empty array of {\"role\", \"content\"}")
            }
            var parsed: [ChatMessage] = []
            for (i, message) in array.enumerated() {
                guard let role = message["role"]?.stringValue, let text = message["content"]?.stringValue else {
                    throw .badRecord("message \(i + 1) must have string \"role\" and \"content\"")
                }
                parsed.append(ChatMessage(role: role, content: text))
            }
            content = .messages(parsed)
        } else if let prompt = record["prompt"] ?? record["query"] ?? record["text"] {
            guard let text = prompt.stringValue else { throw .badRecord("the prompt must be a string, found \(prompt.kindName)") }
            content = .text(text)
        } else {
            throw .badRecord("expected \"prompt\", \"messages\", \"query\" with \"hits\", or \"text\"; found keys \(record.keys)")
        }
    }
}
