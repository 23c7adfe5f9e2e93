import Testing
@testable import ToolSupport

@Test func ToolSupportModuleLoads() {
    #expect(Bool(true))
}
