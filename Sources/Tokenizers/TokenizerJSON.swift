import Foundation
import LoragBasics

/// Reads the JSON configuration files of tokenizer folders (tokenizer.json, tokenizer_config.json,
/// sentence_bert_config.json) with LoragBasics' parser. Measured on MiniLM's tokenizer.json
/// (466 KB, a 30,522-key vocabulary): 0.025 s against 0.043 s for Foundation's
/// JSONSerialization, best of five in a release build; and unlike JSONSerialization on Linux it
/// keeps a literal U+FEFF inside strings.
enum TokenizerJSON {
    /// The top-level object of a JSON file; `name` is used in error messages.
    static func object(_ data: Data, name: String) throws -> JSONObject {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: [UInt8](data))
        } catch {
            throw TokenizerError.unreadableFile(path: name, reason: "not valid JSON (\(error))")
        }
        guard let object = value.objectValue else {
            throw TokenizerError.unreadableFile(path: name, reason: "expected a JSON object at the top level, found \(value.kindName)")
        }
        return object
    }

    static func read(_ url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw TokenizerError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
    }

    /// A token name written either as a string or as an added-token object `{"content": ...}`
    /// (tokenizer_config.json uses both).
    static func tokenName(_ value: JSONValue?) -> String? {
        value?.stringValue ?? value?["content"]?.stringValue
    }

    /// `tokenizer.json`'s `added_tokens`: content, id, and whether it is special.
    static func addedTokens(_ root: JSONObject, name: String) throws -> [(content: String, id: Int, special: Bool)] {
        guard let list = root["added_tokens"] else { return [] }
        guard let entries = list.arrayValue else {
            throw TokenizerError.missingKey(file: name, key: "added_tokens", expected: "an array of objects")
        }
        return try entries.map { entry in
            guard let content = entry["content"]?.stringValue, let id = entry["id"]?.intValue else {
                throw TokenizerError.missingKey(file: name, key: "added_tokens[].content/id", expected: "a string and an integer")
            }
            return (content, id, entry["special"]?.boolValue ?? false)
        }
    }
}
