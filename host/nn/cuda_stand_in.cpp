// nn/cuda_stand_in.cpp — the GPU MLP of a build without CUDA (compiled only when NOETHER_HAVE_CUDA is
// OFF; kernels/nn/mlp.cu provides these otherwise). Constructing a CudaMlp and every cuda_mlp_*
// function throw noether::Error.
#include <cstddef>

#include "noether/nn/cuda.hpp"
#include "noether/core/error.hpp"
#include "core/cuda_not_built.hpp"

namespace noether {
template <typename T>
struct CudaMlp<T>::Impl {
  MlpShape shape;
};

template <typename T>
CudaMlp<T>::CudaMlp(const MlpShape&, int, void*) {
  cuda_not_built("CudaMlp");
}
template <typename T>
CudaMlp<T>::~CudaMlp() = default;
template <typename T>
const MlpShape& CudaMlp<T>::shape() const { return impl_->shape; }  // unreachable: no object can exist
template <typename T>
int CudaMlp<T>::max_batch() const { return 0; }
template <typename T>
void* CudaMlp<T>::stream() const { return nullptr; }
template <typename T>
void CudaMlp<T>::synchronize() const { cuda_not_built("CudaMlp::synchronize"); }
template <typename T>
void CudaMlp<T>::forward(const T*, const T*, int, T*) { cuda_not_built("CudaMlp::forward"); }
template <typename T>
void CudaMlp<T>::backward(const T*, const T*, T*, T*) { cuda_not_built("CudaMlp::backward"); }
template <typename T>
void CudaMlp<T>::input_gradient(const T*, const T*, int, T*, T*) { cuda_not_built("CudaMlp::input_gradient"); }
template <typename T>
void CudaMlp<T>::input_gradient_backward(const T*, const T*, const T*, T*, T*) {
  cuda_not_built("CudaMlp::input_gradient_backward");
}

template <typename T>
void cuda_mlp_forward(const MlpShape&, const T*, std::size_t, const T*, int, T*) {
  cuda_not_built("cuda_mlp_forward");
}
template <typename T>
void cuda_mlp_backward(const MlpShape&, const T*, std::size_t, const T*, int, const T*, T*, T*) {
  cuda_not_built("cuda_mlp_backward");
}
template <typename T>
void cuda_mlp_input_gradient(const MlpShape&, const T*, std::size_t, const T*, int, T*, T*) {
  cuda_not_built("cuda_mlp_input_gradient");
}
template <typename T>
void cuda_mlp_input_gradient_backward(const MlpShape&, const T*, std::size_t, const T*, int, const T*, const T*, T*,
                                      T*) {
  cuda_not_built("cuda_mlp_input_gradient_backward");
}

NOETHER_NN_CUDA_MLP(float)
NOETHER_NN_CUDA_MLP(double)

}  // namespace noether
