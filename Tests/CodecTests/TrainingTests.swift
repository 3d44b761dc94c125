import XCTest
@testable import Codec
@testable import NN
import Training

final class TrainingTests: XCTestCase {
    /// A small model's rate–distortion loss falls on a fixed batch, with either prior; the
    /// hyperprior model's latents (2×2) are smaller than h_s's output (4×4), so the crop is
    /// exercised.
    func testLossFallsOnFixedBatch() {
        for kind in Architecture.Kind.allCases {
            let model = CompressionModel(Architecture(kind: kind, N: 8, M: 6, hyperN: 4, lambdas: [0.01, 0.1]), seed: 2)
            var rng = SplitMix64(seed: 5)
            let data: [Float] = (0..<2 * 3 * 32 * 32).map { (k: Int) -> Float in
                let u = sinf(Float(k % 32) * 0.3), v = cosf(Float(k / 32 % 32) * 0.2)
                return 0.5 + 0.4 * u * v
            }
            let x = Tensor(n: 2, c: 3, h: 32, w: 32, data: data)
            let adam = Adam(model.parameters, learningRate: 3e-3)
            var first = 0.0, last = 0.0
            for step in 0..<80 {
                adam.zeroGrad()
                let stats = model.trainStep(x, levels: [0, 1], rng: &rng)
                adam.update()
                if step < 5 { first += stats.loss / 5 }
                if step >= 75 { last += stats.loss / 5 }
            }
            XCTAssertLessThan(last, first * 0.7, "\(kind): loss \(first) → \(last)")
        }
    }
}

extension TrainingTests {
    /// Resuming with other trade-offs keeps every shared parameter and resamples both sets
    /// of gains (y's and z's) to the new levels.
    func testResumingWithNewLevelsResamplesEveryGain() throws {
        let architecture = Architecture(kind: Architecture.Kind.hyperprior, N: 8, M: 6, hyperN: 4, lambdas: [0.01, 0.1])
        let trainer = Trainer(model: CompressionModel(architecture, seed: 2), options: Trainer<CompressionModel>.Options())
        let resumed = try Trainer(resuming: trainer.checkpoint(), lambdas: [0.01, 0.03, 0.1], options: trainer.options)
        XCTAssertEqual(resumed.model.architecture.lambdas, [0.01, 0.03, 0.1])
        for (a, b) in zip(trainer.model.sharedParameters, resumed.model.sharedParameters) {
            XCTAssertEqual(a.value, b.value, a.name)
        }
        for (old, new) in zip(trainer.model.levelGains, resumed.model.levelGains) {
            XCTAssertEqual(new.levels, 3)
            XCTAssertEqual(Array(new.gain.value.prefix(new.channels)), Array(old.gain.value.prefix(old.channels)), new.name)
        }
    }
}
