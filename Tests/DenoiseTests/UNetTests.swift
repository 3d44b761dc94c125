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
                             DenoiserArchitecture(channels: [3, 4], blocks: 1, fullResolutionBlocks: 2)] {
            XCTAssertEqual(Denoiser(architecture).parameters.reduce(0) { $0 + $1.count }, architecture.parameterCount)
        }
    }

    func testGradients() {
        var rng = SplitMix64(seed: 3)
        let unet = UNet(DenoiserArchitecture(channels: [3, 4, 5], blocks: 1, fullResolutionBlocks: 1), rng: &rng)
        GradientChecker(step: 1e-2, tolerance: 3e-2).check(unet, input: randomTensor(n: 2, c: 3, h: 8, w: 4, seed: 5))
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
    }
}
