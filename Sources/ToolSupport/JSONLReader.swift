import LoragBasics

/// JSON Lines records (one object per line) from a `LineReader`. Blank lines are skipped; any
/// other line that is not a JSON object is a data error naming `<file>:<line>`.
public final class JSONLReader {
    public let lines: LineReader

    public init(_ lines: LineReader) {
        self.lines = lines
    }

    /// Reads the files named on the command line, or stdin.
    public convenience init(paths: [String]) {
        self.init(LineReader(paths: paths))
    }

    /// Where the last record came from, for messages about its content.
    public var location: InputLocation { lines.location }

    /// The next record, or nil at the end of the input.
    public func next() throws(ToolError) -> JSONObject? {
        guard let line = try nextNonBlankLine() else { return nil }
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw .badData(error.description, at: location)
        }
        guard case let .object(object) = value else {
            throw .badData("expected a JSON object, found \(value.kindName)", at: location)
        }
        return object
    }

    /// The next record with its member `floatField` read straight into Float32s (see
    /// `JSONParser.parseRecord`): the path for embedded records.
    public func next(floatField: String) throws(ToolError) -> (record: JSONObject, floats: [Float]?)? {
        guard let line = try nextNonBlankLine() else { return nil }
        do {
            return try JSONParser.parseRecord(line, floatField: floatField)
        } catch {
            throw .badData(error.description, at: location)
        }
    }

    private func nextNonBlankLine() throws(ToolError) -> UnsafeBufferPointer<UInt8>? {
        while let line = try lines.nextLine() {
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return line }
        }
        return nil
    }
}
