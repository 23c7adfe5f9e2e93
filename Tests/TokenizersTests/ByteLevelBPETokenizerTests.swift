import Foundation
import Testing
import Tokenizers

@Suite struct ByteLevelBPETokenizerTests {
    static func smolLM() throws -> ByteLevelBPETokenizer {
        let gguf = try GGUFVocabulary(TestFiles.model("SmolLM2-135M-Instruct.Q4_1.gguf"))
        #expect(gguf.pre == "smollm")
        return try ByteLevelBPETokenizer(tokens: gguf.tokens, merges: gguf.merges, tokenTypes: gguf.tokenTypes,
                                         bosID: gguf.bosID, eosID: gguf.eosID,
                                         preTokenizer: ByteLevelPreTokenizer(ggmlName: gguf.pre))
    }

    /// The 71 reference strings (ASCII, code, whitespace runs, digits, accents, CJK, emoji,
    /// control tokens written in text) give the ids of SmolLM2's own pre-tokenisation
    /// (digits split one by one, as llama.cpp's `smollm` does) and decode back to themselves.
    @Test func idsEqualReferenceAndRoundTrip() throws {
        let tokenizer = try Self.smolLM()
        #expect(tokenizer.bosID == 1 && tokenizer.eosID == 2)
        let rows = try TestFiles.jsonl("smollm2_tokenize.jsonl", as: BPERow.self)
        try #require(rows.count == 71)
        for row in rows {
            let ids = tokenizer.encode(row.text)
            #expect(ids == row.ids_digits_split, "string \(row.id): \(row.text.debugDescription)")
            #expect(tokenizer.decode(ids) == row.text)
        }
    }

    /// With plain GPT-2 pre-tokenisation the ids are those of transformers' tokenizer built from
    /// the GGUF (which ignores `tokenizer.ggml.pre`): the two differ only on "a  1".
    @Test func gpt2PreTokenizationMatchesTransformers() throws {
        let gguf = try GGUFVocabulary(TestFiles.model("SmolLM2-135M-Instruct.Q4_1.gguf"))
        let tokenizer = try ByteLevelBPETokenizer(tokens: gguf.tokens, merges: gguf.merges, tokenTypes: gguf.tokenTypes,
                                                  bosID: gguf.bosID, eosID: gguf.eosID, preTokenizer: .gpt2)
        for row in try TestFiles.jsonl("smollm2_tokenize.jsonl", as: BPERow.self) {
            #expect(tokenizer.encode(row.text) == row.ids, "string \(row.id): \(row.text.debugDescription)")
        }
        #expect(tokenizer.encode("a  1") == [81, 216, 216, 33])
    }

    /// A tokenizer.json in the shape of upstream SmolLM2's (Digits + ByteLevel, control tokens as
    /// special added tokens), written from the GGUF's arrays, loads into the same tokenizer.
    @Test func tokenizerJSONMatchesGGUF() throws {
        let gguf = try GGUFVocabulary(TestFiles.model("SmolLM2-135M-Instruct.Q4_1.gguf"))
        let vocab = Dictionary(gguf.tokens.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let added = gguf.tokens.indices.filter { gguf.tokenTypes[$0] == 3 }.map {
            ["id": $0, "content": gguf.tokens[$0], "special": true] as [String: Any]
        }
        let json: [String: Any] = [
            "added_tokens": added,
            "pre_tokenizer": ["type": "Sequence", "pretokenizers": [
                ["type": "Digits", "individual_digits": true],
                ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true],
            ]],
            "model": ["type": "BPE", "vocab": vocab, "merges": gguf.merges.map { $0.split(separator: " ").map(String.init) }],
        ]
        let tokenizer = try ByteLevelBPETokenizer(tokenizerJSON: JSONSerialization.data(withJSONObject: json),
                                                  bosToken: "<|im_start|>", eosToken: "<|im_end|>")
        #expect(tokenizer.preTokenizer == .smollm && tokenizer.bosID == 1 && tokenizer.eosID == 2)
        for row in try TestFiles.jsonl("smollm2_tokenize.jsonl", as: BPERow.self) {
            #expect(tokenizer.encode(row.text) == row.ids_digits_split, "string \(row.id)")
        }
    }

    /// The streaming decoder returns the same text as decoding all at once, whole characters only,
    /// even when a character's bytes are spread over several tokens.
    @Test func streamingDecodeHoldsIncompleteCharacters() throws {
        let tokenizer = try Self.smolLM()
        for text in ["naïve café 東京 🇫🇷 👍🏽!", "<|im_start|>user\nhi 😀<|im_end|>"] {
            var decoder = StreamingDecoder(tokenizer)
            var pieces: [String] = []
            for id in tokenizer.encode(text) { pieces.append(decoder.append(id)) }
            pieces.append(decoder.finish())
            #expect(pieces.joined() == text)
            #expect(!pieces.contains { $0.unicodeScalars.contains("\u{FFFD}") })
        }
        // Two bytes of a three-byte character are held back; the third releases it.
        let ids = "東".utf8.map { tokenizer.id(of: String(Self.alphabet($0)))! }
        var decoder = StreamingDecoder(tokenizer)
        #expect(decoder.append(ids[0]) == "")
        #expect(decoder.append(ids[1]) == "")
        #expect(decoder.append(ids[2]) == "東")
        #expect(decoder.append(ids[0]) == "")
        #expect(decoder.finish() == "\u{FFFD}")
    }

    /// Control tokens are recognised only when asked; as plain text they are tokenised like any
    /// other characters (and still decode to the same text).
    @Test func specialTokensOnlyWhenParsed() throws {
        let tokenizer = try Self.smolLM()
        let text = "<|im_start|>user"
        #expect(tokenizer.encode(text).first == 1)
        let plain = tokenizer.encode(text, parseSpecial: false)
        #expect(!plain.contains(1) && plain.count > 2)
        #expect(tokenizer.decode(plain) == text)
        #expect(tokenizer.decode(tokenizer.encode("a<|im_end|>b"), skipSpecial: true) == "ab")
    }

    /// GPT-2's printable-byte alphabet, for building byte tokens by hand.
    static func alphabet(_ byte: UInt8) -> Character {
        let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
        if printable { return Character(Unicode.Scalar(byte)) }
        let index = (0..<Int(byte)).filter { !((0x21...0x7E).contains($0) || (0xA1...0xAC).contains($0) || (0xAE...0xFF).contains($0)) }.count
        return Character(Unicode.Scalar(UInt32(256 + index))!)
    }
}
