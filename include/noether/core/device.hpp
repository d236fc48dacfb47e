// core/device.hpp — which device runs the work: the "auto" / "cpu" / "cuda" choice of configs and flags,
// and whether this build and machine have a usable CUDA device (kernels/core/device.cu; in a build
// without CUDA, host/core/cuda_stand_in.cpp: no device).
#pragma once
#include <string>

namespace noether {

enum class DeviceChoice { Auto, Cpu, Cuda };

/// Parse "auto" / "cpu" / "cuda"; `where` names the flag or key for the error.
DeviceChoice parse_device(const std::string& s, const std::string& where);

/// Whether work that can run on either device (training, benchmarks) goes to the GPU: cuda → true (an error
/// naming `where` when no CUDA device is usable), auto → true when one is usable, cpu → false.
bool train_on_cuda(DeviceChoice choice, const std::string& where);

/// True when this build has the CUDA backend and a CUDA device can be used.
bool cuda_device_available();

/// "NVIDIA H100 80GB HBM3 (sm_90, 132 SMs)" or a reason why no device is usable.
std::string cuda_device_description();

/// Peak FP32 FLOP/s of device 0: SMs × FP32 lanes per SM × 2 × boost clock (0 when unknown).
double cuda_fp32_peak_flops();

}  // namespace noether
