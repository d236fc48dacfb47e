// nn/cublas_util.cuh — NOETHER_CUBLAS_CHECK, an RAII cuBLAS handle and a row-major GEMM on top of cuBLAS's
// column-major one. Internal to kernels/.
//
// Row-major trick: a row-major (r × c) matrix is, read column-major, its transpose (c × r). So the row-major
// product C = op(A)·op(B) is computed as the column-major product Cᵀ = op(B)ᵀ·op(A)ᵀ, i.e. cuBLAS is called
// with the operands swapped and the same transpose flags, and every leading dimension is the row-major
// column count of the matrix as stored.
#pragma once
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include "core/cuda_check.cuh"
#include "noether/core/error.hpp"

/// Evaluate a cublasStatus_t expression; throw noether::Error naming file:line, the call and the status.
#define NOETHER_CUBLAS_CHECK(expr)                                                                        \
  do {                                                                                                    \
    const cublasStatus_t noether_cublas_st_ = (expr);                                                     \
    if (noether_cublas_st_ != CUBLAS_STATUS_SUCCESS)                                                      \
      NOETHER_FAIL("cuBLAS error at " << __FILE__ << ":" << __LINE__ << ": " #expr " failed: "            \
                                      << cublasGetStatusName(noether_cublas_st_) << ": "                  \
                                      << cublasGetStatusString(noether_cublas_st_));                      \
  } while (0)

namespace noether {
namespace cuda {

/// Owner of a cuBLAS handle bound to one stream.
class CublasHandle {
 public:
  explicit CublasHandle(cudaStream_t stream) {
    NOETHER_CUBLAS_CHECK(cublasCreate(&h_));
    NOETHER_CUBLAS_CHECK(cublasSetStream(h_, stream));
  }
  ~CublasHandle() {
    if (h_) (void)cublasDestroy(h_);
  }
  CublasHandle(const CublasHandle&) = delete;
  CublasHandle& operator=(const CublasHandle&) = delete;
  cublasHandle_t get() const { return h_; }

 private:
  cublasHandle_t h_ = nullptr;
};

inline cublasStatus_t gemm_col(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                               const float* alpha, const float* A, int lda, const float* B, int ldb,
                               const float* beta, float* C, int ldc) {
  return cublasSgemm(h, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}
inline cublasStatus_t gemm_col(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                               const double* alpha, const double* A, int lda, const double* B, int ldb,
                               const double* beta, double* C, int ldc) {
  return cublasDgemm(h, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

/// Row-major C (m × n) = alpha · op(A) · op(B) + beta · C with op(A) (m × k) and op(B) (k × n); A is stored
/// (k × m) when transA, else (m × k); B is stored (n × k) when transB, else (k × n). [2·m·n·k FLOPs]
template <typename T>
void gemm_rm(cublasHandle_t h, bool transA, bool transB, int m, int n, int k, T alpha, const T* A, const T* B,
             T beta, T* C) {
  const int lda = transA ? m : k;
  const int ldb = transB ? k : n;
  NOETHER_CUBLAS_CHECK(gemm_col(h, transB ? CUBLAS_OP_T : CUBLAS_OP_N, transA ? CUBLAS_OP_T : CUBLAS_OP_N, n, m, k,
                                &alpha, B, ldb, A, lda, &beta, C, n));
}

}  // namespace cuda
}  // namespace noether
