// Training records ({prompt, completion}, {messages}, {text}) to token ids and labels.

import Foundation
import Tokenizers

/// Tokenises examples as Hugging Face TRL/PEFT recipes and mlx-lm do: the prompt through the
/// model's chat template with the generation prompt, then the completion's tokens and the end
/// token (`<|im_end|>` for SmolLM2), with loss on the completion only.
public struct TrainingExampleEncoder: Sendable {
    public let tokenizer: ByteLevelBPETokenizer
    public let template: ChatTemplate?
    /// Take the loss on every token, prompts and system text included.
    public var trainOnPrompt: Bool
    /// Longer sequences are cut to this many tokens.
    public var maxLength: Int

    public init(tokenizer: ByteLevelBPETokenizer, template: ChatTemplate?, trainOnPrompt: Bool = false,
                maxLength: Int = 2048) {
        self.tokenizer = tokenizer
        self.template = template
        self.trainOnPrompt = trainOnPrompt
        self.maxLength = maxLength
    }

    /// Encodes one JSON record; `where` names it in errors ("train.jsonl", line).
    public func encode(_ record: [String: Any], source: String, line: Int) throws -> TrainingSequence {
        func bad(_ reason: String) -> TrainingError { .badExample(source: source, line: line, reason: reason) }
        guard let end = tokenizer.eosID else { throw bad("the tokenizer has no end-of-sequence token") }
        var ids: [Int] = [], learn: [Bool] = []
        func append(_ part: [Int], _ learned: Bool) {
            ids += part
            learn += Array(repeating: learned || trainOnPrompt, count: part.count)
        }
        if let prompt = record["prompt"] as? String, let completion = record["completion"] as? String {
            guard let template else { throw bad("the model has no chat template for {prompt, completion} records") }
            append(tokenizer.encode(try template.render([ChatMessage(role: "user", content: prompt)])), false)
            append(tokenizer.encode(completion) + [end], true)
        } else if let list = record["messages"] as? [Any] {
            guard let template else { throw bad("the model has no chat template for {messages} records") }
            var messages: [ChatMessage] = []
            for item in list {
                guard let m = item as? [String: Any], let role = m["role"] as? String, let content = m["content"] as? String else {
                    throw bad("every message needs string 'role' and 'content'")
                }
                messages.append(ChatMessage(role: role, content: content))
            }
            // Each assistant turn is learned; the template text before it (rendered up to that turn
            // with the generation prompt) is context.
            for (i, m) in messages.enumerated() where m.role == "assistant" {
                let context = tokenizer.encode(try template.render(Array(messages[..<i])))
                guard context.count >= ids.count, Array(context[..<ids.count]) == ids else {
                    throw bad("the chat template does not render turn by turn (turn \(i) changes the text before it)")
                }
                append(Array(context[ids.count...]), false)
                append(tokenizer.encode(m.content) + [end], true)
            }
            guard learn.contains(true) else { throw bad("'messages' has no assistant turn to learn") }
        } else if let text = record["text"] as? String {
            append(tokenizer.encode(text) + [end], true)
        } else {
            throw bad("expected {\"prompt\", \"completion\"}, {\"messages\": [...]} or {\"text\"} with string values")
        }
        if ids.count > maxLength {
            ids.removeLast(ids.count - maxLength)
            learn.removeLast(learn.count - maxLength)
        }
        let labels = zip(ids, learn).map { $1 ? $0 : TrainingSequence.ignoredLabel }
        return TrainingSequence(ids: ids, labels: labels)
    }

    /// Every non-blank line of a JSONL file, encoded.
    public func encodeFile(_ path: String) throws -> [TrainingSequence] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw TrainingError.badExample(source: path, line: 0, reason: "cannot read the file as UTF-8")
        }
        var out: [TrainingSequence] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            guard let record = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                throw TrainingError.badExample(source: path, line: n + 1, reason: "not a JSON object")
            }
            out.append(try encode(record, source: path, line: n + 1))
        }
        guard out.contains(where: { $0.lossTokens > 0 }) else { throw TrainingError.noTrainableTokens(source: path) }
        return out
    }
}
