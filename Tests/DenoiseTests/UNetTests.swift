import XCTest
import GradientChecking
@testable import Denoise
@testable import NN

final class UNetTests: XCTestCase {
    /// Finite differences through the whole U: head, strided convolutions, residual blocks,
    /// transposed convolutions, the additive skips and the global residual.
    /// The count a reader checks before building a network is the network's own.
    func testParameterCountIsTheNetworks() {
        for architecture in [DenoiserArchitecture(channels: [4, 8], blocks: 1), DenoiserArchitecture(channels: [3, 5, 7], blocks: 2),
                             DenoiserArchitecture(channels: [2, 4, 6, 8], blocks: 0),
                             DenoiserArchitecture(channels: [3, 4], blocks: 1, fullResolutionBlocks: 2),
                             DenoiserArchitecture(channels: [3, 4], blocks: 1, impulseHint: true),
                             DenoiserArchitecture(channels: [3, 4], blocks: 1, impulseHint: true, whiteHint: true)] {
            XCTAssertEqual(Denoiser(architecture).parameters.reduce(0) { $0 + $1.count }, architecture.parameterCount)
        }
    }

    func testGradients() {
        var rng = SplitMix64(seed: 3)
        let unet = UNet(DenoiserArchitecture(channels: [3, 4, 5], blocks: 1, fullResolutionBlocks: 1, impulseHint: true,
                                             whiteHint: true), rng: &rng)
        for plane in [unet.hint!, unet.white!] {    // not zero: a live gradient
            plane.weight.value = Array(unet.head.weight.value.prefix(plane.weight.count))
        }
        GradientChecker(step: 1e-2, tolerance: 3e-2).check(unet, input: randomTensor(n: 2, c: 5, h: 8, w: 4, seed: 5))
    }

    /// The impulse hint and its white plane start at zero, so a network given them by `--init`
    /// starts as the function it was; the hint marks the pixels black in every channel under
    /// masking, and black or white ones otherwise; the white plane, the white ones of those
    /// under salt-and-pepper alone (elsewhere a white pixel may be a clipped highlight).
    func testImpulseHintStartsAsNothing() {
        var (a, b) = (SplitMix64(seed: 7), SplitMix64(seed: 7))
        let plain = UNet(DenoiserArchitecture(channels: [4, 6], blocks: 1), rng: &a)
        let hinted = UNet(DenoiserArchitecture(channels: [4, 6], blocks: 1, impulseHint: true, whiteHint: true), rng: &b)
        for (p, q) in zip(plain.parameters, hinted.parameters.filter { !$0.name.hasPrefix("head.hint") && !$0.name.hasPrefix("head.white") }) {
            q.value = p.value
        }
        var x = randomTensor(n: 2, c: 3, h: 8, w: 4, seed: 8)
        for (i, p, value) in [(0, 1, Float(0)), (0, 13, 1), (1, 6, 0)] {
            for c in 0..<x.c { x.data[i * x.imageSize + c * x.planeSize + p] = value }
        }
        XCTAssertEqual(plain.infer(x), hinted.infer(hinted.input(x, impulses: [.saltPepper, nil])))
        func marked(_ impulses: [ImpulseNoise?], white: Bool = false) -> [Int] {
            let hint = ImpulseNoise.hint(x, for: impulses, white: white)
            return hint.data.indices.filter { hint.data[$0] == 1 }
        }
        XCTAssertEqual(marked([nil, nil]), [1, 13, 32 + 6])
        XCTAssertEqual(marked([.saltPepper, .masking]), [1, 13, 32 + 6])
        XCTAssertEqual(marked([.masking, nil]), [1, 32 + 6])
        XCTAssertEqual(marked([.saltPepper, nil], white: true), [1, 13, 32 + 13, 64 + 6])
        XCTAssertEqual(marked([.masking, .saltPepper], white: true), [1, 64 + 6])
        XCTAssertEqual(marked([nil, nil], white: true), [1, 13, 64 + 6])
    }

    /// infer and forward compute the same function.
    func testInferMatchesForward() {
        var rng = SplitMix64(seed: 4)
        let unet = UNet(DenoiserArchitecture(channels: [4, 6, 8], blocks: 2), rng: &rng)
        let x = randomTensor(n: 1, c: 3, h: 12, w: 16, seed: 6)
        XCTAssertEqual(unet.forward(x), unet.infer(x))
    }

    /// Full-resolution blocks are recorded only when there are some, so the files of models
    /// without them keep their architecture text (and bytes); a negative count is invalid.
    func testFullResolutionBlocksInTheArchitecture() throws {
        XCTAssertEqual(DenoiserArchitecture(channels: [4, 8], blocks: 1).json, #"{"blocks":1,"channels":[4,8],"kind":"denoiser-unet"}"#)
        let deeper = DenoiserArchitecture(channels: [4, 8], blocks: 1, fullResolutionBlocks: 2)
        XCTAssertEqual(try DenoiserArchitecture(json: deeper.json), deeper)
        XCTAssertTrue(deeper.json.contains(#""fullResolutionBlocks":2"#), deeper.json)
        XCTAssertFalse(DenoiserArchitecture(channels: [4, 8], blocks: 1, fullResolutionBlocks: -1).isValid)
        let hinted = DenoiserArchitecture(channels: [4, 8], blocks: 1, impulseHint: true)
        XCTAssertEqual(try DenoiserArchitecture(json: hinted.json), hinted)
        XCTAssertFalse(try DenoiserArchitecture(json: #"{"blocks":1,"channels":[4,8],"impulseHint":false,"kind":"denoiser-unet"}"#).isValid)
        let white = DenoiserArchitecture(channels: [4, 8], blocks: 1, impulseHint: true, whiteHint: true)
        XCTAssertEqual(try DenoiserArchitecture(json: white.json), white)
        XCTAssertFalse(DenoiserArchitecture(channels: [4, 8], blocks: 1, whiteHint: true).isValid, "white plane without the hint")
    }
}
