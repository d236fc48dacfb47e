// physics/cuda_stand_in.cpp — the CUDA backend of a build without CUDA (compiled only when
// NOETHER_HAVE_CUDA is OFF; kernels/*.cu provide these functions otherwise). No device is ever
// available, and every driver function throws noether::Error.
#include <string>
#include <vector>

#include "noether/physics/cuda.hpp"
#include "noether/core/error.hpp"
#include "core/cuda_not_built.hpp"

namespace noether {
bool cuda_device_available() { return false; }

std::string cuda_device_description() { return "built without CUDA"; }

double cuda_fp32_peak_flops() { return 0.0; }
bool cuda_learned_rollout_available() { return false; }

template <typename T>
void cuda_accelerations(const PairLawSpec&, const T*, const T*, T*, int, int, int) {
  cuda_not_built("cuda_accelerations");
}

template <typename T>
void cuda_potential_energy(const PairLawSpec&, const T*, const T*, T*, int, int, int) {
  cuda_not_built("cuda_potential_energy");
}

template <typename T>
void cuda_verlet_rollout(const PairLawSpec&, const T*, const T*, const T*, int, int, int, T, long, int, T*, T*, T*,
                         std::vector<FrameObservables>&) {
  cuda_not_built("cuda_verlet_rollout");
}

template <typename T>
double cuda_time_verlet_steps(const PairLawSpec&, const T*, const T*, const T*, int, int, int, T, long) {
  cuda_not_built("cuda_time_verlet_steps");
}

template <typename T>
double cuda_time_accelerations(const PairLawSpec&, const T*, const T*, int, int, int, int) {
  cuda_not_built("cuda_time_accelerations");
}

template <typename T>
void cuda_mlp_accelerations(const MlpShape&, const T*, const PairScaling&, const T*, const T*, T*, int, int, int) {
  cuda_not_built("cuda_mlp_accelerations");
}

template <typename T>
void cuda_mlp_potential_energy(const MlpShape&, const T*, const PairScaling&, const T*, const T*, T*, int, int, int) {
  cuda_not_built("cuda_mlp_potential_energy");
}

template <typename T>
double cuda_time_mlp_accelerations(const MlpShape&, const T*, const PairScaling&, const T*, const T*, int, int, int,
                                   int) {
  cuda_not_built("cuda_time_mlp_accelerations");
}

template void cuda_mlp_accelerations<float>(const MlpShape&, const float*, const PairScaling&, const float*,
                                            const float*, float*, int, int, int);
template void cuda_mlp_accelerations<double>(const MlpShape&, const double*, const PairScaling&, const double*,
                                             const double*, double*, int, int, int);
template void cuda_mlp_potential_energy<float>(const MlpShape&, const float*, const PairScaling&, const float*,
                                               const float*, float*, int, int, int);
template void cuda_mlp_potential_energy<double>(const MlpShape&, const double*, const PairScaling&, const double*,
                                                const double*, double*, int, int, int);
template double cuda_time_mlp_accelerations<float>(const MlpShape&, const float*, const PairScaling&, const float*,
                                                   const float*, int, int, int, int);
template double cuda_time_mlp_accelerations<double>(const MlpShape&, const double*, const PairScaling&,
                                                    const double*, const double*, int, int, int, int);
template void cuda_accelerations<float>(const PairLawSpec&, const float*, const float*, float*, int, int, int);
template void cuda_accelerations<double>(const PairLawSpec&, const double*, const double*, double*, int, int, int);
template void cuda_potential_energy<float>(const PairLawSpec&, const float*, const float*, float*, int, int, int);
template void cuda_potential_energy<double>(const PairLawSpec&, const double*, const double*, double*, int, int,
                                            int);
template void cuda_verlet_rollout<float>(const PairLawSpec&, const float*, const float*, const float*, int, int, int,
                                         float, long, int, float*, float*, float*, std::vector<FrameObservables>&);
template void cuda_verlet_rollout<double>(const PairLawSpec&, const double*, const double*, const double*, int, int,
                                          int, double, long, int, double*, double*, double*,
                                          std::vector<FrameObservables>&);
template double cuda_time_verlet_steps<float>(const PairLawSpec&, const float*, const float*, const float*, int, int,
                                              int, float, long);
template double cuda_time_verlet_steps<double>(const PairLawSpec&, const double*, const double*, const double*, int,
                                               int, int, double, long);
template double cuda_time_accelerations<float>(const PairLawSpec&, const float*, const float*, int, int, int, int);
template double cuda_time_accelerations<double>(const PairLawSpec&, const double*, const double*, int, int, int,
                                                int);

}  // namespace noether
