import Foundation
import XCTest
@testable import Images

final class ImageFileTests: XCTestCase {
    func decode(_ name: String) throws -> Image { try ImageFile.decode(Paths.bytes(Paths.fixture(name))) }

    func testFixturesDecodeWithTheirLayout() throws {
        let expected: [(String, Int, Bool)] = [
            ("rgb.png", 3, false), ("grey.png", 1, false), ("grey16.png", 1, false),
            ("palette.png", 3, false), ("rgba.png", 3, true), ("baseline.jpg", 3, false),
            ("progressive.jpg", 3, false), ("grey.jpg", 1, false), ("cmyk.jpg", 3, false),
        ]
        for (name, channels, alpha) in expected {
            let image = try decode(name)
            XCTAssertEqual([image.width, image.height], [45, 30], name)
            XCTAssertEqual(image.channels, channels, name)
            XCTAssertEqual(image.alpha != nil, alpha, name)
        }
    }

    func testJPEGVariantsMatchThePNG() throws {
        let reference = try decode("rgb.png")
        for name in ["baseline.jpg", "progressive.jpg", "cmyk.jpg"] {
            XCTAssertGreaterThan(Metrics.psnr(reference, try decode(name)), 30, name)
        }
        XCTAssertGreaterThan(Metrics.psnr(try decode("grey.png"), try decode("grey.jpg")), 30)
    }

    func testSixteenBitKeepsPrecision() throws {
        let wide = try decode("grey16.png"), narrow = try decode("grey.png")
        for i in 0..<wide.samples.count { XCTAssertEqual(wide.samples[i], narrow.samples[i], accuracy: 1e-6) }
        let bytes = try PNG.encode(wide, bitDepth: 16)
        XCTAssertEqual(try ImageFile.decode(bytes), wide)
    }

    func testEXIFOrientationIsApplied() throws {
        let upright = try decode("orientation6.jpg"), stored = try decode("baseline.jpg")
        XCTAssertEqual([upright.width, upright.height], [30, 45])
        // Orientation 6: displayed (x, y) shows stored (y, H−1−x).
        let (w, h) = (upright.width, stored.height)
        for (x, y) in [(0, 0), (29, 0), (5, 44), (17, 20)] {
            XCTAssertEqual(upright.samples[y * w + x], stored.samples[(h - 1 - x) * stored.width + y], accuracy: 0.05)
        }
    }

    func testPNGRoundTripIsLossless() throws {
        for name in ["rgb.png", "grey.png", "rgba.png", "palette.png"] {
            let image = try decode(name)
            XCTAssertEqual(try ImageFile.decode(try PNG.encode(image)), image, name)
        }
    }

    func testJPEGEncodeOptions() throws {
        let image = try decode("rgb.png")
        let q95 = try JPEG.encode(image, quality: 95, subsampling: .s444)
        let q20 = try JPEG.encode(image, quality: 20, subsampling: .s420)
        XCTAssertLessThan(q20.count, q95.count)
        XCTAssertGreaterThan(Metrics.psnr(image, try ImageFile.decode(q95)),
                             Metrics.psnr(image, try ImageFile.decode(q20)))
    }

    func testBadFilesGiveTypedErrors() {
        XCTAssertThrowsError(try decode("empty.png")) { XCTAssertEqual($0 as? ImageError, .empty) }
        XCTAssertThrowsError(try decode("not-an-image.txt")) { XCTAssertEqual($0 as? ImageError, .unknownFormat) }
        XCTAssertThrowsError(try decode("bad-crc.png")) { XCTAssertEqual($0 as? ImageError, .corrupt("IDAT: CRC error")) }
        XCTAssertThrowsError(try decode("huge-header.png")) {
            XCTAssertEqual($0 as? ImageError, .tooLarge(width: 100000, height: 100000, limit: 200_000_000))
        }
        XCTAssertThrowsError(try ImageFile.decode(Paths.bytes(Paths.fixture("rgb.png")), maxPixels: 100)) {
            XCTAssertEqual($0 as? ImageError, .tooLarge(width: 45, height: 30, limit: 100))
        }
        XCTAssertThrowsError(try ImageFile.decode(Paths.bytes(Paths.fixture("baseline.jpg")), maxPixels: 100)) {
            guard case .tooLarge(_, _, 100)? = $0 as? ImageError else { return XCTFail("\($0)") }
        }
    }

    /// Cut at every byte: an error, or (past the scan header) an image with a warning, as
    /// djpeg behaves; never a trap.
    func testTruncatedFilesNeverTrap() throws {
        for name in ["baseline.jpg", "progressive.jpg", "rgb.png"] {
            let bytes = Paths.bytes(Paths.fixture(name))
            for cut in 0..<bytes.count {
                var warnings: [String] = []
                if let image = try? ImageFile.decode(Array(bytes.prefix(cut)), warnings: { warnings.append($0) }) {
                    XCTAssertEqual(image.width, 45, "\(name) cut at \(cut)")
                    XCTAssertFalse(warnings.isEmpty, "\(name) cut at \(cut) decoded without a warning")
                }
            }
        }
    }

    func testFlippedJPEGBytesNeverTrap() throws {
        let bytes = Paths.bytes(Paths.fixture("baseline.jpg"))
        for i in bytes.indices {
            var damaged = bytes
            damaged[i] ^= 0xA5
            _ = try? ImageFile.decode(damaged)
        }
    }

    func testResizeAveragesWhenShrinking() {
        let image = Image(width: 4, height: 2, channels: 1, samples: [0, 1, 0, 1, 0, 1, 0, 1])
        let half = image.resized(width: 2, height: 1)
        XCTAssertEqual(half.samples[0], 0.5, accuracy: 0.2)
        XCTAssertEqual(half.samples[1], 0.5, accuracy: 0.2)
    }
}
