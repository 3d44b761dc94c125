import XCTest
import GradientChecking
@testable import Denoise
import NN
import Training
import Serialization

final class DenoiserTests: XCTestCase {
    let small = DenoiserArchitecture(channels: [4, 6, 8], blocks: 1)

    /// Tiles with a margin past the network's reach give the untiled output (the whole
    /// padded image in one tile), at sizes that do not divide the tile or the U's granularity,
    /// the impulse hint included.
    func testTiledEqualsUntiled() {
        let denoiser = Denoiser(DenoiserArchitecture(channels: [4, 6, 8], blocks: 1, impulseHint: true, whiteHint: true), seed: 3)
        let head = denoiser.network.head
        for plane in [denoiser.network.hint!, denoiser.network.white!] {    // not zero: the hint counts
            plane.weight.value = Array(head.weight.value.prefix(plane.weight.count))
        }
        for (h, w) in [(37, 53), (16, 16), (5, 70)] {
            let x = randomTensor(n: 1, c: 3, h: h, w: w, seed: UInt64(h * w)).map { $0 < -0.5 ? 0 : ($0 + 1) / 2 }
            let whole = denoiser.denoise(x, impulses: .saltPepper, tile: 1 << 20)
            let tiled = denoiser.denoise(x, impulses: .saltPepper, tile: 16, margin: 32)
            XCTAssertEqual(whole.shape, [1, 3, h, w])
            for (a, b) in zip(whole.data, tiled.data) { XCTAssertEqual(a, b, accuracy: 1e-5, "\(h)×\(w)") }
        }
    }

    /// The self-ensemble commutes with flips and rotations, which one pass of the network
    /// does not, and tiles leave it as they leave one pass.
    func testSelfEnsembleIsEquivariant() {
        let denoiser = Denoiser(small, seed: 4)
        let x = randomTensor(n: 1, c: 3, h: 16, w: 24, seed: 9).map { ($0 + 1) / 2 }
        let ensemble = denoiser.denoise(x, impulses: nil, selfEnsemble: true)
        let transpose = Symmetry(flipRows: true, flipColumns: false, transpose: true)
        XCTAssertNotEqual(denoiser.denoise(x.applying(transpose), impulses: nil).data,
                          denoiser.denoise(x, impulses: nil).applying(transpose).data)
        for s in Symmetry.all {
            let turned = denoiser.denoise(x.applying(s), impulses: nil, selfEnsemble: true)
            for (a, b) in zip(turned.data, ensemble.applying(s).data) { XCTAssertEqual(a, b, accuracy: 1e-5, "\(s)") }
        }
        let tiled = denoiser.denoise(x, impulses: nil, selfEnsemble: true, tile: 8, margin: 32)
        for (a, b) in zip(tiled.data, ensemble.data) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    /// A model file loads back to the same network (Float16 parameters), and a file of
    /// another kind is refused with both kinds named.
    func testModelFileRoundTripAndWrongKind() throws {
        let denoiser = Denoiser(small, seed: 5)
        let loaded = try Denoiser(file: try ParameterFile(decoding: denoiser.export()))
        XCTAssertEqual(loaded.architecture, small)
        for (a, b) in zip(denoiser.parameters, loaded.parameters) {
            for (u, v) in zip(a.value, b.value) { XCTAssertEqual(u, v, accuracy: 1e-3 * max(1, abs(u))) }
        }
        let codec = ParameterFile(architecture: "{\"kind\":\"hyperprior-gained\",\"N\":8}")
        XCTAssertThrowsError(try Denoiser(file: codec)) { error in
            XCTAssertTrue("\(error)".contains("denoiser") && "\(error)".contains("hyperprior-gained"), "\(error)")
        }
    }

    /// A few steps on a fixed photo lower the loss, and the step reports PSNR.
    func testTrainingLowersTheLoss() {
        var set = TrainingSet()
        set.append(.init(width: 24, height: 24, samples: (0..<3 * 576).map { 0.5 + 0.3 * sinf(Float($0) * 0.1) }))
        var options = Trainer<Denoiser>.Options()
        (options.batch, options.crop, options.schedule) = (4, 16, LearningRateSchedule(base: 3e-3))
        let trainer = Trainer(model: Denoiser(small, seed: 1), options: options)
        let losses = (0..<60).map { _ in trainer.trainOneStep(on: set) }
        let first = losses.prefix(10).map(\.loss).reduce(0, +), last = losses.suffix(10).map(\.loss).reduce(0, +)
        XCTAssertLessThan(last, first * 0.8)
        XCTAssertNotNil(losses[0]["psnr"])
    }
}

extension DenoiserTests {
    func testShippedPairLoadsAndRoutesByTheNoiseFound() throws {
        let files = [Denoiser.impulseModel, Denoiser.gaussianModel].map { Denoiser.shippedModelBytes($0) ?? [] }
        XCTAssertLessThanOrEqual(files[0].count + files[1].count, 10 << 20, "the shipped denoisers must stay ≤ 10 MB together")
        XCTAssertNotEqual(files[0], files[1], "the Gaussian network is a fine-tune, not a copy")
        let pair = try XCTUnwrap(try BlindDenoiser.shipped(), "the shipped denoisers are not in the bundle")
        XCTAssertEqual(pair.impulse.architecture, pair.gaussian.architecture)
        XCTAssertTrue(pair.network(for: nil) === pair.gaussian)
        XCTAssertTrue(pair.network(for: .masking) === pair.impulse)
        XCTAssertTrue(pair.network(for: .saltPepper) === pair.impulse)
    }

    /// Under masking, a blown-out (white) sky is the photo's own and the masked pixels in it
    /// come back white: the hint must not mark white pixels as possibly missing, or the
    /// network sees a region with nothing observed in it and fills it with grey.
    func testShippedDenoiserFillsAMaskedWhiteSky() throws {
        let denoiser = try XCTUnwrap(try BlindDenoiser.shipped())
        let side = 64
        var photo = Tensor(n: 1, c: 3, h: side, w: side, repeating: 1)
        for c in 0..<3 {
            for p in (side * side / 2)..<(side * side) { photo.data[c * side * side + p] = Float(60 + p % side + 40 * c) / 255 }
        }
        var rng = SplitMix64(seed: 9)
        let restored = denoiser.restore(Noise.masking(fraction: 0.7).applied(to: photo, rng: &rng), impulses: .masking)
        var squares: Float = 0, count = 0
        for c in 0..<3 {
            for p in 0..<(side * side / 2 - 8 * side) {    // the sky's rows away from the edge below it
                let error = 1 - restored.data[c * side * side + p]
                (squares, count) = (squares + error * error, count + 1)
            }
        }
        let psnr = 10 * log10(Float(count) / squares)
        XCTAssertGreaterThan(psnr, 20, "the masked sky comes back white")
    }
}
