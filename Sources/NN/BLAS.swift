import CBLAS

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
