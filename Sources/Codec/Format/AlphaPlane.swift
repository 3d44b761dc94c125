import EntropyCoding

/// Lossless coding of an 8-bit alpha plane: each sample is predicted by its left neighbour
/// (the one above at the start of a row) and the residual mod 256 is coded with an adaptive
/// model, so flat transparency costs almost nothing.
enum AlphaPlane {
    static func prediction(_ plane: [UInt8], _ i: Int, width: Int) -> UInt8 {
        if i % width != 0 { return plane[i - 1] }
        return i >= width ? plane[i - width] : 255
    }

    static func encode(_ plane: [UInt8], width: Int) -> [UInt8] {
        var model = AdaptiveModel(size: 256)
        var encoder = RangeEncoder()
        for i in plane.indices {
            model.encode(Int(plane[i] &- prediction(plane, i, width: width)), &encoder)
        }
        return encoder.finish()
    }

    static func decode(_ bytes: [UInt8], width: Int, count: Int) throws -> [UInt8] {
        var model = AdaptiveModel(size: 256)
        var decoder = RangeDecoder(bytes)
        var plane = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            plane[i] = UInt8(model.decode(&decoder)) &+ prediction(plane, i, width: width)
        }
        guard !decoder.isDamaged, !decoder.overran else { throw ContainerError.corruptPayload }
        return plane
    }
}
