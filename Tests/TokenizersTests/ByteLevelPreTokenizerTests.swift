import Testing
import Tokenizers

/// Hand-worked splits of each expression (see ByteLevelPreTokenizer's documentation), covering
/// contractions, whitespace runs before words and line breaks, digit grouping and punctuation.
@Suite struct ByteLevelPreTokenizerTests {
    let text = "Hello world's  end\n\n  x 12345 (ok) IT'S"

    @Test func gpt2() {
        #expect(ByteLevelPreTokenizer.gpt2.words(text) ==
            ["Hello", " world", "'s", " ", " end", "\n\n ", " x", " 12345", " (", "ok", ")", " IT", "'", "S"])
    }

    @Test func smollmSplitsEveryDigit() {
        #expect(ByteLevelPreTokenizer.smollm.words("a  1 x42") == ["a", "  ", "1", " x", "4", "2"])
        #expect(ByteLevelPreTokenizer.gpt2.words("a  1 x42") == ["a", " ", " 1", " x", "42"])
    }

    @Test func llama3() {
        #expect(ByteLevelPreTokenizer.llama3.words(text) ==
            ["Hello", " world", "'s", " ", " end", "\n\n", " ", " x", " ", "123", "45", " (", "ok", ")", " IT", "'S"])
        #expect(ByteLevelPreTokenizer.llama3.words("x.\n\ny\t(z") == ["x", ".\n\n", "y", "\t", "(z"])
    }

    @Test func qwen2() {
        #expect(ByteLevelPreTokenizer.qwen2.words("v 2024!") == ["v", " ", "2", "0", "2", "4", "!"])
    }

    @Test func ggmlNames() throws {
        #expect(try ByteLevelPreTokenizer(ggmlName: "smollm") == .smollm)
        #expect(try ByteLevelPreTokenizer(ggmlName: "llama-bpe") == .llama3)
        #expect(throws: TokenizerError.self) { try ByteLevelPreTokenizer(ggmlName: "deepseek-coder") }
    }
}
