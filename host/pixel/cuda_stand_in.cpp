// pixel/cuda_stand_in.cpp — the GPU pixel pendulum loss of a build without CUDA (compiled only when
// NOETHER_HAVE_CUDA is OFF; kernels/pixel/fit.cu provides it otherwise): every function throws.
#include "noether/pixel/cuda.hpp"
#include "noether/core/error.hpp"
#include "core/cuda_not_built.hpp"

namespace noether {
struct CudaPixelLoss::Impl {};

CudaPixelLoss::CudaPixelLoss(const PixelModel&, int) { cuda_not_built("CudaPixelLoss"); }
CudaPixelLoss::~CudaPixelLoss() = default;
PixelLossTerms CudaPixelLoss::evaluate(const float*, const float*, int, float*) { cuda_not_built("CudaPixelLoss::evaluate"); }

PixelLossTerms cuda_pixel_loss(const PixelModel&, const float*, std::size_t, const float*, int, float*) {
  cuda_not_built("cuda_pixel_loss");
}

void cuda_pixel_train(const PixelModel&, double*, const float*, const float*, int, int, const CudaPixelTrainSpec&,
                      const PixelBatchSampler&, const PixelStepCallback&) {
  cuda_not_built("cuda_pixel_train");
}

}  // namespace noether
