import Foundation
import XCTest
@testable import Images

/// ICC profiles, EXIF and XMP survive a decode and an encode in both formats, byte for byte.
final class MetadataTests: XCTestCase {
    /// An sRGB profile (fixtures/srgb.icc, written by scripts/make_fixtures.py).
    static func profile() throws -> [UInt8] { try Paths.bytes(Paths.fixture("srgb.icc")) }

    /// A little-endian TIFF structure with one IFD0 entry: orientation `value`.
    static func exif(orientation value: UInt16) -> [UInt8] {
        [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00,
         0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, UInt8(value), 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
    }

    static let xmp = Array("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF/></x:xmpmeta>".utf8)

    func image() throws -> Image {
        var image = Image(width: 5, height: 4, channels: 3, samples: (0..<60).map { Float($0 % 7) / 7 })
        image.metadata = Metadata(icc: try MetadataTests.profile(), exif: MetadataTests.exif(orientation: 1), xmp: MetadataTests.xmp)
        return image
    }

    func testPNGKeepsEveryBlock() throws {
        XCTAssertTrue(Metadata.isPlausibleICC(try MetadataTests.profile()))
        let decoded = try PNG.decode(try PNG.encode(try image()), maxPixels: 100)
        XCTAssertEqual(decoded.metadata, try image().metadata)
    }

    func testJPEGKeepsEveryBlock() throws {
        let decoded = try JPEG.decode(try JPEG.encode(try image(), quality: 90), maxPixels: 100).image
        XCTAssertEqual(decoded.metadata, try image().metadata)
    }

    /// Pixels turned upright by the reader carry orientation 1 onwards, so that a viewer does
    /// not turn them again.
    func testAppliedOrientationIsReset() throws {
        var rotated = try image()
        rotated.metadata.exif = MetadataTests.exif(orientation: 6)
        let decoded = try JPEG.decode(try JPEG.encode(rotated, quality: 90), maxPixels: 100).image
        XCTAssertEqual([decoded.width, decoded.height], [4, 5], "turned upright")
        XCTAssertEqual(decoded.metadata.exif, MetadataTests.exif(orientation: 1))
        let camera = try JPEG.decode(try Paths.bytes(Paths.fixture("orientation6.jpg")), maxPixels: 1 << 20).image
        XCTAssertEqual(camera.metadata.exif.map(Metadata.resettingOrientation), camera.metadata.exif)
        XCTAssertNotNil(camera.metadata.exif)
    }

    /// A block that is not what it claims is refused or left as it is, never a trap.
    func testMalformedBlocks() throws {
        var bad = try MetadataTests.profile()
        bad[3] = 200
        XCTAssertFalse(Metadata.isPlausibleICC(bad))
        XCTAssertFalse(Metadata.isPlausibleICC(Array(bad.prefix(100))))
        for cut in 0..<26 {
            let exif = Array(MetadataTests.exif(orientation: 6).prefix(cut))
            XCTAssertEqual(Metadata.resettingOrientation(exif).count, exif.count)
        }
    }
}
