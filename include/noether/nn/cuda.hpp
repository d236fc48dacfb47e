// nn/cuda.hpp — the generic batched MLP on the GPU (kernels/nn/mlp.cu): forward, backward, input
// gradient ∇_x f and double backprop, the GPU twins of nn/mlp.hpp (same formulas, same conventions: flat
// parameter buffer in nn/mlp_layout.hpp order, dparams accumulated, dX overwritten). Every matrix product is
// a cuBLAS GEMM; activations and products ⊙ are small element-wise kernels.
//
// Two layers of API:
//   - CudaMlp<T>: a device-resident workspace (cuBLAS handle, stream, tape for up to max_batch rows) whose
//     methods take DEVICE pointers and enqueue asynchronously on stream() — for training loops;
//   - cuda_mlp_*: one-shot functions on HOST pointers (copy in, compute, copy out) — for tests and tools.
// In a build without CUDA every function throws noether::Error (host/nn/cuda_stand_in.cpp); check
// cuda_device_available() (physics/cuda.hpp) first. Nothing CUDA-specific leaks into this header.
#pragma once
#include <cstddef>
#include <memory>

#include "noether/nn/mlp_layout.hpp"

namespace noether {

/// A device workspace for one MLP shape. Not thread-safe; one tape (the last forward call) at a time.
template <typename T>
class CudaMlp {
 public:
  /// Allocate the tape for batches of up to max_batch rows. `stream` is a cudaStream_t to enqueue on
  /// (nullptr: the object creates and owns a non-blocking stream).
  CudaMlp(const MlpShape& shape, int max_batch, void* stream = nullptr);
  ~CudaMlp();
  CudaMlp(const CudaMlp&) = delete;
  CudaMlp& operator=(const CudaMlp&) = delete;

  const MlpShape& shape() const;
  int max_batch() const;
  void* stream() const;  ///< the cudaStream_t all work goes to
  void synchronize() const;

  // --- device-pointer API: every pointer is device memory; params has shape().parameter_count() values ---
  /// Y (n, d_L) = MLP(X (n, d_0)); records the tape for backward().
  void forward(const T* params, const T* X, int n, T* Y);
  /// dY (n, d_L) = ∂loss/∂Y → dparams += ∂loss/∂θ, dX (n, d_0) = ∂loss/∂X; outputs may be nullptr.
  void backward(const T* params, const T* dY, T* dparams, T* dX);
  /// Scalar MLP: f (n) (may be nullptr) and G (n, d_0) = ∇_x f; records the tape for input_gradient_backward().
  void input_gradient(const T* params, const T* X, int n, T* f, T* G);
  /// Double backprop: dG (n, d_0), df (n) or nullptr → dparams += ∂loss/∂θ, dX (n, d_0) = ∂loss/∂X.
  /// Consumes the tape (as mlp_input_gradient_backward does).
  void input_gradient_backward(const T* params, const T* dG, const T* df, T* dparams, T* dX);

 private:
  struct Impl;  // kernels/nn/mlp.cu (or the throwing stand-in of a build without CUDA)
  std::unique_ptr<Impl> impl_;
};

// --- host-pointer API (one-shot: allocates, copies, synchronizes); shapes as in nn/mlp.hpp ---

/// Y (n, d_L) = MLP(X (n, d_0)).
template <typename T>
void cuda_mlp_forward(const MlpShape& shape, const T* params, std::size_t n_params, const T* X, int n, T* Y);

/// Forward on X, then backward of dY (n, d_L): dparams (n_params) += ∂loss/∂θ, dX (n, d_0) = ∂loss/∂X.
template <typename T>
void cuda_mlp_backward(const MlpShape& shape, const T* params, std::size_t n_params, const T* X, int n,
                       const T* dY, T* dparams, T* dX);

/// f (n) (may be nullptr) and G (n, d_0) = ∇_x f of a scalar MLP.
template <typename T>
void cuda_mlp_input_gradient(const MlpShape& shape, const T* params, std::size_t n_params, const T* X, int n, T* f,
                             T* G);

/// Input gradient on X, then double backprop of dG (n, d_0), df (n) or nullptr:
/// dparams (n_params) += ∂loss/∂θ, dX (n, d_0) = ∂loss/∂X.
template <typename T>
void cuda_mlp_input_gradient_backward(const MlpShape& shape, const T* params, std::size_t n_params, const T* X,
                                      int n, const T* dG, const T* df, T* dparams, T* dX);

// Explicit instantiations (T = float, double): the one list, used by kernels/nn/mlp.cu and by the stand-in of a
// build without CUDA (host/nn/cuda_stand_in.cpp).
#define NOETHER_NN_CUDA_MLP(T)                                                                                      \
  template class CudaMlp<T>;                                                                                        \
  template void cuda_mlp_forward<T>(const MlpShape&, const T*, std::size_t, const T*, int, T*);                      \
  template void cuda_mlp_backward<T>(const MlpShape&, const T*, std::size_t, const T*, int, const T*, T*, T*);       \
  template void cuda_mlp_input_gradient<T>(const MlpShape&, const T*, std::size_t, const T*, int, T*, T*);           \
  template void cuda_mlp_input_gradient_backward<T>(const MlpShape&, const T*, std::size_t, const T*, int, const T*, \
                                                    const T*, T*, T*);

}  // namespace noether
