import Foundation
import XCTest
import Images

/// A photo's colour profile and EXIF/XMP blocks travel through `.aeic` into PNG and JPEG.
final class MetadataCLITests: TemporaryFolderTestCase {
    func read(_ path: String) throws -> Image { try ImageFile.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path)))) }

    /// A PNG with an sRGB profile, EXIF and XMP, written by the library under test's encoder.
    func photo() throws -> (path: String, metadata: Metadata) {
        var image = try read(AEIC.fixture("rgb.png"))
        image.metadata = Metadata(icc: Array(try Data(contentsOf: URL(fileURLWithPath: AEIC.fixture("srgb.icc")))),
                                  exif: [0x4D, 0x4D, 0, 0x2A, 0, 0, 0, 8, 0, 0],    // a TIFF header and an empty IFD0
                                  xmp: Array("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>".utf8))
        let path = path("photo.png")
        try Data(try PNG.encode(image)).write(to: URL(fileURLWithPath: path))
        return (path, image.metadata)
    }

    func testBlocksSurviveToPNGAndJPEGByteForByte() throws {
        let (source, metadata) = try photo()
        XCTAssertEqual(try AEIC.run(["compress", source, "-o", path("photo.aeic")]).status, 0)
        let info = try AEIC.run(["info", path("photo.aeic")])
        XCTAssertTrue(String(decoding: info.stdout, as: UTF8.self).contains("ICCP (588 bytes), EXIF (10 bytes), XMP (37 bytes)"),
                      String(decoding: info.stdout, as: UTF8.self))
        for format in ["png", "jpg"] {
            XCTAssertEqual(try AEIC.run(["decompress", path("photo.aeic"), "-o", path("back.\(format)")]).status, 0)
            XCTAssertEqual(try read(path("back.\(format)")).metadata, metadata, format)
        }
    }

    func testStripLeavesThemOut() throws {
        let (source, _) = try photo()
        XCTAssertEqual(try AEIC.run(["compress", source, "-o", path("photo.aeic"), "--strip"]).status, 0)
        XCTAssertEqual(try AEIC.run(["decompress", path("photo.aeic"), "-o", path("back.png")]).status, 0)
        XCTAssertTrue(try read(path("back.png")).metadata.isEmpty)
    }

    /// A camera JPEG's orientation is applied to the pixels, so the file written says 1.
    func testOrientationIsResetOnceApplied() throws {
        XCTAssertEqual(try AEIC.run(["compress", AEIC.fixture("orientation6.jpg"), "-o", path("o.aeic")]).status, 0)
        XCTAssertEqual(try AEIC.run(["decompress", path("o.aeic"), "-o", path("o.jpg")]).status, 0)
        let original = try JPEG.decode(Array(try Data(contentsOf: URL(fileURLWithPath: AEIC.fixture("orientation6.jpg")))), maxPixels: 1 << 20)
        let back = try read(path("o.jpg"))
        XCTAssertEqual([back.width, back.height], [original.image.width, original.image.height], "turned once, not twice")
        XCTAssertEqual(back.metadata.exif, original.image.metadata.exif)
    }
}
