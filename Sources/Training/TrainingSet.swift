import NN

/// Training photos held in memory as planar RGB Float32 in [0, 1], served as batches of
/// random crops with random horizontal flips.
public struct TrainingSet: Sendable {
    public struct Photo: Sendable {
        public let width: Int, height: Int
        public let samples: [Float]     // 3 planes of H×W
        public init(width: Int, height: Int, samples: [Float]) {
            precondition(samples.count == 3 * width * height, "photo must be RGB")
            (self.width, self.height, self.samples) = (width, height, samples)
        }
    }

    public private(set) var photos: [Photo] = []
    public init() {}

    public mutating func append(_ photo: Photo) { photos.append(photo) }
    public var count: Int { photos.count }

    /// `size` crops of `crop`×`crop` pixels from photos at least that large.
    public func batch(size: Int, crop: Int, rng: inout SplitMix64) -> Tensor {
        let usable = photos.filter { $0.width >= crop && $0.height >= crop }
        precondition(!usable.isEmpty, "no training photo is at least \(crop)×\(crop)")
        var out = Tensor(n: size, c: 3, h: crop, w: crop)
        let plane = crop * crop
        for i in 0..<size {
            let photo = usable[Int(rng.next() % UInt64(usable.count))]
            let x0 = Int(rng.next() % UInt64(photo.width - crop + 1))
            let y0 = Int(rng.next() % UInt64(photo.height - crop + 1))
            let flip = rng.next() & 1 == 1
            let source = photo.width * photo.height
            for c in 0..<3 {
                for y in 0..<crop {
                    let row = c * source + (y0 + y) * photo.width + x0
                    let dst = (i * 3 + c) * plane + y * crop
                    for x in 0..<crop {
                        out.data[dst + x] = photo.samples[row + (flip ? crop - 1 - x : x)]
                    }
                }
            }
        }
        return out
    }
}
