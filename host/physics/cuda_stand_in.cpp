// physics/cuda_stand_in.cpp — the CUDA backend of a build without CUDA (compiled only when
// NOETHER_HAVE_CUDA is OFF; kernels/physics/*.cu provide these functions otherwise). No device is ever
// available, and every driver function throws noether::Error.
#include <string>
#include <vector>

#include "noether/physics/cuda.hpp"
#include "noether/core/error.hpp"
#include "core/cuda_not_built.hpp"

namespace noether {
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

template <typename T>
void cuda_bulk_forces(const PairLawSpec*, const CutoffSpec*, int, const Box&, const T*, const T*, const int*, int, int,
                      const CudaNeighborOptions&, T*, double*, double*, CudaNeighborListCopy*) {
  cuda_not_built("cuda_bulk_forces");
}

template <typename T>
void cuda_bulk_rollout(const PairLawSpec*, const CutoffSpec*, int, const Box&, const T*, const T*, const T*, const int*,
                       int, int, T, long, int, const CudaNeighborOptions&, T*, T*, T*, int*,
                       std::vector<FrameObservables>&, double*, CudaNeighborListCopy*,
                       const std::function<double(double)>&) {
  cuda_not_built("cuda_bulk_rollout");
}

NOETHER_PHYSICS_CUDA_ALLPAIRS(float)
NOETHER_PHYSICS_CUDA_ALLPAIRS(double)
NOETHER_PHYSICS_CUDA_ROLLOUT(float)
NOETHER_PHYSICS_CUDA_ROLLOUT(double)
NOETHER_PHYSICS_CUDA_BULK(float)
NOETHER_PHYSICS_CUDA_BULK(double)
NOETHER_PHYSICS_CUDA_PAIR_MLP(float)
NOETHER_PHYSICS_CUDA_PAIR_MLP(double)

}  // namespace noether
