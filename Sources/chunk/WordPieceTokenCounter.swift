import Chunking
import Tokenizers

/// The embedding model's tokenizer as the chunker's counter: counts without [CLS]/[SEP], additive
/// across the whitespace BERT's pre-tokenizer splits at, token starts from one pass per document.
struct WordPieceTokenCounter: TokenCounter {
    let tokenizer: WordPieceTokenizer

    func count(_ text: Substring) -> Int { tokenizer.count(String(text)) }

    func separates(_ scalar: Unicode.Scalar) -> Bool { tokenizer.separatesWords(scalar) }

    func forEachTokenStart(_ text: Substring, _ body: (Int) -> Void) {
        tokenizer.forEachToken(String(text)) { _, range in body(range.lowerBound) }
    }
}
