// core/device.cu — is a CUDA device usable, what is it, and its peak FP32 throughput.
#include <cuda_runtime.h>

#include <sstream>
#include <string>

#include "noether/core/device.hpp"

namespace noether {
namespace {

/// FP32 lanes (CUDA cores) per SM by compute capability; 0 when unknown.
int fp32_lanes_per_sm(int major, int minor) {
  switch (major) {
    case 6: return minor == 0 ? 64 : 128;   // P100: 64; GP10x: 128
    case 7: return 64;                       // Volta, Turing
    case 8: return minor == 0 ? 64 : 128;   // A100: 64; GA10x (8.6), Orin (8.7), Ada (8.9): 128
    case 9: return 128;                      // Hopper
    case 10:
    case 11:
    case 12: return 128;                     // Blackwell
    default: return 0;
  }
}

/// Number of devices, or a negative value (with the reason in `why`) when none can be used.
int device_count(std::string* why) {
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    (void)cudaGetLastError();  // do not leave the error behind for later checks
    if (why) *why = std::string(cudaGetErrorName(err)) + ": " + cudaGetErrorString(err);
    return -1;
  }
  if (count <= 0 && why) *why = "cudaGetDeviceCount reports no devices";
  return count;
}

}  // namespace

bool cuda_device_available() {
  try {
    return device_count(nullptr) > 0;
  } catch (...) {
    return false;
  }
}

std::string cuda_device_description() {
  std::string why;
  if (device_count(&why) <= 0) return "no usable CUDA device (" + why + ")";
  int dev = 0;
  cudaDeviceProp prop{};
  cudaError_t err = cudaGetDevice(&dev);
  if (err == cudaSuccess) err = cudaGetDeviceProperties(&prop, dev);
  if (err != cudaSuccess) {
    (void)cudaGetLastError();
    return std::string("CUDA device present but unreadable (") + cudaGetErrorName(err) + ": " +
           cudaGetErrorString(err) + ")";
  }
  std::ostringstream os;
  os << prop.name << " (sm_" << prop.major << prop.minor << ", " << prop.multiProcessorCount << " SMs)";
  return os.str();
}

double cuda_fp32_peak_flops() {
  if (device_count(nullptr) <= 0) return 0.0;
  int dev = 0, sms = 0, major = 0, minor = 0, clock_khz = 0;
  if (cudaGetDevice(&dev) != cudaSuccess ||
      cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev) != cudaSuccess ||
      cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, dev) != cudaSuccess ||
      cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, dev) != cudaSuccess ||
      cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, dev) != cudaSuccess) {
    (void)cudaGetLastError();
    return 0.0;
  }
  // SMs × lanes × 2 FLOPs per FMA × peak clock (kHz → Hz).
  return double(sms) * fp32_lanes_per_sm(major, minor) * 2.0 * double(clock_khz) * 1e3;
}

}  // namespace noether
