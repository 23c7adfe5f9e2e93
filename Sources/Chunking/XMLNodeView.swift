internal import CLibXML2

/// A read-only view of one libxml2 tree node, so that the walkers read names, attributes and
/// text without touching C pointers directly. Valid only while its document is alive.
struct XMLNodeView {
    let pointer: xmlNodePtr

    init(_ pointer: xmlNodePtr) { self.pointer = pointer }

    var type: xmlElementType { pointer.pointee.type }
    var isElement: Bool { type == XML_ELEMENT_NODE }
    /// Text and CDATA nodes carry character data.
    var isText: Bool { type == XML_TEXT_NODE || type == XML_CDATA_SECTION_NODE }

    /// The element's local name (libxml2's HTML parser lowercases HTML names; XML keeps case).
    var name: String {
        guard let name = pointer.pointee.name else { return "" }
        return String(cString: name)
    }

    /// The character data of a text or CDATA node.
    var content: String {
        guard let content = pointer.pointee.content else { return "" }
        return String(cString: content)
    }

    var parent: XMLNodeView? {
        pointer.pointee.parent.map(XMLNodeView.init)
    }

    var children: ChildSequence { ChildSequence(first: pointer.pointee.children) }

    /// An attribute's value, read from the attribute's text children. Walking the property list
    /// avoids `xmlGetProp`, whose result must be released through libxml2's `xmlFree` macro.
    func attribute(_ wanted: String) -> String? {
        var property = pointer.pointee.properties
        while let p = property {
            if let name = p.pointee.name, String(cString: name) == wanted {
                var value = ""
                var child = p.pointee.children
                while let c = child {
                    if let content = c.pointee.content { value += String(cString: content) }
                    child = c.pointee.next
                }
                return value
            }
            property = p.pointee.next
        }
        return nil
    }

    /// The concatenated character data of this node and its descendants, in document order.
    var textContent: String {
        if isText { return content }
        var out = ""
        for child in children where child.isText || child.isElement { out += child.textContent }
        return out
    }

    struct ChildSequence: Sequence, IteratorProtocol {
        var next_: xmlNodePtr?
        init(first: xmlNodePtr?) { next_ = first }
        mutating func next() -> XMLNodeView? {
            guard let node = next_ else { return nil }
            next_ = node.pointee.next
            return XMLNodeView(node)
        }
    }
}

/// libxml2 must be initialised once before it is used from several threads. The external entity
/// loader is replaced by one that refuses everything, so no parse can read a DTD or an external
/// entity from disk or network whatever its options.
let libxml2Initialised: Void = {
    xmlInitParser()
    xmlSetExternalEntityLoader { _, _, _ in nil }
}()
