import Foundation

/// Reads the JSON configuration files of tokenizer folders (tokenizer.json, tokenizer_config.json,
/// sentence_bert_config.json). Kept to this one file so that it can move onto LoragBasics' JSON
/// values without touching the tokenizers themselves. Not yet: LoragBasics' parser checks each
/// object key against all earlier ones, which took 1.5 s on MiniLM's 30,522-key vocabulary
/// against 0.02 s here (measured). Caveat of this parser on Linux: it drops a literal U+FEFF
/// inside strings (no vocabulary used here has one).
enum TokenizerJSON {
    /// The top-level object of a JSON file; `name` is used in error messages.
    static func object(_ data: Data, name: String) throws -> [String: Any] {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw TokenizerError.unreadableFile(path: name, reason: "not valid JSON (\(error.localizedDescription))")
        }
        guard let object = value as? [String: Any] else {
            throw TokenizerError.unreadableFile(path: name, reason: "expected a JSON object at the top level")
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

    /// An integer held in a JSON number (JSONSerialization yields NSNumber / Int / Double).
    static func int(_ value: Any?) -> Int? {
        if let i = value as? Int { return i }
        if let n = value as? NSNumber { return n.intValue }
        return nil
    }

    /// `tokenizer.json`'s `added_tokens`: content, id, and whether it is special.
    static func addedTokens(_ root: [String: Any], name: String) throws -> [(content: String, id: Int, special: Bool)] {
        guard let list = root["added_tokens"] else { return [] }
        guard let entries = list as? [[String: Any]] else {
            throw TokenizerError.missingKey(file: name, key: "added_tokens", expected: "an array of objects")
        }
        return try entries.map { entry in
            guard let content = entry["content"] as? String, let id = int(entry["id"]) else {
                throw TokenizerError.missingKey(file: name, key: "added_tokens[].content/id", expected: "a string and an integer")
            }
            return (content, id, (entry["special"] as? Bool) ?? false)
        }
    }
}
