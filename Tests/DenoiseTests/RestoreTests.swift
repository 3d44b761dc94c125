import XCTest
@testable import Denoise
import NN

final class RestoreTests: XCTestCase {
    /// A smooth 96×96 colour ramp within 0.2–0.8, on the 8-bit levels.
    let ramp: Tensor = {
        let side = 96
        let data = (0..<3).flatMap { c in
            (0..<side * side).map { p -> Float in
                let (y, x) = (p / side, p % side)
                return (51 + Float(x + 2 * y + 10 * c) / 3).rounded() / 255
            }
        }
        return Tensor(n: 1, c: 3, h: side, w: side, data: data)
    }()

    func noisy(_ noise: Noise, seed: UInt64 = 1) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return noise.applied(to: ramp, rng: &rng)
    }

    /// σ is read within 10% on Gaussian noise, and impulse noise reads as clean.
    func testNoiseLevelReadsGaussianAndIgnoresImpulses() throws {
        for sigma: Float in [5, 10, 20] {
            let estimate = try XCTUnwrap(NoiseLevel.sigma(noisy(.gaussian(sigma: sigma))))
            XCTAssertEqual(estimate, sigma, accuracy: sigma / 10, "σ \(sigma)")
        }
        for noise in [Noise.gaussian(sigma: 0), .masking(fraction: 0.5), .saltPepper(fraction: 0.5)] {
            XCTAssertLessThan(try XCTUnwrap(NoiseLevel.sigma(noisy(noise))), 1, "\(noise)")
        }
        XCTAssertNil(NoiseLevel.sigma(Tensor(n: 1, c: 3, h: 2, w: 2, repeating: 0.5)), "too small to tell")
    }

    func testStrengthFollowsTheGate() {
        XCTAssertEqual(Denoiser.strength(0), 0)
        XCTAssertEqual(Denoiser.strength(Denoiser.gate.lowerBound), 0)
        XCTAssertEqual(Denoiser.strength((Denoiser.gate.lowerBound + Denoiser.gate.upperBound) / 2), 0.5, accuracy: 1e-6)
        XCTAssertEqual(Denoiser.strength(Denoiser.gate.upperBound), 1)
        XCTAssertEqual(Denoiser.strength(nil), 1, "unknown noise: the network decides")
    }

    /// Candidates take the denoised value; other pixels move towards it by the strength.
    func testCombine() {
        let noisy = Tensor(n: 1, c: 1, h: 1, w: 3, data: [0, 0.4, 1])
        let denoised = Tensor(n: 1, c: 1, h: 1, w: 3, data: [0.5, 0.2, 0.6])
        XCTAssertEqual(Denoiser.combine(noisy: noisy, denoised: denoised, strength: 0.25, candidates: [true, false, true]).data,
                       [0.5, 0.35, 0.6])
        XCTAssertEqual(Denoiser.combine(noisy: noisy, denoised: denoised, strength: 0.25, candidates: []).data,
                       [0.125, 0.35, 0.9])
    }

    /// A clean photo comes back unchanged, whatever the network; salt-and-pepper noise on it
    /// changes only the pixels it set, with or without refinement passes.
    func testCleanPixelsAreKept() {
        let denoiser = Denoiser(DenoiserArchitecture(channels: [4, 8], blocks: 1), seed: 2)
        XCTAssertEqual(BlindDenoiser(denoiser).restore(ramp).data, ramp.data)
        let corrupted = noisy(.saltPepper(fraction: 0.3))
        let candidates = ImpulseNoise.saltPepper.candidates(corrupted)
        for refinements in [0, 2] {
            let restored = denoiser.restore(corrupted, impulses: .saltPepper, effort: .init(refinements: refinements))
            for p in candidates.indices where !candidates[p] {
                XCTAssertEqual(restored.data[p], corrupted.data[p])
            }
            XCTAssertNotEqual(restored.data, corrupted.data, "refinements \(refinements)")
        }
    }

    /// Masking and salt-and-pepper noise are found at the mixture's lowest level; a clean or
    /// Gaussian-noisy photo, black and white in its shadows and highlights, carries neither.
    func testImpulseNoiseIsDetected() {
        let side = 96
        var data = (0..<3).flatMap { c in
            (0..<side * side).map { p -> Float in
                let level = Float(p % side + p / side + 5 * c)
                return (level * 1.3).rounded() / 255
            }
        }
        for p in 0..<side * 3 { for c in 0..<3 { data[c * side * side + p] = 0 } }                 // a black band
        for p in (side * side - side * 3)..<(side * side) { for c in 0..<3 { data[c * side * side + p] = 1 } } // a white one
        let photo = Tensor(n: 1, c: 3, h: side, w: side, data: data)
        func found(_ noise: Noise) -> ImpulseNoise? {
            var rng = SplitMix64(seed: 3)
            return ImpulseNoise.detect(noise.applied(to: photo, rng: &rng))
        }
        XCTAssertNil(found(.gaussian(sigma: 0)))
        XCTAssertNil(found(.gaussian(sigma: 50)))
        XCTAssertEqual(found(.masking(fraction: 0.05)), .masking)
        XCTAssertEqual(found(.saltPepper(fraction: 0.05)), .saltPepper)
        XCTAssertEqual(found(.saltPepper(fraction: 0.7)), .saltPepper)
    }
}
