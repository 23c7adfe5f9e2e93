import Testing
@testable import LoragBasics

@Test func LoragBasicsModuleLoads() {
    #expect(Bool(true))
}
