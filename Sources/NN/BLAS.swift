import CBLAS
import CKernels

/// Single-precision GEMM on row-major matrices through OpenBLAS:
/// C (m×n) = alpha · op(A) (m×k) · op(B) (k×n) + beta · C.
/// `lda`, `ldb`, `ldc` are row strides of the stored (untransposed) matrices.
@inline(__always)
public func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                  alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                  b: UnsafePointer<Float>, ldb: Int,
                  beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
                transB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha,
                a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// What OpenBLAS chose at load time, and the knob to set its threads.
public enum BLASRuntime {
    /// The kernel family OpenBLAS uses, e.g. "Haswell", "SkylakeX", "Prescott".
    public static var coreName: String { String(cString: openblas_get_corename()) }

    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }
}

/// The arithmetic of the layers' GEMMs (convolutions and GDN).
public enum GEMMPrecision: String, CaseIterable, Sendable {
    /// OpenBLAS's sgemm.
    case float32
    /// Operands rounded to bfloat16, products summed in Float32 (AVX512_BF16): faster than
    /// sgemm. In training that rounding is lost in the gradient noise; in g_a and g_s it moved
    /// Kodak's RD curve by no measurable BD-rate.
    case bfloat16
    /// Operands that are integers within ±32767 and sums within ±2^24 (the integer networks'
    /// convolutions), products summed in Int32 (AVX512_VNNI): exactly sgemm's results, with
    /// twice the products per instruction. Only for such operands, and not for GDN.
    case int16

    /// The paired GEMM's kind, or nil for sgemm.
    var pairs: aeic_pair_kind? {
        switch self {
        case .float32: return nil
        case .bfloat16: return AEIC_PAIR_BF16
        case .int16: return AEIC_PAIR_INT16
        }
    }
}

extension BLASRuntime {
    /// Whether this CPU can run the bfloat16 GEMM.
    public static var bfloat16Supported: Bool { aeic_pair_supported(AEIC_PAIR_BF16) }
    /// Whether this CPU can run the int16 GEMM.
    public static var int16Supported: Bool { aeic_pair_supported(AEIC_PAIR_INT16) }
}

/// The left operand op(A) (m×k) of a layer's GEMMs, often shared by many (the weights across
/// the images and bands of a batch). In the paired precisions it is converted and packed
/// into the kernel's panels once; in float32 each product is an sgemm on A as it is. `a` must
/// stay valid while the operand is used.
final class LeftOperand: @unchecked Sendable {
    let transA: Bool, m: Int, k: Int, a: UnsafePointer<Float>, lda: Int
    /// The paired GEMM's kind and A in its panels; nil in float32.
    let pairs: aeic_pair_kind?
    private let packed: [UInt32]

    init(transA: Bool = false, m: Int, k: Int, a: UnsafePointer<Float>, lda: Int, precision: GEMMPrecision) {
        (self.transA, self.m, self.k, self.a, self.lda, pairs) = (transA, m, k, a, lda, precision.pairs)
        guard let kind = pairs else { packed = []; return }
        packed = [UInt32](unsafeUninitializedCapacity: aeic_pair_packed_size(Int32(m), Int32(k))) { buffer, count in
            aeic_pair_pack_a(kind, transA, Int32(m), Int32(k), a, Int32(lda), buffer.baseAddress)
            count = buffer.count
        }
    }

    /// C (m×n) = op(A) · op(B), plus C when `beta` is 1.
    func multiply(n: Int, b: UnsafePointer<Float>, ldb: Int, transB: Bool = false, beta: Float = 0,
                  c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard let kind = pairs else {
            return sgemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda,
                         b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
        precondition(beta == 0 || beta == 1, "the paired GEMM overwrites or accumulates")
        packed.withUnsafeBufferPointer { p in
            aeic_pair_gemm(kind, p.baseAddress, Int32(m), Int32(n), Int32(k), b, Int32(ldb), transB, beta == 1,
                           c, Int32(ldc))
        }
    }

    /// As `multiply`, with B (k×n) already in the paired kernel's panels of this operand's
    /// kind; only where `pairs` is not nil.
    func multiply(n: Int, packedB: UnsafePointer<UInt32>, beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        precondition(beta == 0 || beta == 1, "the paired GEMM overwrites or accumulates")
        packed.withUnsafeBufferPointer { p in
            aeic_pair_gemm_packed(pairs!, p.baseAddress, Int32(m), Int32(n), Int32(k), packedB, beta == 1, c, Int32(ldc))
        }
    }

    /// C = op(A) · B + bias (one per row of C), with B the column matrix of convolution `g`
    /// over `image` at grid rows `rows`, packed from the image block by block into `workspace`
    /// (at least `aeic_pair_conv_workspace` words); only where `pairs` is not nil.
    func convolve(_ image: UnsafePointer<Float>, _ g: ConvGeometry, rows: Range<Int>, bias: [Float],
                  c: UnsafeMutablePointer<Float>, ldc: Int, workspace: UnsafeMutablePointer<UInt32>) {
        precondition(bias.count == m, "one bias per row of C")
        packed.withUnsafeBufferPointer { p in
            aeic_pair_conv(pairs!, p.baseAddress, Int32(m), image, Int32(g.channels), Int32(g.height), Int32(g.width),
                           Int32(g.kernel), Int32(g.stride), Int32(g.padding), Int32(g.outWidth), Int32(rows.lowerBound),
                           Int32(rows.count), bias, c, Int32(ldc), workspace)
        }
    }
}
