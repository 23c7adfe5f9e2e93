import Testing
@testable import ModelFiles

@Test func ModelFilesModuleLoads() {
    #expect(Bool(true))
}
