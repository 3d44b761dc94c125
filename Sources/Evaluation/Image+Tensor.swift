import Codec
import Images
import NN

extension Image {
    /// The image as a (1, 3, H, W) tensor; grey is replicated to RGB.
    public var rgbTensor: Tensor {
        let rgb = self.rgb()
        return Tensor(n: 1, c: 3, h: height, w: width, data: rgb.samples)
    }

    /// A decoded file as an image, with the source's channels and alpha.
    public init(_ decoded: ImageCodec.Decoded) {
        self.init(rgb: decoded.rgb.data, width: decoded.rgb.w, height: decoded.rgb.h, channels: decoded.channels,
                  alpha: decoded.alpha)
    }
}
