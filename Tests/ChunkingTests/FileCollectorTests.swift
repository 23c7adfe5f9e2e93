import Chunking
import Testing

@Suite struct FileCollectorTests {
    @Test func globsMatchNamesAndPaths() {
        #expect(Glob("*.md").matches("guide/keys.md"))
        #expect(!Glob("*.md").matches("guide/keys.html"))
        #expect(Glob("guide/*.md").matches("guide/keys.md"))
        #expect(!Glob("guide/*.md").matches("guide/sub/keys.md"))
        #expect(Glob("guide/**/*.md").matches("guide/sub/deep/keys.md"))
        #expect(Glob("guide/**/*.md").matches("guide/keys.md"))
        #expect(Glob("**").matches("a/b/c"))
        #expect(Glob("key?.[a-m]d").matches("keys.md"))
        #expect(!Glob("key?.[!a-m]d").matches("keys.md"))
        #expect(Glob("!_sources/**").excludes)
    }

    @Test func walksInByteOrderChoosingByExtensionAndGlob() throws {
        let all = try FileCollector().collect(Fixtures.directory)
        let ids = all.files.map(\.docID)
        #expect(ids == ids.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(ids.contains("compressed.md.gz") && ids.contains("page.xhtml"))
        #expect(all.files.first { $0.docID == "docbook.xml" }?.format == .xml)
        let html = try FileCollector(globs: [Glob("*.html"), Glob("!empty.*")]).collect(Fixtures.directory)
        #expect(html.files.map(\.docID) == ["latin1.html", "malformed.html", "page.html"])
        let single = try FileCollector().collect(Fixtures.path("guide.md"))
        #expect(single.files.map(\.path) == [Fixtures.path("guide.md")])
        #expect(throws: ChunkingError.self) { try FileCollector().collect(Fixtures.path("missing")) }
    }
}
