import Testing
import TensorCore

@Suite struct TensorTests {
    @Test func storageIsAlignedAndZeroed() {
        for shape in [[0], [1], [3, 5], [2, 3, 7]] {
            let t = Tensor(shape: shape)
            #expect(Int(bitPattern: t.data) % 64 == 0)
            #expect(t.count == shape.reduce(1, *))
            #expect(t.toArray().allSatisfy { $0 == 0 })
        }
    }

    @Test func matrixFoldsLeadingDimensions() {
        let t = Tensor(shape: [2, 3, 4], values: (0..<24).map(Float.init))
        let m = t.matrix
        #expect(m.rows == 6 && m.cols == 4 && m.isContiguous)
        #expect(m[5, 3] == 23)
        #expect(t.row(2)[1] == 9)
        #expect(t.matrix(rows: 4, cols: 6)[1, 0] == 6)
    }

    @Test func rowAndColumnWindowsShareMemory() {
        let t = Tensor(shape: [4, 6], values: (0..<24).map(Float.init))
        let head = t.matrix.columns(2..<4)
        #expect(head.rows == 4 && head.cols == 2 && head.rowStride == 6 && !head.isContiguous)
        #expect(head[1, 0] == 8 && head[3, 1] == 21)
        let lower = t.matrix.rows(2..<4)
        #expect(lower[0, 0] == 12)
        head[0, 1] = -1
        #expect(t.data[3] == -1)
        #expect(t.matrix.advanced(by: 6)[0, 0] == 6)
        #expect(t.matrix.reshaped(rows: 3, cols: 8)[2, 7] == 23)
    }

    @Test func copyAndZero() {
        let a = Tensor(shape: [5], values: [1, 2, 3, 4, 5])
        let b = Tensor(shape: [5])
        b.copy(from: a)
        #expect(b.toArray() == [1, 2, 3, 4, 5])
        a.zero()
        #expect(a.toArray() == [0, 0, 0, 0, 0])
    }
}
