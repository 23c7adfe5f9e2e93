// A sentence-transformers model folder, loaded: tokenizer, BERT encoder, pooling, normalisation,
// and the identity written into every embedded record.

import Foundation
import LoragBasics
import ModelFiles
import TensorCore
import Tokenizers

/// Everything needed to turn a text into its embedding, from a folder laid out as
/// sentence-transformers saves it: `config.json`, `model.safetensors`, `tokenizer.json` or
/// `vocab.txt`, `modules.json`, `1_Pooling/config.json`, `sentence_bert_config.json`.
public final class SentenceEmbedder: @unchecked Sendable {
    public let encoder: BertEncoder
    public let tokenizer: WordPieceTokenizer
    public let pooling: Pooling
    /// Whether modules.json ends with a Normalize module (unit-length embeddings).
    public let normalizes: Bool
    /// `<folder name>@sha256:<first 16 hex digits of model.safetensors>`: the same weights give
    /// the same identity whatever the folder's path, so `index` can tell models apart.
    public let identity: String

    /// Length of each embedding.
    public var dimension: Int { pooling.dimension(hidden: encoder.configuration.hiddenSize) }
    /// The most tokens of a text the model sees, `[CLS]` and `[SEP]` included.
    public var maxTokens: Int { tokenizer.maxLength }

    public init(encoder: BertEncoder, tokenizer: WordPieceTokenizer, pooling: Pooling, normalizes: Bool, identity: String) {
        self.encoder = encoder
        var tokenizer = tokenizer
        // A longer limit than the position table would index past it.
        tokenizer.maxLength = min(tokenizer.maxLength, encoder.configuration.maxPositions)
        self.tokenizer = tokenizer
        self.pooling = pooling
        self.normalizes = normalizes
        self.identity = identity
    }

    /// Loads the model in `folder`.
    public convenience init(folder path: String) throws(EmbeddingError) {
        let folder = URL(fileURLWithPath: path)
        func text(_ name: String) throws(EmbeddingError) -> String? {
            let url = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            do {
                return try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw .unreadableModel(path: url.path, reason: "cannot read: \(error.localizedDescription)")
            }
        }
        guard let configText = try text("config.json") else {
            throw .unreadableModel(path: path, reason: "no config.json: not a Hugging Face model folder")
        }
        let config = try BertConfiguration(json: configText, file: folder.appendingPathComponent("config.json").path)

        let (poolingPath, normalizes) = try SentenceEmbedder.modules(try text("modules.json"),
                                                                     file: folder.appendingPathComponent("modules.json").path)
        let pooling: Pooling
        if let poolingPath, let poolingText = try text(poolingPath + "/config.json") {
            pooling = try Pooling(json: poolingText, file: folder.appendingPathComponent(poolingPath + "/config.json").path)
        } else {
            // sentence-transformers' own default for a plain Hugging Face folder.
            pooling = Pooling(modes: [.mean])
        }

        let weightsPath = folder.appendingPathComponent("model.safetensors").path
        let weights: SafetensorsFile
        do {
            weights = try SafetensorsFile(path: weightsPath)
        } catch {
            throw .unreadableModel(path: weightsPath, reason: "\(error)")
        }
        let encoder = try BertEncoder(configuration: config, weights: weights)
        let tokenizer: WordPieceTokenizer
        do {
            tokenizer = try WordPieceTokenizer.load(folder: folder)
        } catch {
            throw .unreadableModel(path: path, reason: "tokenizer: \(error)")
        }
        guard tokenizer.vocabulary.count <= config.vocabularySize else {
            throw .badConfiguration(file: folder.appendingPathComponent("config.json").path, key: "vocab_size",
                                    expected: "at least the tokenizer's \(tokenizer.vocabulary.count) tokens",
                                    found: "\(config.vocabularySize)")
        }
        let digest = SHA256.hash(UnsafeRawBufferPointer(start: weights.file.base, count: weights.file.size))
        self.init(encoder: encoder, tokenizer: tokenizer, pooling: pooling, normalizes: normalizes,
                  identity: "\(folder.lastPathComponent)@sha256:\(digest.hex.prefix(16))")
    }

    /// The pooling folder and whether a Normalize module follows, from `modules.json` (nil text:
    /// no file, a plain Hugging Face folder).
    static func modules(_ text: String?, file: String) throws(EmbeddingError) -> (pooling: String?, normalizes: Bool) {
        guard let text else { return (nil, false) }
        let root: JSONValue
        do {
            root = try JSONValue(parsing: text)
        } catch {
            throw .unreadableModel(path: file, reason: "not JSON: \(error)")
        }
        guard let modules = root.arrayValue else {
            throw .unreadableModel(path: file, reason: "expected a JSON array of modules, found \(root.kindName)")
        }
        var pooling: String?
        var normalizes = false
        for module in modules {
            let type = module["type"]?.stringValue ?? "nothing"
            switch type.split(separator: ".").last.map(String.init) {
            case "Transformer": continue
            case "Pooling": pooling = module["path"]?.stringValue ?? "1_Pooling"
            case "Normalize": normalizes = true
            default:
                throw .unsupported(file: file, what: "module", found: type,
                                   supported: "Transformer, Pooling, Normalize (sentence_transformers.models)")
            }
        }
        return (pooling, normalizes)
    }

    /// The token ids of `text` (truncated to `maxTokens`) and how many there would be untruncated.
    public func tokenize(_ text: String) -> WordPieceEncoding {
        tokenizer.encode(text)
    }

    /// Pools and (if the model says so) normalises the packed hidden states of a batch, writing
    /// sequence i's embedding to `outputs[i]` (`dimension` floats each).
    public func pool(_ hidden: MatrixView, lengths: [Int], into outputs: [UnsafeMutablePointer<Float>]) {
        precondition(lengths.count == outputs.count, "\(lengths.count) sequences, \(outputs.count) outputs")
        var start = 0
        for (length, out) in zip(lengths, outputs) {
            pooling.pool(hidden.rows(start..<(start + length)), into: out)
            if normalizes { Pooling.normalize(out, count: dimension) }
            start += length
        }
    }
}
