import Foundation
import XCTest
@testable import Images

/// Every file of PngSuite: the 161 valid ones decode to the right size and layout, the 14
/// corrupt `x*` files are refused with libpng's own message.
final class PngSuiteTests: XCTestCase {
    func files() throws -> [URL] {
        let folder = try Paths.dataset("pngsuite")
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "png" && !$0.lastPathComponent.hasPrefix("kodim") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func testValidFilesDecode() throws {
        let valid = try files().filter { !$0.lastPathComponent.hasPrefix("x") }
        XCTAssertEqual(valid.count, 161)
        for url in valid {
            let name = url.lastPathComponent
            let bytes = Array(try Data(contentsOf: url))
            let image = try ImageFile.decode(bytes)
            // sNN… files are NN×NN, the three pHYs files have their own sizes, the rest 32×32.
            let side = name.hasPrefix("s") ? Int(name.dropFirst().prefix(2))! : 32
            let special = ["cdfn2c08.png": [8, 32], "cdhn2c08.png": [32, 8], "cdsn2c08.png": [8, 8]]
            XCTAssertEqual([image.width, image.height], special[name] ?? [side, side], name)
            // The colour type is the 5th character of the name (PngSuite's naming scheme).
            let colourType = Int(String(Array(name)[4]))!
            XCTAssertEqual(image.channels, colourType == 0 || colourType == 4 ? 1 : 3, name)
            let hasTRNS = bytes.indices.dropLast(4).contains { Array(bytes[$0..<$0 + 4]) == Array("tRNS".utf8) }
            XCTAssertEqual(image.alpha != nil, colourType == 4 || colourType == 6 || hasTRNS, name)
        }
    }

    func testCorruptFilesAreRefused() throws {
        let expected = [
            // The first three do not even start like a PNG, so format sniffing refuses them.
            "xs1n0g01.png": "not a PNG or JPEG file", "xs2n0g01.png": "not a PNG or JPEG file",
            "xs4n0g01.png": "not a PNG or JPEG file",
            "xs7n0g01.png": "PNG file corrupted by ASCII conversion",
            "xcrn0g04.png": "PNG file corrupted by ASCII conversion",
            "xlfn0g04.png": "PNG file corrupted by ASCII conversion",
            "xhdn0g08.png": "IHDR: CRC error", "xc1n0g08.png": "Invalid IHDR data",
            "xc9n2c08.png": "Invalid IHDR data", "xd0n2c08.png": "Invalid IHDR data",
            "xd3n2c08.png": "Invalid IHDR data", "xd9n2c08.png": "Invalid IHDR data",
            "xdtn0g01.png": "IEND: out of place", "xcsn0g01.png": "IDAT: CRC error",
        ]
        let corrupt = try files().filter { $0.lastPathComponent.hasPrefix("x") }
        XCTAssertEqual(corrupt.count, 14)
        for url in corrupt {
            let name = url.lastPathComponent
            XCTAssertThrowsError(try ImageFile.decode(Array(try Data(contentsOf: url))), name) { error in
                guard let message = expected[name] else { return XCTFail("unexpected file \(name)") }
                XCTAssertTrue("\(error)".contains(message), "\(name): \(error)")
            }
        }
    }
}
