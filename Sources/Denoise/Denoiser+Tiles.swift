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
    ///
    /// With `selfEnsemble`, each tile's output is the mean of the network's outputs for its
    /// eight flips and rotations, each turned back: the network's errors in the eight are
    /// partly independent, so their mean is closer to the clean image.
    public func denoise(_ x: Tensor, impulses: ImpulseNoise?, selfEnsemble: Bool = false,
                        tile: Int = Denoiser.tileSide, margin: Int = Denoiser.tileMargin) -> Tensor {
        precondition(x.n == 1 && x.c == 3, "denoise takes one RGB image")
        let g = architecture.granularity
        func infer(_ tile: Tensor) -> Tensor { network.infer(network.input(tile, impulses: [impulses])) }
        var y = x.tiled(outChannels: 3, grid: (x.h, x.w), tile: tile, margin: roundUp(margin, g), granularity: g) { tile in
            guard selfEnsemble else { return infer(tile) }
            var sum = infer(tile)
            for s in Symmetry.all.dropFirst() { sum += infer(tile.applying(s)).undoing(s) }
            return sum.map { $0 / Float(Symmetry.all.count) }
        }
        y.clampToUnitInterval()
        return y
    }
}
