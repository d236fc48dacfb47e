// hnn/cuda_stand_in.cpp — the GPU HNN trainer of a build without CUDA (compiled only when
// NOETHER_HAVE_CUDA is OFF; kernels/hnn/fit.cu provides these otherwise): every function checks its
// arguments like the real one, then throws.
#include "noether/hnn/cuda.hpp"
#include "noether/core/error.hpp"
#include "core/cuda_not_built.hpp"

namespace noether {
double cuda_hnn_loss(bool hamiltonian, const MlpShape& shape, const double* params, std::size_t n_params,
                     const double* X, const double* Y, int n, double*) {
  check_hnn_args("cuda_hnn_loss", hamiltonian, shape, n_params, params, X, Y, n);
  cuda_not_built("cuda_hnn_loss");
}

void cuda_hnn_train(bool hamiltonian, const MlpShape& shape, double* params, std::size_t n_params, const double* X,
                    const double* Y, int n, const CudaHnnTrainSpec&, const HnnBatchSampler&) {
  check_hnn_args("cuda_hnn_train", hamiltonian, shape, n_params, params, X, Y, n);
  cuda_not_built("cuda_hnn_train");
}

}  // namespace noether
