import LoragBasics
import ToolSupport
import VectorIndex

/// One input line as a query.
struct Query {
    var text: String
    var k: Int
    var embedding: [Float]?
    var model: String?
    /// What the output record starts from: the query's own fields (without its embedding).
    var record: JSONObject
    var location: InputLocation

    init?(line: UnsafeBufferPointer<UInt8>, defaultK: Int, at location: InputLocation) throws(ToolError) {
        self.location = location
        let first = line.first { $0 != 0x20 && $0 != 0x09 }
        guard let first else { return nil }
        guard first == UInt8(ascii: "{") else {
            text = String(decoding: line, as: UTF8.self)
            k = defaultK
            record = ["query": .string(text)]
            return
        }
        let parsed: (record: JSONObject, floats: [Float]?)
        do { parsed = try JSONParser.parseRecord(line, floatField: "embedding") } catch {
            throw .badData(error.description, at: location)
        }
        var record = parsed.record
        guard case let .string(text)? = record["query"] else {
            throw .badData(record["query"] == nil ? "missing key \"query\"" : "\"query\" is not a string", at: location)
        }
        self.text = text
        k = defaultK
        if let value = record["k"] {
            guard let n = value.intValue, n >= 1 else { throw .badData("\"k\" must be a positive integer", at: location) }
            k = n
        }
        embedding = parsed.floats
        switch record["embedding"] {
        case nil: break
        case let .string(text)?:
            do { embedding = try Base64Floats.decode(text, item: "\"embedding\"") } catch {
                throw .badData(error.description, at: location)
            }
        case let value?:
            throw .badData("\"embedding\" is \(value.kindName), expected an array of numbers or a base64 string", at: location)
        }
        if case let .string(model)? = record.removeValue(forKey: "embedding_model") { self.model = model }
        _ = record.removeValue(forKey: "embedding")
        self.record = record
    }
}
