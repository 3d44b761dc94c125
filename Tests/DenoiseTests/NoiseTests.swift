import XCTest
@testable import Denoise
import NN

final class NoiseTests: XCTestCase {
    let pixels = 100 * 100

    func corrupted(_ noise: Noise, seed: UInt64 = 1, value: Float = 0.5) -> [Float] {
        var samples = [Float](repeating: value, count: 3 * pixels)
        var rng = SplitMix64(seed: seed)
        samples.withUnsafeMutableBufferPointer { noise.apply(to: $0, pixels: pixels, rng: &rng) }
        return samples
    }

    func testSameSeedSameNoiseOtherSeedOther() {
        for noise in [Noise.gaussian(sigma: 25), .masking(fraction: 0.3), .saltPepper(fraction: 0.3)] {
            XCTAssertEqual(corrupted(noise, seed: 4), corrupted(noise, seed: 4), "\(noise)")
            XCTAssertNotEqual(corrupted(noise, seed: 4), corrupted(noise, seed: 5), "\(noise)")
        }
    }

    /// σ = 25 on mid-grey: the sample deviation is 25/255 (within 3%), and every sample sits
    /// on an 8-bit level.
    func testGaussianHasItsSigmaOnEightBitLevels() {
        let samples = corrupted(.gaussian(sigma: 25), value: 128 / 255)
        let deviation = (samples.map { Double(($0 - 128 / 255) * ($0 - 128 / 255)) }.reduce(0, +) / Double(samples.count)).squareRoot()
        XCTAssertEqual(deviation * 255, 25, accuracy: 0.75)
        XCTAssertTrue(samples.allSatisfy { ($0 * 255).rounded() == $0 * 255 })
    }

    func testGaussianIsClippedToTheRange() {
        let samples = corrupted(.gaussian(sigma: 200), value: 0.9)
        XCTAssertEqual(samples.min(), 0)
        XCTAssertEqual(samples.max(), 1)
    }

    /// Masking zeroes whole pixels (all channels), about the fraction asked for.
    func testMaskingZeroesThatFractionOfWholePixels() {
        let samples = corrupted(.masking(fraction: 0.3))
        let zeroed = (0..<pixels).filter { p in samples[p] == 0 }
        XCTAssertEqual(Double(zeroed.count) / Double(pixels), 0.3, accuracy: 0.02)
        XCTAssertTrue(zeroed.allSatisfy { samples[pixels + $0] == 0 && samples[2 * pixels + $0] == 0 })
    }

    /// Salt-and-pepper sets whole pixels to black or white, about half each.
    func testSaltAndPepperSetsWholePixelsBlackOrWhite() {
        let grey: Float = 128 / 255
        let samples = corrupted(.saltPepper(fraction: 0.5), value: grey)
        let black = (0..<pixels).filter { p in (0..<3).allSatisfy { samples[$0 * pixels + p] == 0 } }.count
        let white = (0..<pixels).filter { p in (0..<3).allSatisfy { samples[$0 * pixels + p] == 1 } }.count
        let untouched = (0..<pixels).filter { p in (0..<3).allSatisfy { samples[$0 * pixels + p] == grey } }.count
        XCTAssertEqual(black + white + untouched, pixels)
        XCTAssertEqual(Double(black) / Double(pixels), 0.25, accuracy: 0.02)
        XCTAssertEqual(Double(white) / Double(pixels), 0.25, accuracy: 0.02)
    }

    func testLevelsOutOfRangeAreRefused() {
        XCTAssertThrowsError(try Noise(.gaussian, level: -1))
        XCTAssertThrowsError(try Noise(.gaussian, level: 256))
        XCTAssertThrowsError(try Noise(.masking, level: 1.5))
        XCTAssertThrowsError(try Noise(.saltpepper, level: -0.1))
        XCTAssertEqual(try Noise(.saltpepper, level: 0.2), .saltPepper(fraction: 0.2))
    }

    /// The mixture draws every kind, over its ranges, and clean inputs at about its share.
    func testMixtureCoversKindsRangesAndClean() {
        var rng = SplitMix64(seed: 2)
        let draws = (0..<3000).map { _ in NoiseMixture().draw(&rng) }
        XCTAssertEqual(Double(draws.filter { $0 == nil }.count) / 3000, 0.1, accuracy: 0.02)
        let noises = draws.compactMap { $0 }
        for kind in Noise.Kind.allCases {
            let levels = noises.filter { $0.kind == kind }.map(\.level)
            XCTAssertEqual(Double(levels.count) / 3000, 0.3, accuracy: 0.03, "\(kind)")
            let range: ClosedRange<Float> = kind == .gaussian ? 0...55 : 0.05...0.7
            XCTAssertTrue(levels.allSatisfy(range.contains), "\(kind)")
        }
    }

    /// Shares choose the kinds: a kind left out is never drawn, and the rest of 1 stays clean.
    func testMixtureShares() throws {
        var rng = SplitMix64(seed: 3)
        let mixture = try XCTUnwrap(NoiseMixture(shares: [.gaussian: 0.6, .saltpepper: 0.2]))
        XCTAssertEqual(mixture.clean, 0.2, accuracy: 1e-6)
        let draws = (0..<3000).map { _ in mixture.draw(&rng) }
        let share = { (kind: Noise.Kind) in Double(draws.filter { $0?.kind == kind }.count) / 3000 }
        XCTAssertEqual(share(.gaussian), 0.6, accuracy: 0.03)
        XCTAssertEqual(share(.saltpepper), 0.2, accuracy: 0.03)
        XCTAssertEqual(share(.masking), 0)
        XCTAssertEqual(Double(draws.filter { $0 == nil }.count) / 3000, 0.2, accuracy: 0.03)
        let gaussianOnly = try XCTUnwrap(NoiseMixture(shares: [.gaussian: 1]))
        XCTAssertTrue((0..<500).allSatisfy { _ in gaussianOnly.draw(&rng)?.kind == .gaussian })
        XCTAssertNil(NoiseMixture(shares: [.gaussian: 0.6, .masking: 0.6]))
        XCTAssertNil(NoiseMixture(shares: [.masking: -0.1]))
    }

    /// Masking can only have set black pixels; salt-and-pepper black or white ones.
    func testImpulseCandidates() {
        let x = Tensor(n: 1, c: 3, h: 1, w: 4, data: [0, 0.2, 1, 0,  0, 0.3, 1, 1,  0, 0.4, 1, 0])
        XCTAssertEqual(ImpulseNoise.masking.candidates(x), [true, false, false, false])
        XCTAssertEqual(ImpulseNoise.saltPepper.candidates(x), [true, false, true, false])
    }

    /// A black border under salt-and-pepper noise: candidates with no other pixel within two
    /// take their window's majority; those near a grey pixel are left to the network.
    func testUnobservedCandidatesTakeTheMajority() {
        var plane = [Float](repeating: 0, count: 8 * 8)
        plane[1 * 8 + 1] = 1                                  // salt in the border
        plane[7 * 8 + 7] = 0.5                                // a pixel noise did not set
        let x = Tensor(n: 1, c: 1, h: 8, w: 8, data: plane)
        let candidates = ImpulseNoise.saltPepper.candidates(x)
        let unobserved = ImpulseNoise.unobserved(x, candidates: candidates)
        let pixels = Set(unobserved.map(\.pixel))
        XCTAssertTrue(pixels.contains(1 * 8 + 1) && pixels.contains(0), "\(pixels)")
        XCTAssertFalse(pixels.contains(5 * 8 + 5) || pixels.contains(7 * 8 + 7), "near or at the grey pixel")
        XCTAssertEqual(pixels, Set((0..<64).filter { max(abs($0 / 8 - 7), abs($0 % 8 - 7)) > 2 }))
        XCTAssertTrue(unobserved.allSatisfy { $0.value == 0 }, "black is the majority everywhere")
        let white = Tensor(n: 1, c: 1, h: 3, w: 3, data: [1, 1, 1, 1, 0, 1, 1, 1, 0])
        XCTAssertEqual(ImpulseNoise.unobserved(white, candidates: ImpulseNoise.saltPepper.candidates(white)).map(\.value),
                       Array(repeating: 1, count: 9))
    }
}
