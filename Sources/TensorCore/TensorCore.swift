// TensorCore: Float32 storage, BLAS products, SIMD kernels, quantised block formats.
import COpenBLAS
