import Testing
@testable import Tokenizers

@Test func TokenizersModuleLoads() {
    #expect(Bool(true))
}
