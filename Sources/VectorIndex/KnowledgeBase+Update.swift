import LoragBasics

// Updating by id, the cron job's re-sync: an input record whose id is stored with the same
// hash is skipped; with another hash it replaces the stored one; a new id is added; with
// `prune`, stored ids absent from the input are deleted; ids in `deleteIDs` are deleted.
// Deletion is real (the graph is repaired, HNSWGraph+Deletion.swift) and the result is
// compacted, so the index never carries dead rows and its file does not grow without bound.

public struct UpdateSummary: Sendable, Equatable {
    public var added = 0
    public var replaced = 0
    public var skipped = 0
    public var deleted = 0
    /// Whether the index differs from before (false: nothing needs writing).
    public var changed: Bool { added + replaced + deleted > 0 }

    public init(added: Int = 0, replaced: Int = 0, skipped: Int = 0, deleted: Int = 0) {
        self.added = added
        self.replaced = replaced
        self.skipped = skipped
        self.deleted = deleted
    }
}

extension KnowledgeBase {
    public func update(with input: [EmbeddedRecord], prune: Bool = false,
                       deleteIDs: [String] = []) throws(VectorIndexError) -> UpdateSummary {
        // Check everything before changing anything.
        var inputIDs = Set<String>()
        for record in input where !inputIDs.insert(record.id).inserted { throw .duplicateID(record.id) }
        var newDim = dim, newModel = model
        var established = count > 0 || dim > 0
        for record in input {
            if !established {
                newDim = record.vector.count
                newModel = record.model
                established = true
            }
            guard record.vector.count == newDim else {
                throw .dimensionMismatch(item: record.item, expected: newDim, found: record.vector.count)
            }
            guard record.model == newModel else {
                throw .modelMismatch(expected: newModel ?? "an unnamed model", found: record.model ?? "an unnamed model",
                                     item: record.item)
            }
        }
        for id in deleteIDs where inputIDs.contains(id) {
            throw .badRecord(item: "delete list", reason: "id \"\(id)\" is both in the input and in the delete list")
        }

        var summary = UpdateSummary()
        var replacements: [(slot: Int32, record: EmbeddedRecord)] = []
        var additions: [EmbeddedRecord] = []
        for record in input {
            if let slot = slotOfID[record.id] {
                if hashes[Int(slot)] == record.hash {
                    summary.skipped += 1
                } else {
                    replacements.append((slot, record))
                }
            } else {
                additions.append(record)
            }
        }
        var removed = Set<Int32>()
        if prune {
            for slot in 0..<count where !inputIDs.contains(ids[slot]) { removed.insert(Int32(slot)) }
        }
        for id in deleteIDs { if let slot = slotOfID[id] { removed.insert(slot) } }
        summary.replaced = replacements.count
        summary.added = additions.count
        summary.deleted = removed.count
        guard summary.changed else { return summary }

        if dim == 0 {
            dim = newDim
            vectors = VectorMatrix(dim: newDim, capacity: additions.count)
            graph = HNSWGraph(vectors: vectors, parameters: configuration.hnsw)
        }
        model = newModel
        let threads = configuration.threads

        // Rows: replaced ones keep their slot, new ones are appended.
        let replacedSlots = replacements.map(\.slot)
        graph.remove(slots: replacedSlots + removed.sorted(), threads: threads)
        var idItems = ids.items(), hashItems = hashes.items(), recordItems = records.items()
        var texts: [String?] = Array(repeating: nil, count: count)
        for (slot, record) in replacements {
            record.vector.withUnsafeBufferPointer { vectors.set(Int(slot), $0) }
            hashItems[Int(slot)] = Array(record.hash.utf8)
            recordItems[Int(slot)] = KnowledgeBase.encode(record.fields)
            texts[Int(slot)] = EmbeddedRecord.searchableText(record.fields)
        }
        let firstNew = vectors.appendRows(additions.count)
        for (i, record) in additions.enumerated() {
            record.vector.withUnsafeBufferPointer { vectors.set(firstNew + i, $0) }
            idItems.append(Array(record.id.utf8))
            hashItems.append(Array(record.hash.utf8))
            recordItems.append(KnowledgeBase.encode(record.fields))
            texts.append(EmbeddedRecord.searchableText(record.fields))
        }
        graph.insert(slots: replacedSlots + (0..<additions.count).map { Int32(firstNew + $0) }, threads: threads)

        // Compact: drop the removed rows, renumbering the rest in order.
        let total = idItems.count
        var newSlot = [Int32](repeating: -1, count: total)
        var kept = 0
        for slot in 0..<total where !removed.contains(Int32(slot)) {
            newSlot[slot] = Int32(kept)
            kept += 1
        }
        if !removed.isEmpty {
            let compact = VectorMatrix(dim: dim, capacity: kept)
            _ = compact.appendRows(kept)
            for slot in 0..<total where newSlot[slot] >= 0 {
                compact.row(Int(newSlot[slot])).update(from: vectors.row(slot), count: dim)
            }
            let arrays = graph.arrays(newSlot: newSlot, count: kept)
            vectors = compact
            graph = HNSWGraph(vectors: compact, parameters: configuration.hnsw, arrays: arrays)
        }
        let keep = (0..<total).filter { newSlot[$0] >= 0 }
        ids = StringTable(keep.lazy.map { idItems[$0] })
        hashes = StringTable(keep.lazy.map { hashItems[$0] })
        records = StringTable(keep.lazy.map { recordItems[$0] })
        let documents = keep.map { slot in texts[slot] ?? EmbeddedRecord.searchableText(record(at: Int(newSlot[slot]))) }
        bm25 = BM25Index(documents: documents, analyzer: configuration.analyzer, parameters: configuration.bm25)
        codes = ScalarCodes(quantizing: vectors)
        var slots: [String: Int32] = [:]
        slots.reserveCapacity(ids.count)
        for i in 0..<ids.count { slots[ids[i]] = Int32(i) }
        slotOfID = slots
        return summary
    }

    static func encode(_ fields: JSONObject) -> [UInt8] {
        var bytes: [UInt8] = []
        fields.write(to: &bytes)
        return bytes
    }
}
