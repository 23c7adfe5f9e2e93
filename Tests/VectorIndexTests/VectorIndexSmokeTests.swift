import Testing
@testable import VectorIndex

@Test func VectorIndexModuleLoads() {
    #expect(Bool(true))
}
