/// The text of a grounded prompt: numbered passages and the question, laid out by a template
/// with the placeholders `{context}` and `{question}` (`--rag-template FILE`).
public struct RAGTemplate: Sendable, Equatable {
    public static let contextPlaceholder = "{context}"
    public static let questionPlaceholder = "{question}"

    /// The default asks for answers from the passages only, cited by number, as RAG papers and
    /// `llm`'s fragments do.
    public static let standard = RAGTemplate(validated: """
        Answer the question using only the numbered sources below. Cite the sources you use \
        by their numbers, like [1] or [2]. If the sources do not contain the answer, say so.

        {context}

        Question: {question}
        """)

    public let text: String

    private init(validated text: String) { self.text = text }

    /// - Parameter name: where the template came from, for the error message.
    public init(text: String, name: String) throws(GenerationError) {
        for placeholder in [Self.contextPlaceholder, Self.questionPlaceholder] where !text.contains(placeholder) {
            throw .badTemplate("\(name): the RAG template must contain \(placeholder) "
                + "(placeholders: \(Self.contextPlaceholder) for the numbered passages, \(Self.questionPlaceholder) for the query)")
        }
        self.text = text
    }

    /// One passage as the model sees it: `[n] (source) text`.
    public static func passage(number: Int, hit: RetrievedHit) -> String {
        let source = hit.record["source"]?.stringValue ?? hit.record["id"]?.stringValue
        return source.map { "[\(number)] (\($0)) \(hit.text)" } ?? "[\(number)] \(hit.text)"
    }

    /// The template filled with `hits` (numbered from 1 in order) and `question`. Placeholders
    /// are replaced in one pass, so braces inside passages are left alone.
    public func render(question: String, hits: ArraySlice<RetrievedHit>) -> String {
        let context = hits.enumerated().map { Self.passage(number: $0.offset + 1, hit: $0.element) }.joined(separator: "\n\n")
        var out = ""
        var rest = text[...]
        while let brace = rest.firstIndex(of: "{") {
            out += rest[..<brace]
            let tail = rest[brace...]
            if tail.hasPrefix(Self.contextPlaceholder) {
                out += context
                rest = tail.dropFirst(Self.contextPlaceholder.count)
            } else if tail.hasPrefix(Self.questionPlaceholder) {
                out += question
                rest = tail.dropFirst(Self.questionPlaceholder.count)
            } else {
                out += "{"
                rest = tail.dropFirst()
            }
        }
        return out + rest
    }
}
