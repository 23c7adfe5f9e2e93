import Testing
@testable import LoragBasics

private func parse(_ text: String) throws -> JSONValue { try JSONValue(parsing: text) }

private func parseError(_ bytes: [UInt8]) -> JSONError? {
    do { _ = try JSONValue(parsing: bytes); return nil } catch { return error }
}

private func parseError(_ text: String) -> JSONError? { parseError(Array(text.utf8)) }

@Test func roundTripKeepsKeyOrderAndNumberText() throws {
    let text = #"{"zeta":1,"alpha":[1.50,-0.0,1e5,1E-5,0.1000],"mid":{"z":null,"y":true,"x":false},"s":"é\"\\"}"#
    #expect(try parse(text).serialized() == text)
}

@Test func whitespaceIsDroppedOnOutput() throws {
    let value = try parse(" {\n\t\"a\" : [ 1 , 2 ] ,\r\n \"b\" : { } , \"c\" : [ ] } ")
    #expect(value.serialized() == #"{"a":[1,2],"b":{},"c":[]}"#)
}

@Test func accessors() throws {
    let value = try parse(#"{"text":"hi","k":5,"k2":5.0,"big":1e400,"f":0.25,"n":null,"ok":true}"#)
    #expect(value["text"]?.stringValue == "hi")
    #expect(value["k"]?.intValue == 5)
    #expect(value["k2"]?.intValue == 5)
    #expect(value["f"]?.intValue == nil)
    #expect(value["f"]?.doubleValue == 0.25)
    #expect(value["big"]?.doubleValue == nil, "overflow is nil, not infinity")
    #expect(value["n"]?.isNull == true)
    #expect(value["ok"]?.boolValue == true)
    #expect(value["missing"] == nil)
    #expect(value["text"]?.intValue == nil)
}

@Test func repeatedKeyKeepsFirstPositionAndLastValue() throws {
    #expect(try parse(#"{"a":1,"b":2,"a":3}"#).serialized() == #"{"a":3,"b":2}"#)
}

/// Large objects (a 30,000-entry tokenizer vocabulary) switch to hashed lookup; the semantics must
/// not change: repeated keys keep the first position and the last value, lookups find every key,
/// and edits keep the index consistent.
@Test func largeObjectsKeepOrderAndFindEveryKey() throws {
    let count = 40_000
    var text = "{" + (0..<count).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
    text += ",\"k5\":-5,\"k39999\":-1}"
    var object = try #require(parse(text).objectValue)
    #expect(object.count == count)
    #expect(object.keys.first == "k0" && object.keys.last == "k39999")
    #expect(object["k5"]?.intValue == -5 && object["k39999"]?.intValue == -1)
    #expect(object["k12345"]?.intValue == 12345 && object["nope"] == nil)
    object["k7"] = nil
    #expect(object["k8"]?.intValue == 8 && object.index(forKey: "k8") == 7)
    object["new"] = 1
    #expect(object.index(forKey: "new") == count - 1)
}

@Test func duplicateKeysCanBeRefused() throws {
    let text = Array(#"{"a":1,"b":{"a":2},"a":3}"#.utf8)
    #expect(throws: JSONError.duplicateKey(offset: 24, key: "a")) {
        try text.withUnsafeBufferPointer { try JSONParser.parse($0, rejectingDuplicateKeys: true) }
    }
}

@Test func objectEditingKeepsOrder() {
    var object: JSONObject = ["id": "x", "text": "t"]
    object["embedding"] = [1, 2]
    object["id"] = "y"
    object["text"] = nil
    #expect(JSONValue.object(object).serialized() == #"{"id":"y","embedding":[1,2]}"#)
}

@Test(arguments: [
    ("", 0, "end of input"),
    ("{\"a\":}", 5, "'}'"),
    ("[1,2", 4, "end of input"),
    ("[1 2]", 3, "'2'"),
    ("{\"a\" 1}", 5, "'1'"),
    ("{a:1}", 1, "'a'"),
    ("tru", 3, "end of input"),
    ("[1,]", 3, "']'"),
    ("\"abc", 4, "end of input"),
    ("\"a\tb\"", 2, "control character 0x9"),
    ("\"\\x\"", 2, "'x'"),
    ("\"\\u12G4\"", 5, "'G'"),
])
func syntaxErrorsSayWhereAndWhat(text: String, offset: Int, found: String) {
    guard case let .syntax(at, _, what)? = parseError(text) else {
        Issue.record("expected a syntax error for \(text)")
        return
    }
    #expect(at == offset)
    #expect(what == found)
}

@Test(arguments: ["-", "1.", ".5", "+1", "1e", "1e+", "-a", "NaN", "Infinity", "-Infinity", "0x10"])
func invalidNumbersAreRejected(text: String) {
    #expect(parseError(text) != nil, "\(text) is not a JSON number")
}

@Test func leadingZeroAndTrailingTextAreRejected() {
    #expect(parseError("01") == .trailingCharacters(offset: 1))
    #expect(parseError("{} {}") == .trailingCharacters(offset: 3))
}

@Test func errorDescriptionNamesOffsetExpectedAndFound() {
    #expect(parseError("[1,]")?.description == "invalid JSON at byte 3: expected a value, found ']'")
}

@Test func deepNestingIsAnErrorNotACrash() throws {
    let deep = String(repeating: "[", count: 100_000)
    #expect(parseError(deep) == .tooDeep(offset: JSONParser.defaultMaxDepth, limit: JSONParser.defaultMaxDepth))
    let limit = JSONParser.defaultMaxDepth
    let atLimit = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
    #expect(try parse(atLimit).serialized() == atLimit)
    let over = "[" + atLimit + "]"
    #expect(parseError(over) == .tooDeep(offset: limit, limit: limit))
    let objects = String(repeating: #"{"a":"#, count: 100_000)
    guard case .tooDeep? = parseError(objects) else {
        Issue.record("nested objects must hit the depth limit")
        return
    }
}

@Test(arguments: [
    ([0x22, 0xFF, 0x22], 1),                  // never valid
    ([0x22, 0x61, 0xC0, 0x80, 0x22], 2),      // overlong NUL
    ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),      // encoded surrogate U+D800
    ([0x22, 0xE2, 0x82, 0x22], 1),            // truncated sequence
    ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1), // above U+10FFFF
    ([0x22, 0x80, 0x22], 1),                  // lone continuation byte
    ([0x5B, 0xC3, 0x5D], 1),                  // outside a string
] as [([UInt8], Int)])
func invalidUTF8IsRejectedWithItsOffset(bytes: [UInt8], offset: Int) {
    #expect(parseError(bytes) == .invalidUTF8(offset: offset))
}

@Test func validMultibyteUTF8IsKept() throws {
    let text = "\"aé中😀\""
    #expect(try parse(text).stringValue == "aé中😀")
}

@Test func escapesDecodeAndLoneSurrogatesBecomeReplacementCharacters() throws {
    #expect(try parse(#""\"\\\/\b\f\n\r\t""#).stringValue == "\"\\/\u{8}\u{C}\n\r\t")
    #expect(try parse(#""\u00e9\u4E2D""#).stringValue == "é中")
    #expect(try parse(#""\ud83d\ude00""#).stringValue == "😀")
    #expect(try parse(#""\ud800""#).stringValue == "\u{FFFD}")
    #expect(try parse(#""\udc00x""#).stringValue == "\u{FFFD}x")
    #expect(try parse(#""\ud800\u0041""#).stringValue == "\u{FFFD}A")
    #expect(try parse(#""\ud800\ud83d\ude00""#).stringValue == "\u{FFFD}😀")
}

@Test func parseRecordExtractsTheFloatFieldAndKeepsTheRest() throws {
    let line = Array(#"{"id":"a#1","embedding":[0.5,-1.25e-3,3,1e-45],"meta":{"k":[1,2]}}"#.utf8)
    let (record, floats) = try line.withUnsafeBufferPointer { try JSONParser.parseRecord($0, floatField: "embedding") }
    #expect(floats == [0.5, -0.00125, 3, Float.leastNonzeroMagnitude])
    #expect(record.serialized() == #"{"id":"a#1","meta":{"k":[1,2]}}"#)
}

@Test func parseRecordLeavesANonArrayFloatFieldInPlace() throws {
    let line = Array(#"{"embedding":"AAAAPw==","id":1}"#.utf8)
    let (record, floats) = try line.withUnsafeBufferPointer { try JSONParser.parseRecord($0, floatField: "embedding") }
    #expect(floats == nil)
    #expect(record["embedding"]?.stringValue == "AAAAPw==")
}

@Test func parseRecordRejectsNonNumbersAndOverflowInTheFloatField() {
    for (text, offset) in [(#"{"e":[1,"x"]}"#, 8), (#"{"e":[1,1e39]}"#, 8), (#"[1]"#, 0)] {
        let line = Array(text.utf8)
        do {
            _ = try line.withUnsafeBufferPointer { try JSONParser.parseRecord($0, floatField: "e") }
            Issue.record("\(text) must be rejected")
        } catch {
            guard case let .syntax(at, _, _) = error as? JSONError else {
                Issue.record("\(text): \(error)")
                continue
            }
            #expect(at == offset, "\(text)")
        }
    }
}

@Test func floatArrayAccessorMatchesTheRecordPath() throws {
    let value = try parse("[0.1, -2, 3.4028235e38, 1.17549435e-38]")
    #expect(value.floatArray == [0.1, -2, .greatestFiniteMagnitude, .leastNormalMagnitude])
    #expect(try parse("[1, \"a\"]").floatArray == nil)
    #expect(try parse("[1e39]").floatArray == nil)
}
