// How an embedded record is written: the input record with "embedding" and "embedding_model"
// added (replacing any the input had), everything else untouched and in its order.

import Foundation
import LoragBasics
import ModelFiles

/// The text form of the embedding inside a JSONL record.
public enum EmbeddingEncoding: String, Sendable, CaseIterable {
    /// A JSON array of the shortest decimal texts that read back as the same Float32 values.
    case json
    /// Base64 of the little-endian Float32 bytes, as OpenAI's embeddings API returns with
    /// `encoding_format: "base64"`.
    case base64
}

/// Serialises embedded records as JSON lines.
public struct EmbeddingRecordFormat: Sendable {
    public let encoding: EmbeddingEncoding
    /// The value of "embedding_model".
    public let modelIdentity: String

    public init(encoding: EmbeddingEncoding, modelIdentity: String) {
        self.encoding = encoding
        self.modelIdentity = modelIdentity
    }

    /// Appends the JSON text of `record` with its embedding to `bytes` (no newline).
    public func write(_ record: JSONObject, embedding: UnsafeBufferPointer<Float>,
                      to bytes: inout [UInt8]) throws(EmbeddingError) {
        var record = record
        _ = record.removeValue(forKey: "embedding")
        _ = record.removeValue(forKey: "embedding_model")
        record.write(to: &bytes)
        bytes.removeLast()  // the closing brace; the two members go before it
        if !record.isEmpty { bytes.append(UInt8(ascii: ",")) }
        bytes.append(contentsOf: #""embedding":"#.utf8)
        switch encoding {
        case .json:
            do {
                try JSONValue.writeFloats(embedding, to: &bytes)
            } catch {
                throw .nonFiniteEmbedding("\(error)")
            }
        case .base64:
            JSONValue.writeString(EmbeddingRecordFormat.base64(embedding), to: &bytes)
        }
        bytes.append(contentsOf: #","embedding_model":"#.utf8)
        JSONValue.writeString(modelIdentity, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
    }

    /// Base64 of the values as little-endian Float32.
    public static func base64(_ values: UnsafeBufferPointer<Float>) -> String {
        var data = Data(count: values.count * 4)
        data.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() {
                raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
            }
        }
        return data.base64EncodedString()
    }

    /// The header of a NumPy `.npy` file holding `rows` embeddings of `cols` little-endian
    /// Float32 values, row after row; the data follows it directly.
    public static func npyHeader(rows: Int, cols: Int) -> [UInt8] {
        NpyArray.header(dtype: .float32, shape: [rows, cols])
    }
}
