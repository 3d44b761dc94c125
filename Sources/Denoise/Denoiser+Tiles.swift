import NN

extension Denoiser {
    /// The default tiling: cores of at most 768×768 pixels, each read with a margin of 64.
    public static let tileSide = 768, tileMargin = 64

    /// The denoised image of `x` (1, 3, H, W in [0, 1]), clamped to [0, 1], the network told
    /// that the image carries `impulses` (if any).
    ///
    /// The image is mirrored at its right and bottom edges up to a multiple of the U's
    /// granularity and cut into tiles of at most `tile`×`tile` pixels; each tile runs with
    /// `margin` pixels of its neighbours around it, and only its core is kept. Memory is that
    /// of one tile, whatever the image size. A margin at least the network's reach (about
    /// 60 pixels for the default architecture) makes the output equal, up to GEMM rounding,
    /// to that of the whole padded image in one piece.
    public func denoise(_ x: Tensor, impulses: ImpulseNoise?, tile: Int = Denoiser.tileSide,
                        margin: Int = Denoiser.tileMargin) -> Tensor {
        precondition(x.n == 1 && x.c == 3, "denoise takes one RGB image")
        let g = architecture.granularity
        var y = x.tiled(outChannels: 3, grid: (x.h, x.w), tile: tile, margin: roundUp(margin, g), granularity: g) {
            network.infer(network.input($0, impulses: [impulses]))
        }
        y.clampToUnitInterval()
        return y
    }
}
