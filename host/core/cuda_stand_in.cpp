// core/cuda_stand_in.cpp — the device queries of a build without CUDA (compiled only when NOETHER_HAVE_CUDA
// is OFF; kernels/core/device.cu provides them otherwise): no device is ever available.
#include <string>

#include "noether/core/device.hpp"

namespace noether {

bool cuda_device_available() { return false; }

std::string cuda_device_description() { return "built without CUDA"; }

double cuda_fp32_peak_flops() { return 0.0; }

}  // namespace noether
