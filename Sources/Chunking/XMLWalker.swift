internal import CLibXML2

/// Extracts text from a generic XML tree: element boundaries are paragraph breaks, except that an
/// element holding text directly (mixed content, such as DocBook's `<para>Use <command>ls</command>
/// here</para>`) is one paragraph with its inline children. A `title` child names its parent
/// element's section (DocBook's `section/title`, `chapter/title`, also inside `info`), so section
/// paths follow element nesting. Verbatim elements (`programlisting`, `screen`, ...) keep their
/// whitespace. Comments and processing instructions are dropped; entity references are expanded
/// only for internal entities whose replacement text is plain text, never for external ones.
struct XMLWalker {
    private var builder = TextBuilder()
    private var titles: [String] = []
    private var documentTitle: String?

    static let verbatimElements: Set<String> = [
        "programlisting", "screen", "literallayout", "synopsis", "pre", "computeroutput",
    ]

    static func extract(root: XMLNodeView) -> ExtractedDocument {
        var walker = XMLWalker()
        walker.element(root)
        walker.builder.endBlock()
        return walker.builder.document(title: walker.documentTitle)
    }

    private mutating func element(_ node: XMLNodeView) {
        let name = node.name
        if Self.verbatimElements.contains(name) {
            builder.appendVerbatimBlock(Self.text(of: node))
            return
        }
        if Self.hasDirectText(node) {
            builder.addBlock(HTMLWalker.collapseWhitespace(Self.text(of: node)), kind: .prose)
            return
        }
        // A `*info` element (DocBook's info, bookinfo, sect1info) carries its parent's title, so it
        // does not scope the section stack.
        let scoped = !name.lowercased().hasSuffix("info")
        let saved = titles.count
        var sawTitle = false
        builder.endBlock()
        for child in node.children where child.isElement {
            if child.name == "title" && !sawTitle {
                sawTitle = true
                let text = HTMLWalker.collapseWhitespace(Self.text(of: child))
                guard !text.isEmpty else { continue }
                if documentTitle == nil { documentTitle = text }
                titles.append(text)
                builder.setSection(titles)
                builder.addBlock(text, kind: .heading)
            } else {
                element(child)
            }
        }
        builder.endBlock()
        if scoped {
            titles.removeLast(titles.count - saved)
            builder.setSection(titles)
        }
    }

    /// True when a text child (or expanded entity) has visible characters.
    static func hasDirectText(_ node: XMLNodeView) -> Bool {
        node.children.contains { child in
            (child.isText || child.type == XML_ENTITY_REF_NODE)
                && text(of: child).unicodeScalars.contains { !$0.properties.isWhitespace }
        }
    }

    /// Character data of a node and its descendants, with safe internal entities expanded.
    static func text(of node: XMLNodeView) -> String {
        if node.isText { return node.content }
        if node.type == XML_ENTITY_REF_NODE { return entityText(node) }
        guard node.isElement else { return "" }
        var out = ""
        for child in node.children { out += text(of: child) }
        return out
    }

    /// Without XML_PARSE_NOENT libxml2 leaves `&name;` as a reference node whose `children`
    /// points at the entity declaration. Only an internal general entity whose replacement text
    /// holds no markup or further references is expanded: external entities are never read, and
    /// nested references (the "billion laughs" pattern) are not followed.
    static func entityText(_ node: XMLNodeView) -> String {
        guard let declaration = node.pointer.pointee.children,
              declaration.pointee.type == XML_ENTITY_DECL else { return "" }
        let entity = UnsafeMutableRawPointer(declaration).assumingMemoryBound(to: xmlEntity.self)
        guard entity.pointee.etype == XML_INTERNAL_GENERAL_ENTITY,
              let content = entity.pointee.content else { return "" }
        let text = String(cString: content)
        return text.contains("<") || text.contains("&") ? "" : text
    }
}
