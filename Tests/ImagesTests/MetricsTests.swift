import XCTest
@testable import Images

final class MetricsTests: XCTestCase {
    /// Reference values from pytorch_msssim 1.0 (`ms_ssim(a, b, data_range=1.0)` in float64 on
    /// the PIL-decoded files) and NumPy for PSNR.
    func testAgainstPyTorchMSSSIM() throws {
        let original = try ImageFile.decode(Paths.bytes(Paths.sample("coffee.png")))
        let coded = try ImageFile.decode(Paths.bytes(Paths.fixture("coffee-q20.jpg")))
        XCTAssertEqual(Metrics.msSSIM(original, coded), 0.93557087, accuracy: 1e-4)
        XCTAssertEqual(Metrics.psnr(original, coded), 28.049369, accuracy: 1e-4)
    }

    func testIdenticalImages() throws {
        let image = try ImageFile.decode(Paths.bytes(Paths.sample("chelsea.png")))
        XCTAssertEqual(Metrics.msSSIM(image, image), 1, accuracy: 1e-9)
        XCTAssertEqual(Metrics.psnr(image, image), .infinity)
    }

    func testOddSizesPool() {
        let a = Image(width: 171, height: 165, channels: 1, samples: (0..<171 * 165).map { Float($0 % 13) / 13 })
        var b = a
        b.samples[500] = 1 - b.samples[500]
        let value = Metrics.msSSIM(a, b)
        XCTAssertLessThan(value, 1)
        XCTAssertGreaterThan(value, 0.99)
    }
}
