// mclnn/cuda_stand_in.cpp — the GPU MCLNN loss/gradient of a build without CUDA (compiled only when
// NOETHER_HAVE_CUDA is OFF; kernels/mclnn/adjoint.cu provides these otherwise): arguments are checked as
// in the CUDA build, then every call throws.
#include "noether/mclnn/cuda.hpp"
#include "noether/core/error.hpp"
#include "core/cuda_not_built.hpp"

namespace noether {

struct CudaMclnnWorkspace::Impl {};

CudaMclnnWorkspace::CudaMclnnWorkspace() : impl_(std::make_unique<Impl>()) {}
CudaMclnnWorkspace::~CudaMclnnWorkspace() = default;

template <typename T>
double cuda_mclnn_loss_and_grad(const MlpShape& shape, const PairScaling& scaling, const T* params,
                                const MclnnSegmentBatch<T>& batch, T* /*grad*/, CudaMclnnWorkspace* /*workspace*/) {
  check_mclnn_batch("cuda_mclnn_loss_and_grad", shape, scaling, params, batch);
  cuda_not_built("cuda_mclnn_loss_and_grad");
}

NOETHER_MCLNN_CUDA(float)
NOETHER_MCLNN_CUDA(double)

}  // namespace noether
