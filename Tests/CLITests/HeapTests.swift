import CHeap
import XCTest

/// `aeic` keeps freed blocks in the heap (see Sources/aeic/Heap.swift); on glibc the setting
/// must take, or every layer call pays for fresh pages again.
final class HeapTests: XCTestCase {
    func testRetentionTakesEffectOnGlibc() throws {
        #if canImport(Glibc)
        XCTAssertTrue(aeic_heap_retain(1 << 30))
        XCTAssertTrue(aeic_heap_retain(1 << 40), "sizes over 1 GiB are capped, not refused")
        #else
        throw XCTSkip("heap retention is a glibc setting")
        #endif
    }
}
