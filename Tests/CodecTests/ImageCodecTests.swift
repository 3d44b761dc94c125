import XCTest
import Foundation
@testable import Codec
import EntropyCoding
import NN
import Serialization

/// A tiny untrained model: enough to exercise every path of the format quickly.
func tinyCodec(seed: UInt64 = 3, kind: Architecture.Kind = .factorized) throws -> ImageCodec {
    let model = CompressionModel(Architecture(kind: kind, N: 8, M: 4, hyperN: 3, lambdas: [0.01, 0.1]), seed: seed)
    return try ImageCodec(modelFile: ImageCodec.export(model))
}

func testImage(h: Int, w: Int) -> Tensor {
    var rng = SplitMix64(seed: UInt64(h * 1000 + w))
    let data: [Float] = (0..<3 * h * w).map { (k: Int) -> Float in
        let x = Float(k % w), y = Float(k / w % h)
        return 0.5 + 0.3 * sinf(x * 0.4 + y * 0.1) + 0.1 * rng.uniform()
    }
    return Tensor(n: 1, c: 3, h: h, w: w, data: data)
}

final class ImageCodecTests: XCTestCase {
    func testRoundTripOddSizesKeepsLatents() throws {
        for kind in Architecture.Kind.allCases {
            let codec = try tinyCodec(kind: kind)
            for (h, w) in [(1, 1), (1, 17), (15, 2), (16, 16), (33, 20), (80, 120)] {
                try checkRoundTrip(codec, testImage(h: h, w: w), "\(kind) \(h)x\(w)")
            }
        }
    }

    func checkRoundTrip(_ codec: ImageCodec, _ x: Tensor, _ what: String) throws {
        let bytes = codec.compress(x, alpha: nil, channels: 3, quality: 60)
        let file = try Container(decoding: bytes, maxPixels: 1 << 20)
        XCTAssertEqual(try codec.decodeLatents(file), codec.analyse(x, quality: 60).yHat, what)
        let decoded = try codec.decompress(bytes, maxPixels: 1 << 20)
        XCTAssertEqual(decoded.rgb.shape, [1, 3, x.h, x.w], what)
        XCTAssertTrue(decoded.rgb.data.allSatisfy { $0 >= 0 && $0 <= 1 }, what)
    }

    /// Tiles change nothing but memory: g_a's outputs cut into small tiles equal those of one
    /// piece to GEMM rounding (a last bit), the quantized latents and so the file are the
    /// same, and the decoded pixels agree to GEMM rounding, at sizes the tiles do not divide.
    func testTilesGiveTheSameFile() throws {
        let model = CompressionModel(Architecture(kind: .hyperprior, N: 8, M: 4, hyperN: 3, lambdas: [0.01, 0.1]), seed: 3)
        let codec = try ImageCodec(modelFile: ImageCodec.export(model))
        var small = ImageCodec.Tiles()
        small.tile = 2
        let whole = ImageCodec.Tiles()
        for (h, w) in [(70, 97), (33, 150)] {
            let x = testImage(h: h, w: w)
            let (tiled, oneTile) = (codec.analyse(x, quality: 60, tiles: small), codec.analyse(x, quality: 60, tiles: whole))
            // GEMMs over a different number of columns may round the last bit differently.
            for (a, b) in zip(tiled.y.data, oneTile.y.data) { XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, abs(b)), "\(h)x\(w): y") }
            XCTAssertEqual(tiled.yHat, oneTile.yHat, "\(h)x\(w): ŷ")
            let a = codec.synthesise(tiled.yHat, quality: 60, height: h, width: w, tiles: small)
            let b = codec.synthesise(tiled.yHat, quality: 60, height: h, width: w, tiles: whole)
            XCTAssertLessThanOrEqual(zip(a.data, b.data).map { abs($0 - $1) }.max()!, 1e-5, "\(h)x\(w): x̂")
        }
    }

    func testAlphaIsLossless() throws {
        let codec = try tinyCodec()
        let alpha: [Float] = (0..<(9 * 7)).map { Float(($0 * 37) % 256) / 255 }
        let bytes = codec.compress(testImage(h: 9, w: 7), alpha: alpha, channels: 1, quality: 10)
        let decoded = try codec.decompress(bytes, maxPixels: 100)
        XCTAssertEqual(decoded.alpha, alpha)
        XCTAssertEqual(decoded.channels, 1)
    }

    func testQualityRaisesRate() throws {
        for kind in Architecture.Kind.allCases {
            let codec = try tinyCodec(kind: kind)
            let x = testImage(h: 48, w: 48)
            let low = codec.compress(x, alpha: nil, channels: 3, quality: 1).count
            let high = codec.compress(x, alpha: nil, channels: 3, quality: 100).count
            XCTAssertLessThan(low, high, kind.rawValue)
        }
    }

    func testEveryFlippedByteAndEveryCutIsATypedError() throws {
        let codec = try tinyCodec()
        let bytes = codec.compress(testImage(h: 20, w: 24), alpha: [Float](repeating: 0.5, count: 480),
                                   channels: 3, quality: 50)
        for i in bytes.indices {
            var damaged = bytes
            damaged[i] ^= 0x5A
            XCTAssertThrowsError(try codec.decompress(damaged, maxPixels: 1 << 20), "byte \(i)") {
                XCTAssertTrue($0 is ContainerError, "byte \(i): \($0)")
            }
        }
        for cut in 0..<bytes.count {
            XCTAssertThrowsError(try codec.decompress(Array(bytes.prefix(cut)), maxPixels: 1 << 20), "cut \(cut)") {
                XCTAssertTrue($0 is ContainerError, "cut \(cut): \($0)")
            }
        }
    }

    /// Chunks come back as they went in, unknown tags included (the caller skips those); a
    /// file of the previous format version is refused with both versions named.
    func testChunksTravelAndOlderVersionsAreNamed() throws {
        let codec = try tinyCodec()
        let chunks = [Container.Chunk(tag: "ICCP", data: [1, 2, 3]), Container.Chunk(tag: "ZZZZ", data: [])]
        let bytes = codec.compress(testImage(h: 16, w: 16), alpha: nil, channels: 3, quality: 50, chunks: chunks)
        XCTAssertEqual(try codec.decompress(bytes, maxPixels: 1000).chunks, chunks)
        XCTAssertEqual(try codec.decompress(codec.compress(testImage(h: 16, w: 16), alpha: nil, channels: 3, quality: 50),
                                            maxPixels: 1000).chunks, [])
        var old = bytes
        old[4] = 1
        XCTAssertThrowsError(try codec.decompress(Container.resealed(old), maxPixels: 1000)) {
            XCTAssertEqual("\($0)", "the file is .aeic version 1; this aeic reads version 2")
        }
    }

    func testHeaderErrorsAreNamed() throws {
        let codec = try tinyCodec()
        let bytes = codec.compress(testImage(h: 16, w: 16), alpha: nil, channels: 3, quality: 50)
        XCTAssertThrowsError(try codec.decompress([], maxPixels: 10)) { XCTAssertEqual($0 as? ContainerError, .empty) }
        XCTAssertThrowsError(try codec.decompress(Array("PNG!abcd".utf8), maxPixels: 10)) {
            XCTAssertEqual($0 as? ContainerError, .badMagic)
        }
        XCTAssertThrowsError(try codec.decompress(ParameterFile.magic + [1, 0, 1, 0], maxPixels: 10)) {
            XCTAssertEqual("\($0)", "an aeic model file, not a compressed image (.aeic)")
        }
        XCTAssertThrowsError(try codec.decompress(bytes, maxPixels: 100)) {
            XCTAssertEqual($0 as? ContainerError, .tooLarge(width: 16, height: 16, limit: 100))
        }
        var payload = bytes
        payload[Container.headerSize] ^= 1
        XCTAssertThrowsError(try codec.decompress(payload, maxPixels: 1000)) {
            XCTAssertEqual($0 as? ContainerError, .payloadCRCMismatch)
        }
        let other = try tinyCodec(seed: 4)
        XCTAssertThrowsError(try other.decompress(bytes, maxPixels: 1000)) {
            guard case .modelMismatch? = $0 as? ContainerError else { return XCTFail("\($0)") }
        }
    }

    func testModelFileRejectsDamage() throws {
        let model = CompressionModel(Architecture(N: 8, M: 4, lambdas: [0.01, 0.1]), seed: 3)
        var bytes = ImageCodec.export(model)
        bytes[bytes.count / 2] ^= 1
        XCTAssertThrowsError(try ImageCodec(modelFile: bytes)) {
            XCTAssertEqual($0 as? ParameterFileError, .checksumMismatch)
        }
        XCTAssertThrowsError(try ImageCodec(modelFile: Array(bytes.prefix(100))))
    }

    /// A model file flipped byte by byte (its checksum made valid again, so that the parser
    /// and the loader meet the damage) or cut loads or is refused with a typed error, each
    /// within a second. Every byte of the file's head (magic, architecture, tensor directory)
    /// and tail (blob directory, checksum), a stride through the rest: every byte of this
    /// 32 KB file took 405 s in a debug build (`AEIC_EVERY_BYTE=1` runs them all).
    func testFlippedBytesAndCutsOfAModelFileAreHandled() throws {
        let model = CompressionModel(Architecture(kind: .hyperprior, N: 2, M: 2, hyperN: 2, lambdas: [0.01, 0.1]))
        let bytes = ImageCodec.export(model)
        let every = ProcessInfo.processInfo.environment["AEIC_EVERY_BYTE"] != nil
        let positions = (0..<bytes.count).filter { every || $0 < 512 || $0 >= bytes.count - 512 || $0 % 61 == 0 }
        var slowest = 0.0
        func load(_ damaged: [UInt8], _ what: String) {
            let start = Date()
            do { _ = try ImageCodec(modelFile: damaged) } catch {
                XCTAssertTrue(error is ParameterFileError, "\(what): \(error)")
            }
            slowest = max(slowest, Date().timeIntervalSince(start))
        }
        for i in positions where i < bytes.count - 4 {
            var damaged = bytes
            damaged[i] ^= 0x5A
            load(ParameterFile.resealed(damaged), "byte \(i)")
        }
        for cut in positions { load(Array(bytes.prefix(cut)), "cut \(cut)") }
        XCTAssertLessThan(slowest, 1, "the slowest load")
    }

    /// A small file that declares a huge architecture is refused before anything is built
    /// for it (gigabytes of weights for N = M = 1024).
    func testHugeArchitectureInASmallFileIsRefusedAtOnce() throws {
        let huge = Architecture(kind: .checkerboard, N: 1024, M: 1024, hyperN: 1024, contextN: 1024)
        let bytes = ParameterFile(architecture: huge.json, tensors: [], blobs: [:]).encoded()
        let start = Date()
        XCTAssertThrowsError(try ImageCodec(modelFile: bytes)) {
            guard case .architectureMismatch? = $0 as? ParameterFileError else { return XCTFail("\($0)") }
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.5)
    }

    func testTablesSurviveSerialisation() throws {
        let model = CompressionModel(Architecture(N: 8, M: 4, lambdas: [0.01, 0.1]), seed: 3)
        guard let entropy = model.prior as? EntropyBottleneck else { return XCTFail("factorized model expected") }
        let tables = EntropyTables(entropy: entropy, gains: model.gains)
        XCTAssertEqual(try EntropyTables(decoding: tables.encoded, channels: 4), tables)
    }
}
