/// Extracts readable text and heading structure from an HTML (or XHTML) tree built by libxml2.
///
/// What is kept: the title, headings h1–h6 (which also give each block its section path),
/// paragraphs and other block elements, list items (as "- item" or "3. item", nested items as
/// blocks of their own), tables (one line per row, cells joined by " | "), and `pre` verbatim.
/// What is dropped: script, style and other non-content elements; `nav`, page-level `header` and
/// `footer` and their ARIA roles (navigation, banner, contentinfo, search, menus); hidden
/// elements (`hidden`, `aria-hidden="true"`, inline `display:none`/`visibility:hidden`);
/// comments; and permalink anchors inside headings ("¶", "#"). When the page marks its main
/// content (`<main>` or `role="main"`), only that is read; otherwise lists and divisions made of
/// nothing but links are taken for navigation and dropped, as readability-style extractors do.
struct HTMLWalker {
    private var builder = TextBuilder()
    private var headings: [(level: Int, text: String)] = []
    private var lists: [(ordered: Bool, count: Int)] = []
    /// Inside a table cell, block boundaries become spaces: a cell is one piece of a row.
    private var cellDepth = 0
    private var dropLinkOnlyContainers = false
    private var firstH1: String?

    /// Elements whose content is never text for a reader.
    static let droppedElements: Set<String> = [
        "script", "style", "noscript", "template", "head", "title", "meta", "link", "base",
        "nav", "button", "select", "option", "optgroup", "datalist", "textarea", "input",
        "svg", "math", "iframe", "frame", "frameset", "object", "embed", "applet", "canvas",
        "audio", "video", "source", "track", "map", "area", "img", "picture", "dialog",
    ]
    /// ARIA landmark roles of page chrome: the equivalents of nav, header, footer and search.
    static let droppedRoles: Set<String> = [
        "navigation", "banner", "contentinfo", "search", "menu", "menubar", "toolbar",
    ]
    static let blockElements: Set<String> = [
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dir",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header",
        "hgroup", "hr", "html", "legend", "main", "p", "section", "summary", "caption",
    ]
    static let verbatimElements: Set<String> = ["pre", "listing", "xmp", "plaintext"]
    /// Sectioning elements: a `header` or `footer` inside one belongs to that content (HTML's
    /// rule for the banner/contentinfo roles), so it is kept.
    static let sectioningElements: Set<String> = ["article", "section", "main", "aside"]

    /// Reads the tree under `root` (the document's root element).
    static func extract(root: XMLNodeView) -> ExtractedDocument {
        var walker = HTMLWalker()
        let title = findTitle(root)
        if let main = findMain(root) {
            walker.walk(main)
        } else {
            walker.dropLinkOnlyContainers = true
            walker.walk(root)
        }
        walker.builder.endBlock()
        return walker.builder.document(title: title ?? walker.firstH1)
    }

    private mutating func walk(_ node: XMLNodeView) {
        if node.isText {
            let content = node.content
            if !Self.isPlaceholder(content) { builder.appendInline(content) }
            return
        }
        guard node.isElement else { return }
        let name = node.name.lowercased()
        if isDropped(node, name: name) { return }

        if cellDepth > 0 {
            // Everything inside a cell is inline text of that cell.
            if name == "br" || Self.blockElements.contains(name) || name == "li" || name == "tr"
                || name == "td" || name == "th" || Self.headingLevel(name) != nil {
                builder.appendInline(" ")
            }
            if Self.verbatimElements.contains(name) {
                builder.appendInline(node.textContent)
            } else {
                walkChildren(node)
            }
            return
        }

        if let level = Self.headingLevel(name) {
            heading(node, level: level)
        } else if Self.verbatimElements.contains(name) {
            builder.appendVerbatimBlock(node.textContent)
        } else if name == "table" {
            table(node)
        } else if name == "ul" || name == "ol" || name == "menu" || name == "dir" {
            builder.endBlock()
            lists.append((ordered: name == "ol", count: 0))
            walkChildren(node)
            lists.removeLast()
            builder.endBlock()
        } else if name == "li" {
            builder.endBlock()
            if lists.isEmpty {
                builder.prefix = "- "
            } else {
                lists[lists.count - 1].count += 1
                let list = lists[lists.count - 1]
                builder.prefix = list.ordered ? "\(list.count). " : "- "
            }
            walkChildren(node)
            builder.endBlock()
        } else if name == "br" {
            builder.appendLineBreak()
        } else if Self.blockElements.contains(name) {
            builder.endBlock()
            walkChildren(node)
            builder.endBlock()
        } else {
            walkChildren(node)
        }
    }

    private mutating func walkChildren(_ node: XMLNodeView) {
        for child in node.children { walk(child) }
    }

    private mutating func heading(_ node: XMLNodeView, level: Int) {
        builder.endBlock()
        walkChildren(node)
        let text = builder.takePending()
        guard !text.isEmpty else { return }
        if level == 1 && firstH1 == nil { firstH1 = text }
        while let last = headings.last, last.level >= level { headings.removeLast() }
        headings.append((level: level, text: text))
        builder.setSection(headings.map(\.text))
        builder.addBlock(text, kind: .heading)
    }

    /// A table becomes one block with a line per row; a caption becomes a paragraph before it.
    private mutating func table(_ node: XMLNodeView) {
        builder.endBlock()
        var rows: [String] = []
        func collectRows(_ parent: XMLNodeView, into rows: inout [String], walker: inout HTMLWalker) {
            for child in parent.children where child.isElement {
                let name = child.name.lowercased()
                if walker.isDropped(child, name: name) { continue }
                switch name {
                case "caption":
                    walker.walkChildren(child)
                    walker.builder.endBlock()
                case "thead", "tbody", "tfoot":
                    collectRows(child, into: &rows, walker: &walker)
                case "tr":
                    var cells: [String] = []
                    for cell in child.children where cell.isElement {
                        let cellName = cell.name.lowercased()
                        guard cellName == "td" || cellName == "th",
                              !walker.isDropped(cell, name: cellName) else { continue }
                        walker.cellDepth += 1
                        walker.walkChildren(cell)
                        walker.cellDepth -= 1
                        cells.append(walker.builder.takePending())
                    }
                    if cells.contains(where: { !$0.isEmpty }) {
                        rows.append(cells.joined(separator: " | "))
                    }
                default:
                    break
                }
            }
        }
        collectRows(node, into: &rows, walker: &self)
        builder.addBlock(rows.joined(separator: "\n"), kind: .lines)
    }

    private func isDropped(_ node: XMLNodeView, name: String) -> Bool {
        if Self.droppedElements.contains(name) { return true }
        if (name == "header" || name == "footer") && !Self.hasSectioningAncestor(node) { return true }
        if let role = node.attribute("role")?.lowercased(), Self.droppedRoles.contains(role) {
            return true
        }
        if node.attribute("hidden") != nil { return true }
        if node.attribute("aria-hidden")?.lowercased() == "true" { return true }
        if let style = node.attribute("style") {
            let compact = style.lowercased().filter { !$0.isWhitespace }
            if compact.contains("display:none") || compact.contains("visibility:hidden") {
                return true
            }
        }
        if name == "a" && Self.isPermalink(node) { return true }
        if dropLinkOnlyContainers && (name == "ul" || name == "ol" || name == "div"
            || name == "menu" || name == "dl") && Self.isLinkOnly(node) {
            return true
        }
        return false
    }

    /// A text node that is nothing but a template placeholder a site generator left unexpanded
    /// (`__NAME__`, `{{ name }}`): Node.js's pages carry `__JS_FLAVORED_DYNAMIC_CSS__` in <head>.
    static func isPlaceholder(_ text: String) -> Bool {
        let t = TextBuilder.trim(text)
        guard t.count > 4 else { return false }
        if t.hasPrefix("__") && t.hasSuffix("__") {
            return t.unicodeScalars.allSatisfy { $0 == "_" || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
        }
        return t.hasPrefix("{{") && t.hasSuffix("}}") && !t.dropFirst(2).dropLast(2).contains("}")
    }

    static func headingLevel(_ name: String) -> Int? {
        guard name.count == 2, name.first == "h", let digit = name.last?.wholeNumberValue,
              (1...6).contains(digit) else { return nil }
        return digit
    }

    /// A link to an anchor in the same page whose text is a single symbol: the "¶" Sphinx and the
    /// "#" Node.js put beside each heading.
    static func isPermalink(_ node: XMLNodeView) -> Bool {
        guard let href = node.attribute("href"), href.hasPrefix("#") else { return false }
        let text = TextBuilder.trim(node.textContent)
        guard text.unicodeScalars.count == 1, let symbol = text.unicodeScalars.first else { return false }
        return !symbol.properties.isAlphabetic && symbol.properties.numericType == nil
    }

    /// True when the element has visible text and all of it is inside links.
    static func isLinkOnly(_ node: XMLNodeView) -> Bool {
        var linkText = false
        var otherText = false
        func scan(_ n: XMLNodeView, insideLink: Bool) {
            for child in n.children {
                if otherText { return }
                if child.isText {
                    if child.content.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) {
                        if insideLink { linkText = true } else { otherText = true }
                    }
                } else if child.isElement {
                    let name = child.name.lowercased()
                    if droppedElements.contains(name) { continue }
                    scan(child, insideLink: insideLink || name == "a")
                }
            }
        }
        scan(node, insideLink: false)
        return linkText && !otherText
    }

    static func hasSectioningAncestor(_ node: XMLNodeView) -> Bool {
        var parent = node.parent
        while let p = parent, p.isElement {
            if sectioningElements.contains(p.name.lowercased()) { return true }
            parent = p.parent
        }
        return false
    }

    /// The first `<main>` or `role="main"` element, in document order.
    static func findMain(_ node: XMLNodeView) -> XMLNodeView? {
        for child in node.children where child.isElement {
            if child.name.lowercased() == "main" || child.attribute("role")?.lowercased() == "main" {
                return child
            }
            if let found = findMain(child) { return found }
        }
        return nil
    }

    /// The text of the first `<title>` outside SVG and MathML (which have titles of their own).
    static func findTitle(_ node: XMLNodeView) -> String? {
        for child in node.children where child.isElement {
            let name = child.name.lowercased()
            if name == "svg" || name == "math" { continue }
            if name == "title" {
                let text = TextBuilder.trim(collapseWhitespace(child.textContent))
                if !text.isEmpty { return text }
            }
            if let found = findTitle(child) { return found }
        }
        return nil
    }

    static func collapseWhitespace(_ s: String) -> String {
        var builder = TextBuilder()
        builder.appendInline(s)
        return builder.takePending()
    }
}
