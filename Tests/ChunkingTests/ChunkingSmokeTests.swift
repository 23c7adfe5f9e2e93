import Testing
@testable import Chunking

@Test func ChunkingModuleLoads() {
    #expect(Bool(true))
}
