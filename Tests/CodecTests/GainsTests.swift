import XCTest
@testable import Codec
@testable import NN
import Training

final class GainsTests: XCTestCase {
    func trainedGains() -> Gains {
        let gains = Gains(levels: 3, channels: 2)
        gains.gain.value = [0.5, 1, 1, 2, 4, 8]
        gains.inverse.value = [2, 1, 1, 0.5, 0.25, 0.125]
        return gains
    }

    /// Resampling keeps trained levels, interpolates log-gains in log λ and extrapolates
    /// from the end pair.
    func testResamplingInterpolatesInLogLambda() {
        let lambdas: [Float] = [0.01, 0.04, 0.16]
        let new = Gains(resampling: trainedGains(), from: lambdas, to: [0.0025, 0.01, 0.02, 0.16])
        let expected: [Float] = [0.25, 0.5,  0.5, 1,  Float(0.5).squareRoot(), Float(2).squareRoot(),  4, 8]
        for (a, b) in zip(new.gain.value, expected) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        XCTAssertEqual(new.inverse.value[0], 4, accuracy: 1e-5)
        XCTAssertEqual(new.inverse.value[7], 0.125, accuracy: 1e-6)
    }

    /// A checkpoint resumed with other trade-offs keeps its transforms and step, and trains.
    func testResumingWithNewLambdasResamplesGains() throws {
        var options = Trainer<CompressionModel>.Options()
        (options.batch, options.crop) = (2, 32)
        let trainer = Trainer(model: CompressionModel(Architecture(N: 8, M: 6, lambdas: [0.01, 0.1]), seed: 3),
                              options: options)
        var data = TrainingSet()
        data.append(.init(width: 40, height: 40, samples: (0..<4800).map { Float($0 % 97) / 97 }))
        _ = trainer.trainOneStep(on: data)
        let resumed = try Trainer(resuming: trainer.checkpoint(), lambdas: [0.001, 0.01, 0.1], options: options)
        XCTAssertEqual(resumed.step, 1)
        XCTAssertEqual(resumed.model.architecture.lambdas, [0.001, 0.01, 0.1])
        XCTAssertEqual(resumed.model.g_s.parameters[0].value, trainer.model.g_s.parameters[0].value)
        for (a, b) in zip(resumed.model.gains.gain.value[6...], trainer.model.gains.gain.value) {
            XCTAssertEqual(a, b, accuracy: 1e-5)
        }
        XCTAssertTrue(resumed.trainOneStep(on: data).loss.isFinite)
    }
}
