// cuda_hnn_unavailable.cpp — the GPU HNN trainer of a build without CUDA (compiled only when
// NOETHER_HAVE_CUDA is OFF; kernels/hnn_fit.cu provides these otherwise): every function throws.
#include "noether/cuda_hnn.hpp"
#include "noether/error.hpp"

namespace noether {
namespace {
[[noreturn]] void not_built(const char* fn) {
  NOETHER_FAIL(fn << ": CUDA backend not built (this noether was configured without CUDA; "
                  << "reconfigure with nvcc available and -DNOETHER_ENABLE_CUDA=ON)");
}
}  // namespace

double cuda_hnn_loss(bool, const MlpShape&, const double*, std::size_t, const double*, const double*, int, double*) {
  not_built("cuda_hnn_loss");
}

void cuda_hnn_train(bool, const MlpShape&, double*, std::size_t, const double*, const double*, int,
                    const CudaHnnTrainSpec&, const HnnBatchSampler&) {
  not_built("cuda_hnn_train");
}

}  // namespace noether
