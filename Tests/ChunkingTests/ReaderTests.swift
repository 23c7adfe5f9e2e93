import Chunking
import Testing

@Suite struct PlainTextReaderTests {
    @Test func dropsBOMAndSplitsParagraphsAtBlankLines() throws {
        let document = try Fixtures.read("bom.txt")
        #expect(document.text.unicodeScalars.first == "F")
        #expect(Fixtures.blockTexts(document) == [
            "First paragraph line one.\nline two.", "Second paragraph été 😀.",
        ])
        // Offsets count scalars: the emoji is one, as in Python.
        let last = try #require(document.blocks.last)
        #expect(last.end - last.start == "Second paragraph été 😀.".unicodeScalars.count)
    }

    @Test func invalidUTF8NamesTheByteOffset() throws {
        #expect(throws: ChunkingError.invalidUTF8(source: "invalid-utf8.txt", byteOffset: 10)) {
            try Fixtures.read("invalid-utf8.txt")
        }
        let lossy = try Fixtures.read("invalid-utf8.txt", lossy: true)
        #expect(Fixtures.blockTexts(lossy) == ["good text \u{FFFD}\u{FFFD} bad"])
    }

    @Test func binaryFileIsRejected() throws {
        #expect(throws: ChunkingError.binary(source: "binary.txt", byteOffset: 7)) {
            try Fixtures.read("binary.txt")
        }
    }

    @Test func emptyFilesHaveNoBlocks() throws {
        for name in ["empty.txt", "empty.md", "empty.html"] {
            let document = try Fixtures.read(name)
            #expect(document.blocks.isEmpty, "\(name)")
            #expect(document.text.isEmpty, "\(name)")
        }
    }

    @Test func strictDecoderAcceptsAllWellFormedSequencesAndRejectsOthers() throws {
        let good: [UInt8] = Array("aé€😀".utf8)
        #expect(try TextDecoding.decodeUTF8(good, source: "s", lossy: false) == "aé€😀")
        // Overlong "/", a UTF-16 surrogate, a code point above U+10FFFF, a truncated sequence.
        for (bad, offset) in [([0x61, 0xC0, 0xAF], 1), ([0xED, 0xA0, 0x80], 0),
                              ([0xF4, 0x90, 0x80, 0x80], 0), ([0x61, 0x62, 0xE2, 0x82], 2)] as [([UInt8], Int)] {
            #expect(throws: ChunkingError.invalidUTF8(source: "s", byteOffset: offset)) {
                try TextDecoding.decodeUTF8(bad, source: "s", lossy: false)
            }
        }
    }
}

@Suite struct MarkdownReaderTests {
    @Test func frontMatterGoesToMeta() throws {
        let document = try Fixtures.read("guide.md")
        #expect(document.title == "Key rotation guide")
        #expect(document.meta.map(\.key) == ["title", "tags", "version", "draft", "authors"])
        #expect(document.meta.map(\.value) == [
            .string("Key rotation guide"), .array([.string("security"), .string("keys")]),
            .number("1.0"), .bool(false), .array([.string("Ada"), .string("Grace Hopper")]),
        ])
        #expect(!Fixtures.blockTexts(document).joined().contains("authors"))
    }

    @Test func headingsGiveSectionPathsAndFencesStayWhole() throws {
        let document = try Fixtures.read("guide.md")
        let blocks = Fixtures.blockTexts(document)
        #expect(blocks == [
            "# Operations",
            "Keys are rotated every ninety days. Old keys stay valid for a week.",
            "## Keys",
            "Run the rotation script:",
            "```sh\n# rotate all keys\n./rotate --all\n# not a heading\n```",
            "- first item",
            "- nested item",
            "- second item",
            "| name | days |\n|------|------|\n| api  | 90   |",
            "Setext heading\n--------------",
            "Closing text.",
        ])
        let sections = document.blocks.map { document.sections[$0.section] }
        #expect(sections[1] == ["Operations"])
        // The `#` lines inside the fence are not headings.
        #expect(sections[4] == ["Operations", "Keys"])
        #expect(sections[8] == ["Operations", "Keys"])
        #expect(sections[10] == ["Operations", "Setext heading"])
        #expect(document.blocks[4].kind == .lines)
        #expect(document.blocks[8].kind == .lines)
        #expect(document.blocks[0].kind == .heading)
    }

    @Test func gzipCompressedFilesAreRead() throws {
        let plain = try Fixtures.read("guide.md")
        let compressed = try Fixtures.read("compressed.md.gz")
        #expect(compressed == plain)
    }
}

@Suite struct HTMLReaderTests {
    @Test func keepsContentAndDropsChrome() throws {
        let document = try Fixtures.read("page.html")
        #expect(document.title == "Widget & Co manual")
        #expect(Fixtures.blockTexts(document) == [
            "Widgets",
            "Widgets <really> work — café ☺ \u{A0}fine.",
            "Setup",
            "- Install",
            "- Download",
            "- Unpack",
            "- Configure",
            "1. One",
            "2. Two",
            "Table",
            "Sizes",
            "Name | Size\nsmall | 1\nlarge | 10",
            "Code",
            "def f():\n    return 1  # keep   spacing",
        ])
        #expect(!document.text.contains("MUST-NOT-APPEAR"))
        let sections = document.blocks.map { document.sections[$0.section] }
        #expect(sections[1] == ["Widgets"])
        #expect(sections[5] == ["Widgets", "Setup"])
        #expect(sections[11] == ["Widgets", "Setup", "Table"])
        #expect(sections[13] == ["Widgets", "Code"])
        #expect(document.blocks[11].kind == .lines)
        #expect(document.blocks[13].kind == .lines)
    }

    @Test func honoursDeclaredCharset() throws {
        let document = try Fixtures.read("latin1.html")
        #expect(document.title == "Café")
        #expect(Fixtures.blockTexts(document) == ["Crème brûlée coûte 5 ¤."])
    }

    @Test func recoversFromMalformedMarkup() throws {
        let document = try Fixtures.read("malformed.html")
        let text = document.text
        for expected in ["Broken page", "First paragraph", "italic?", "Second paragraph", "- one", "- two",
                         "unclosed div", "cell | other", "After table © 2024"] {
            #expect(text.contains(expected), "\(expected) missing from \(text)")
        }
    }

    @Test func blockOffsetsMatchTheText() throws {
        for name in ["page.html", "malformed.html", "latin1.html", "docbook.xml", "guide.md", "page.xhtml"] {
            let document = try Fixtures.read(name)
            var previousEnd = 0
            for block in document.blocks {
                #expect(block.start >= previousEnd && block.end > block.start, "\(name)")
                let text = document.slice(block.start, block.end)
                #expect(!(text.unicodeScalars.last!.properties.isWhitespace), "\(name)")
                previousEnd = block.end
            }
        }
    }
}

@Suite struct XMLReaderTests {
    @Test func docBookTitlesGiveSections() throws {
        let document = try Fixtures.read("docbook.xml")
        #expect(document.title == "The Widget Book")
        #expect(Fixtures.blockTexts(document) == [
            "The Widget Book", "Installing", "Use the install tool.", "On Linux", "Run it as root.",
            "sudo ./install\n  --prefix /usr", "Using", "Widgets are fun.",
        ])
        let sections = document.blocks.map { document.sections[$0.section] }
        #expect(sections[4] == ["The Widget Book", "Installing", "On Linux"])
        #expect(sections[5] == ["The Widget Book", "Installing", "On Linux"])
        #expect(sections[7] == ["The Widget Book", "Using"])
        #expect(document.blocks[5].kind == .lines)
    }

    @Test func externalEntitiesAreNeverLoaded() throws {
        let document = try Fixtures.read("xxe.xml")
        #expect(!document.text.contains("SECRET"))
        #expect(Fixtures.blockTexts(document) == [
            "Before after.", "Remote end.", "Internal internal value here.",
        ])
    }

    @Test func xhtmlIsReadAsHTML() throws {
        let document = try Fixtures.read("page.xhtml")
        #expect(document.title == "XHTML page")
        #expect(Fixtures.blockTexts(document) == ["Top", "Intro text.", "Sub", "Sub text."])
        #expect(document.sections[document.blocks[3].section] == ["Top", "Sub"])
    }

    @Test func malformedXMLIsAnErrorWithALine() throws {
        #expect {
            try Fixtures.read("bad.xml")
        } throws: { error in
            guard case let .malformed(source, line, _)? = error as? ChunkingError else { return false }
            return source == "bad.xml" && line == 5  // libxml2 reports the premature end on the last line
        }
    }
}
